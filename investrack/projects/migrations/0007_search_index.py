# The search index (projects/search.py): each project's search terms, and the index that
# reads them — SQLite FTS5, kept by triggers on the column; PostgreSQL GIN over tsvector.

import re
import unicodedata

from django.db import migrations, models

# A frozen copy of projects.search.terms / project_terms (migrations import no live code).
_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9A-Za-z]+")
_CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _terms(text):
    found = []
    for match in _RUN.finditer(unicodedata.normalize("NFKC", text or "")):
        run = match.group(0)
        if _CHINESE.match(run):
            found += [run[i : i + 2] for i in range(len(run) - 1)] or [run]
        else:
            found.append(run.lower())
    return found


def _project_terms(*texts):
    return " 0sep0 ".join(" ".join(_terms(t)) for t in texts if t)


def fill_terms(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    batch = []
    rows = Project.objects.values_list("pk", "name", "code", "national_code", "investor__name")
    for pk, name, code, national, investor in rows.iterator(chunk_size=5000):
        batch.append(Project(pk=pk, search_terms=_project_terms(name, code, national, investor)))
        if len(batch) == 5000:
            Project.objects.bulk_update(batch, ["search_terms"])
            batch = []
    Project.objects.bulk_update(batch, ["search_terms"])


SQLITE = [
    "CREATE VIRTUAL TABLE projects_search USING fts5(search_terms, content='projects_project', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER projects_search_insert AFTER INSERT ON projects_project BEGIN "
    "INSERT INTO projects_search(rowid, search_terms) VALUES (new.id, new.search_terms); END",
    "CREATE TRIGGER projects_search_delete AFTER DELETE ON projects_project BEGIN "
    "INSERT INTO projects_search(projects_search, rowid, search_terms) "
    "VALUES ('delete', old.id, old.search_terms); END",
    "CREATE TRIGGER projects_search_update AFTER UPDATE OF search_terms ON projects_project "
    "BEGIN INSERT INTO projects_search(projects_search, rowid, search_terms) "
    "VALUES ('delete', old.id, old.search_terms); "
    "INSERT INTO projects_search(rowid, search_terms) VALUES (new.id, new.search_terms); END",
    "INSERT INTO projects_search(projects_search) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS projects_search_insert",
    "DROP TRIGGER IF EXISTS projects_search_delete",
    "DROP TRIGGER IF EXISTS projects_search_update",
    "DROP TABLE IF EXISTS projects_search",
]
POSTGRESQL = [
    "CREATE INDEX project_search_idx ON projects_project "
    "USING gin (to_tsvector('simple', search_terms))",
]
POSTGRESQL_DROP = ["DROP INDEX IF EXISTS project_search_idx"]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0006_record_clock"),
    ]

    operations = [
        migrations.AddField(
            model_name="project",
            name="search_terms",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="search terms"
            ),
        ),
        migrations.RunPython(fill_terms, migrations.RunPython.noop),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}),
        ),
    ]
