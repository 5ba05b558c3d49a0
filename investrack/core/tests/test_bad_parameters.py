"""Bad input of any kind in a page's or the API's query gives a message or a 4xx, never a
500: every filter of every list and figure page, fuzzed with hypothesis."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from investrack.projects.filters import ProjectFilter

pytestmark = pytest.mark.django_db

# Each page with the parameters it reads.
LIST_PARAMS = sorted({*ProjectFilter.base_filters, "from", "to", "page"})
PAGES = {
    "projects:list": LIST_PARAMS,
    "projects:work_list": LIST_PARAMS,
    "projects:export": LIST_PARAMS,
    "service:problems": ["view", "department", "category", "page"],
    "service:inbox": ["page"],
    "service:leader": ["page"],
    "insights:dashboard": ["from", "to", "as_of", "category", "region", "park"],
    "insights:indicators": ["from", "to", "as_of", "category", "region", "park"],
    "insights:race": ["month"],
    "insights:targets": ["year"],
    "insights:briefing": ["month", "region", "park", "category"],
    "insights:chain": ["region", "park", "as_of"],
    "api-1.0.0:project_list": [*LIST_PARAMS, "cursor", "limit"],
    "api-1.0.0:project_package": [*LIST_PARAMS, "limit"],
    "api-1.0.0:indicators": ["from", "to", "as_of", "category", "region", "park", "level"],
    "api-1.0.0:race_standings": ["month", "level"],
}
ARGS = {
    "projects:work_list": ["to-start"],
    "projects:export": ["csv"],
    "insights:briefing": ["docx"],
}

# What people and scripts put in a query string.
hostile = st.one_of(
    st.text(max_size=30),
    st.integers().map(str),
    st.sampled_from(
        [
            "-1",
            "0",
            "9" * 23,
            "1e30",
            "NaN",
            "2026-13-45",
            "2026-02-30",
            "0000-01",
            "9999-12",
            "99999-01-01",
            "'; DROP TABLE x;--",
            "%00",
            "\x00",
            "鹿城",
            "330302",
            "1.5",
            "[]",
        ]
    ),
)


@pytest.fixture
def signed_in(client, world):
    client.force_login(world.users["city_admin"])
    return client, world


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    page=st.sampled_from(sorted(PAGES)),
    values=st.lists(st.tuples(st.integers(0, 40), hostile), min_size=1, max_size=3),
)
def test_no_parameter_makes_a_500(signed_in, page, values):
    client, world = signed_in
    names = PAGES[page]
    args = ARGS.get(page, [world.chain.pk] if page == "insights:chain" else [])
    query = {names[i % len(names)]: v.replace("\x00", "") for i, v in values}
    response = client.get(reverse(page, args=args), query)
    assert response.status_code < 500, (page, query)


@pytest.mark.parametrize(
    ("page", "query"),
    [
        ("service:problems", {"department": "abc"}),
        ("projects:list", {"signed_year": "-1"}),
        ("projects:list", {"signed_year": "9" * 23}),
        ("projects:list", {"chain": "9" * 23}),
        ("projects:list", {"chain_link": "9" * 23}),
        ("api-1.0.0:project_list", {"chain": "9" * 23}),
        ("api-1.0.0:project_package", {"chain_link": "9" * 23}),
    ],
)
def test_the_bad_parameters_found(signed_in, page, query):
    client, _world = signed_in
    response = client.get(reverse(page), query)
    assert response.status_code in (200, 400, 422), response.status_code
    if page.startswith("projects:") or page.startswith("service:"):
        assert 'role="alert"' in response.content.decode()  # the page says what was wrong
