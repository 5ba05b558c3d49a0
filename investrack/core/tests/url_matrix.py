"""Every named URL × every role: the outcome each should get, declared in one table.

``OUTCOMES[name] = (GET, POST)``: each a string of seven status codes, one per role in
``ROLES`` order (city administrator, county staff, park staff, department staff, linked
leader, viewer, anonymous). A redirect to the log-in page is written 302. ``ARGS[name]``
builds the URL's arguments from the world's records (``side`` is ``world.mine`` or
``world.theirs``). The test fails on a URL that is missing here.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

ROLES = ["city_admin", "county", "park", "department", "leader", "viewer", None]

# Django's own pages and the API (which has its own matrix) are not listed one by one.
SKIPPED_NAMESPACES = ("admin", "api-1.0.0")


def named_urls() -> list[str]:
    names: list[str] = []

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                walk(
                    p.url_patterns,
                    f"{namespace}:{p.namespace}" if namespace and p.namespace else ns,
                )
            elif isinstance(p, URLPattern) and p.name:
                names.append(f"{namespace}:{p.name}" if namespace else p.name)

    walk(get_resolver().url_patterns, None)
    return sorted({n for n in names if not n.startswith(SKIPPED_NAMESPACES)} | {"admin:index"})


def ARGS(name: str, world, side):  # noqa: N802 - read as a table
    s = side
    table = {
        "projects:detail": [s.project.pk],
        "projects:edit": [s.project.pk],
        "projects:stage": [s.project.pk],
        "projects:correct": [s.project.pk, s.event.pk],
        "projects:drop": [s.project.pk],
        "projects:stalled": [s.project.pk],
        "projects:progress": [s.project.pk],
        "projects:evidence": [s.project.pk, s.evidence.pk],
        "projects:photo": [s.photo.report.project_id, s.photo.pk, "thumb"],
        "projects:work_list": ["to-start"],
        "projects:export": ["xlsx"],
        "projects:work_list_export": ["to-start", "csv"],
        "projects:progress_export": ["xlsx"],
        "projects:import_template": ["projects"],
        "projects:import_detail": [s.batch.pk],
        "projects:import_confirm": [s.batch.pk],
        "projects:import_file": [s.batch.pk],
        "projects:import_progress": [s.batch.pk],
        "service:problem": [s.problem.pk],
        "service:problem_reassign": [s.problem.pk],
        "service:problem_file": [s.problem.pk, s.attachment.pk],
        "service:problem_step": [s.problem.pk, "accept"],
        "service:problem_raise": [s.project.pk],
        "service:checklist": [s.project.pk],
        "service:approval": [s.approval.pk],
        "service:approval_document": [s.approval.pk],
        "service:inbox_open": [s.notification.pk],
        "insights:briefing": ["docx"],
        "insights:issued_briefing": [s.issued.pk],
        "insights:issued_briefing_file": [s.issued.pk],
        "insights:issued_briefing_again": [s.issued.pk],
        "insights:chain": [world.chain.pk],
        "accounts:token_revoke": [s.token.pk],
        "promotion:decide": [world.mine.project.pk, world.theirs.project.pk],
        "promotion:duplicate_decide": [world.mine.project.pk, world.theirs.project.pk],
        "promotion:visits": [s.project.pk],
        "promotion:event": [s.promotion_event.pk],
        "promotion:contact_add": [s.project.pk],
        "promotion:target_contacted": [s.target.pk],
        "promotion:contact_reveal": [s.project.pk, s.contact.pk],
        "promotion:event_evidence": [s.promotion_event.pk],
        "password_reset_confirm": ["MQ", "set-password"],
    }
    return table.get(name, [])


#           city_admin county park department leader viewer anonymous
OUTCOMES = {
    "accounts:profile": ("200 200 200 200 200 200 302", "200 200 200 200 200 200 302"),
    "accounts:log_out_everywhere": ("405 405 405 405 405 405 302", "302 302 302 302 302 302 302"),
    "accounts:password_change": ("200 200 200 200 200 200 302", "200 200 200 200 200 200 302"),
    "accounts:password_done": ("200 200 200 200 200 200 302", "405 405 405 405 405 405 302"),
    "oidc_authentication_init": ("404 404 404 404 404 404 404", "404 404 404 404 404 404 404"),
    "oidc_authentication_callback": ("404 404 404 404 404 404 404", "404 404 404 404 404 404 404"),
    "password_reset": ("200 200 200 200 200 200 200", "200 200 200 200 200 200 200"),
    "password_reset_done": ("200 200 200 200 200 200 200", "405 405 405 405 405 405 405"),
    "password_reset_confirm": ("200 200 200 200 200 200 200", "200 200 200 200 200 200 200"),
    "password_reset_complete": ("200 200 200 200 200 200 200", "405 405 405 405 405 405 405"),
    "accounts:token_revoke": ("405 405 405 405 405 405 302", "404 302 404 404 404 404 302"),
    "admin:index": ("302 302 302 302 302 302 302", "302 302 302 302 302 302 302"),
    "healthz": ("503 503 503 503 503 503 503", "405 405 405 405 405 405 405"),
    "home": ("200 200 200 200 200 200 302", "405 405 405 405 405 405 302"),
    "insights:briefing": ("200 200 200 200 200 200 302", "405 405 405 405 405 405 302"),
    "insights:briefings": ("200 200 200 200 200 200 302", "405 405 405 405 405 405 302"),
    "insights:briefing_issue": ("405 405 405 405 405 405 302", "302 302 302 403 403 403 302"),
    "insights:issued_briefing": ("200 200 404 200 200 200 302", "405 405 405 405 405 405 302"),
    "insights:issued_briefing_file": ("200 200 404 200 200 200 302", "405 405 405 405 405 405 302"),
    "insights:issued_briefing_again": (
        "200 200 404 200 200 200 302",
        "405 405 405 405 405 405 302",
    ),
    "insights:chain": ("200 200 200 200 200 200 302", "405 405 405 405 405 405 302"),
    "insights:chains": ("200 200 200 200 200 200 302", "405 405 405 405 405 405 302"),
    "insights:dashboard": ("200 200 200 200 200 200 302", "405 405 405 405 405 405 302"),
    "insights:indicators": ("200 200 200 200 200 200 302", "405 405 405 405 405 405 302"),
    "insights:map": ("200 200 200 200 200 200 302", "405 405 405 405 405 405 302"),
    "insights:map_outline": ("200 200 200 200 200 200 302", "405 405 405 405 405 405 302"),
    "insights:map_points": ("200 200 200 200 200 200 302", "405 405 405 405 405 405 302"),
    "insights:screen": ("200 200 200 200 200 200 302", "405 405 405 405 405 405 302"),
    "insights:race": ("200 200 200 200 200 200 302", "405 405 405 405 405 405 302"),
    "insights:targets": ("200 200 200 200 200 200 302", "302 403 403 403 403 403 302"),
    "insights:targets_download": ("200 200 200 200 200 200 302", "405 405 405 405 405 405 302"),
    "insights:targets_upload": ("405 405 405 405 405 405 302", "302 403 403 403 403 403 302"),
    "login": ("200 200 200 200 200 200 200", "200 200 200 200 200 200 200"),
    "logout": ("405 405 405 405 405 405 405", "302 302 302 302 302 302 302"),
    "projects:correct": ("200 200 200 403 403 403 302", "200 200 200 403 403 403 302"),
    "projects:create": ("200 200 200 403 403 403 302", "200 200 200 403 403 403 302"),
    "projects:detail": ("200 200 200 200 200 200 302", "405 405 405 405 405 405 302"),
    "projects:drop": ("200 200 200 403 403 403 302", "200 200 200 403 403 403 302"),
    "projects:edit": ("200 200 200 403 403 403 302", "200 200 200 403 403 403 302"),
    "projects:evidence": ("200 200 200 200 200 200 302", "405 405 405 405 405 405 302"),
    "projects:photo": ("200 200 200 200 200 200 302", "405 405 405 405 405 405 302"),
    "projects:export": ("200 200 200 200 200 200 302", "405 405 405 405 405 405 302"),
    "projects:import_confirm": ("405 405 405 405 405 405 302", "403 302 404 403 403 403 302"),
    "projects:import_detail": ("200 200 404 200 200 200 302", "405 405 405 405 405 405 302"),
    "projects:import_file": ("200 200 404 200 200 200 302", "405 405 405 405 405 405 302"),
    "projects:import_progress": ("200 200 404 200 200 200 302", "405 405 405 405 405 405 302"),
    "projects:import_template": ("200 200 200 200 200 200 302", "405 405 405 405 405 405 302"),
    "projects:imports": ("200 200 200 403 403 403 302", "200 200 200 403 403 403 302"),
    "projects:list": ("200 200 200 200 200 200 302", "405 405 405 405 405 405 302"),
    "projects:progress": ("200 200 200 403 403 403 302", "200 200 200 403 403 403 302"),
    "projects:progress_export": ("200 200 200 200 200 200 302", "405 405 405 405 405 405 302"),
    "projects:stage": ("200 200 200 403 403 403 302", "200 200 200 403 403 403 302"),
    "projects:stalled": ("405 405 405 405 405 405 302", "302 302 302 403 403 403 302"),
    "projects:work_list": ("200 200 200 200 200 200 302", "405 405 405 405 405 405 302"),
    "projects:work_list_export": ("200 200 200 200 200 200 302", "405 405 405 405 405 405 302"),
    "service:approval": ("200 200 200 403 403 403 302", "200 200 200 403 403 403 302"),
    "service:approval_document": ("200 200 200 200 200 200 302", "405 405 405 405 405 405 302"),
    "service:checklist": ("405 405 405 405 405 405 302", "302 302 302 403 403 403 302"),
    "service:inbox": ("200 200 200 200 200 200 302", "405 405 405 405 405 405 302"),
    "service:inbox_badge": ("200 200 200 200 200 200 302", "405 405 405 405 405 405 302"),
    "service:inbox_open": ("404 302 404 404 404 404 302", "405 405 405 405 405 405 302"),
    "service:inbox_read_all": ("405 405 405 405 405 405 302", "302 302 302 302 302 302 302"),
    "service:leader": ("200 200 200 200 200 200 302", "405 405 405 405 405 405 302"),
    "service:problem": ("200 200 200 200 200 200 302", "405 405 405 405 405 405 302"),
    "service:problem_file": ("200 200 200 200 200 200 302", "405 405 405 405 405 405 302"),
    "service:problem_raise": ("200 200 200 403 403 403 302", "200 200 200 403 403 403 302"),
    "service:problem_reassign": ("405 405 405 405 405 405 302", "422 403 403 403 403 403 302"),
    "service:problem_step": ("405 405 405 405 405 405 302", "302 403 403 302 403 403 302"),
    "service:problems": ("200 200 200 200 200 200 302", "405 405 405 405 405 405 302"),
    "promotion:conflicts": ("200 200 200 403 403 403 302", "405 405 405 405 405 405 302"),
    "promotion:decide": ("405 405 405 405 405 405 302", "422 403 403 403 403 403 302"),
    "promotion:visits": ("200 200 200 200 200 200 302", "422 422 422 403 403 403 302"),
    "promotion:contact_add": ("405 405 405 405 405 405 302", "422 422 422 403 403 403 302"),
    "promotion:contact_reveal": ("405 405 405 405 405 405 302", "200 200 200 403 403 403 302"),
    "promotion:targets": ("200 200 200 200 200 200 302", "422 422 422 403 403 403 302"),
    "promotion:target_contacted": ("405 405 405 405 405 405 302", "302 302 302 403 403 403 302"),
    "promotion:duplicates": ("200 200 200 403 403 403 302", "405 405 405 405 405 405 302"),
    "promotion:duplicate_decide": ("405 405 405 405 405 405 302", "422 403 403 403 403 403 302"),
    "promotion:pipeline": ("200 200 200 200 200 200 302", "405 405 405 405 405 405 302"),
    "promotion:events": ("200 200 200 200 200 200 302", "405 405 405 405 405 405 302"),
    "promotion:event_new": ("200 200 200 403 403 403 302", "422 422 422 403 403 403 302"),
    "promotion:event": ("200 200 200 200 200 200 302", "422 422 403 403 403 403 302"),
    "promotion:event_evidence": ("200 200 200 200 200 200 302", "405 405 405 405 405 405 302"),
    "set_language": ("302 302 302 302 302 302 302", "302 302 302 302 302 302 302"),
}

# URLs naming a record of a county: another county's record is a 404 on them.
COUNTY_RECORDS = {
    name
    for name in OUTCOMES
    if (
        name.split(":")[0] in ("projects", "service", "accounts")
        or name.startswith("insights:issued_briefing")
        or name
        in (
            "promotion:visits",
            "promotion:event",
            "promotion:event_evidence",
            "promotion:contact_add",
            "promotion:contact_reveal",
        )
    )
    and name
    not in {
        "projects:list",
        "projects:create",
        "projects:work_list",
        "projects:export",
        "projects:work_list_export",
        "projects:progress_export",
        "projects:import_template",
        "projects:imports",
        "service:problems",
        "service:inbox",
        "service:inbox_badge",
        "service:inbox_read_all",
        "service:leader",
        "accounts:profile",
        "accounts:log_out_everywhere",
        "accounts:password_change",
        "accounts:password_done",
    }
}
