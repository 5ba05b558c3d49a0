"""Projects as open data: OC4IDS 0.9 project packages.

The mapping (also in the README): the lifecycle to ``status`` (线索/在谈 → identification,
签约 → preparation, 开工 → implementation, 竣工/投产/达产 → completion, 终止 → cancelled);
the GB/T 4754 section to ``sector`` and the class itself in ``additionalClassifications``;
total investment to ``budget`` in CNY; the county and park to a location; the county
government as ``publicAuthority`` and the investor as ``funder``; one milestone per stage
that has a date (met, or scheduled by its planned date); construction to
``implementationPeriod``.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from investrack.projects.models import Project, Stage

OC4IDS_VERSION = "0.9"

STATUS = {
    Stage.LEAD: "identification",
    Stage.NEGOTIATING: "identification",
    Stage.SIGNED: "preparation",
    Stage.STARTED: "implementation",
    Stage.COMPLETED: "completion",
    Stage.PRODUCTION: "completion",
    Stage.FULL_OUTPUT: "completion",
}
# GB/T 4754 sections → the projectSector codelist; anything else is "economy".
SECTOR = {
    "D": "energy",
    "G": "transport",
    "I": "communications",
    "N": "waterAndWaste",
    "P": "education",
    "Q": "health",
    "R": "cultureSportsAndRecreation",
    "S": "governance",
}
# (stage, planned date field, actual date field, milestone type, milestone code)
MILESTONES = [
    (Stage.SIGNED, "planned_sign_date", "signed_on", "contractClose", None),
    (Stage.STARTED, "planned_start_date", "started_on", "delivery", "commencement"),
    (Stage.COMPLETED, "planned_completion_date", "completed_on", "delivery", "completion"),
    (Stage.PRODUCTION, "planned_production_date", "production_on", "delivery", "commissioning"),
]
STAGE_TITLES = {
    Stage.SIGNED: "签约 Signing of the investment agreement",
    Stage.STARTED: "开工 Start of construction",
    Stage.COMPLETED: "竣工 Completion of construction",
    Stage.PRODUCTION: "投产 Start of production",
}


def _datetime(value: datetime.date | None) -> str | None:
    if value is None:
        return None
    return f"{value.isoformat()}T00:00:00+08:00"


def _amount(value) -> float:
    return float(value)


def project_release(project: Project) -> dict:
    prefix = getattr(settings, "OC4IDS_PREFIX", "oc4ids-investrack")
    authority_id = f"CN-GB2260-{project.region.code}"
    parties = [
        {
            "id": authority_id,
            "name": f"{project.region.name}人民政府",
            "address": {"region": project.region.name, "countryName": "中国"},
            "roles": ["publicAuthority"],
        }
    ]
    if project.investor_id:
        parties.append(
            {
                "id": f"investor-{project.investor_id}",
                "name": project.investor.name,
                "roles": ["funder"],
            }
        )
    milestones = []
    for stage, planned_field, actual_field, kind, code in MILESTONES:
        planned, actual = getattr(project, planned_field), getattr(project, actual_field)
        if not planned and not actual:
            continue
        milestone = {"id": str(int(stage)), "title": STAGE_TITLES[stage], "type": kind}
        if code:
            milestone["code"] = code
        if planned:
            milestone["dueDate"] = _datetime(planned)
        if actual:
            milestone["dateMet"] = _datetime(actual)
            milestone["status"] = "met"
        else:
            milestone["status"] = "scheduled"
        milestones.append(milestone)
    release = {
        "id": f"{prefix}-{project.code}",
        "updated": project.updated_at.isoformat(),
        "language": "zh",
        "title": project.name,
        "status": "cancelled" if project.dropped_on else STATUS[Stage(project.stage)],
        "type": "construction",
        "sector": [
            SECTOR.get(project.industry.section, "economy") if project.industry_id else "economy"
        ],
        "publicAuthority": {"id": authority_id, "name": parties[0]["name"]},
        "parties": parties,
        "budget": {"amount": {"amount": _amount(project.total_investment), "currency": "CNY"}},
        "locations": [
            {
                "id": "1",
                "description": " ".join(
                    filter(
                        None, [project.region.name, project.park.name if project.park_id else ""]
                    )
                ),
                "address": {
                    "region": project.region.name,
                    "locality": project.park.name if project.park_id else project.region.name,
                    "countryName": "中国",
                },
            }
        ],
    }
    if milestones:
        release["milestones"] = milestones
    if project.description:
        release["description"] = project.description
    if project.industry_id:
        release["additionalClassifications"] = [
            {
                "scheme": "GB/T 4754-2017",
                "id": project.industry.code,
                "description": project.industry.name,
            }
        ]
    start = project.started_on or project.planned_start_date
    end = project.completed_on or project.planned_completion_date
    if start or end:
        period = {}
        if start:
            period["startDate"] = _datetime(start)
        if end and (not start or end >= start):
            period["endDate"] = _datetime(end)
        release["implementationPeriod"] = period
    return release


def project_package(*, projects, uri: str) -> dict:
    """An OC4IDS project package of ``projects`` (a queryset, already scoped and filtered)."""
    rows = projects.select_related("region", "park", "industry", "investor")
    return {
        "uri": uri,
        "version": OC4IDS_VERSION,
        "publishedDate": timezone.now().isoformat(),
        "publisher": {"name": getattr(settings, "OC4IDS_PUBLISHER", "investrack")},
        "license": "https://opendatacommons.org/licenses/pddl/1.0/",
        "projects": [project_release(project) for project in rows],
    }
