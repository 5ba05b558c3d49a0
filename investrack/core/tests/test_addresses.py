"""Addresses reversed once are the addresses Django reverses: under the site's root, under a
path the site is deployed at, and back again."""

import re

from django.urls import reverse, set_script_prefix

from investrack.core.addresses import record_address, reversed_once


def test_addresses_are_what_reverse_gives():
    assert record_address("projects:detail", 42) == reverse("projects:detail", args=[42])
    assert reversed_once("projects:work_list", "to-sign") == reverse(
        "projects:work_list", args=["to-sign"]
    )


def test_a_site_under_a_path_links_its_rows_and_menu_under_it(
    client_for, county_staff, make_project
):
    project = make_project(name="鹿城新材料项目")
    client = client_for(county_staff)

    def links(prefix):
        set_script_prefix(prefix)  # as the WSGI handler does for each request
        try:
            page = client.get("/projects/").content.decode()
        finally:
            set_script_prefix("/")
        rows = re.findall(r'href="([^"]*)">鹿城新材料项目<', page)
        menu = re.findall(r'href="([^"]*)"[^>]*>促签约<|href="([^"]*to-sign/)"', page)
        return rows, menu

    under, under_menu = links("/investrack/")
    assert under == [f"/investrack/projects/{project.pk}/"]
    assert under_menu and all("/investrack/" in "".join(m) for m in under_menu)
    root, root_menu = links("/")
    assert root == [f"/projects/{project.pk}/"]
    assert root_menu and not any("/investrack/" in "".join(m) for m in root_menu)
