# The search index (projects/search.py): each project's search terms in a table of their
# own, and the index that reads them — SQLite FTS5, kept by triggers on that table;
# PostgreSQL GIN over tsvector.

import re
import unicodedata

import django.db.models.deletion
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
    ProjectSearch = apps.get_model("projects", "ProjectSearch")
    batch = []
    rows = Project.objects.values_list("pk", "name", "code", "national_code", "investor__name")
    for pk, name, code, national, investor in rows.iterator(chunk_size=5000):
        batch.append(ProjectSearch(project_id=pk, terms=_project_terms(name, code, national, investor)))
        if len(batch) == 5000:
            ProjectSearch.objects.bulk_create(batch)
            batch = []
    ProjectSearch.objects.bulk_create(batch)


SQLITE = [
    "CREATE VIRTUAL TABLE projects_search USING fts5(terms, content='projects_projectsearch', "
    "content_rowid='project_id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER projects_search_insert AFTER INSERT ON projects_projectsearch BEGIN "
    "INSERT INTO projects_search(rowid, terms) VALUES (new.project_id, new.terms); END",
    "CREATE TRIGGER projects_search_delete AFTER DELETE ON projects_projectsearch BEGIN "
    "INSERT INTO projects_search(projects_search, rowid, terms) "
    "VALUES ('delete', old.project_id, old.terms); END",
    "CREATE TRIGGER projects_search_update AFTER UPDATE ON projects_projectsearch BEGIN "
    "INSERT INTO projects_search(projects_search, rowid, terms) "
    "VALUES ('delete', old.project_id, old.terms); "
    "INSERT INTO projects_search(rowid, terms) VALUES (new.project_id, new.terms); END",
    "INSERT INTO projects_search(projects_search) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS projects_search_insert",
    "DROP TRIGGER IF EXISTS projects_search_delete",
    "DROP TRIGGER IF EXISTS projects_search_update",
    "DROP TABLE IF EXISTS projects_search",
]
POSTGRESQL = [
    "CREATE INDEX project_search_idx ON projects_projectsearch "
    "USING gin (to_tsvector('simple', terms))",
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
        migrations.CreateModel(
            name="ProjectSearch",
            fields=[
                (
                    "project",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search",
                        serialize=False,
                        to="projects.project",
                    ),
                ),
                ("terms", models.TextField(blank=True, default="", verbose_name="search terms")),
            ],
            options={"verbose_name": "search terms", "verbose_name_plural": "search terms"},
        ),
        migrations.RunPython(fill_terms, migrations.RunPython.noop),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}),
        ),
    ]
