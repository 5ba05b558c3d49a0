from django.urls import path, re_path

from investrack.insights.views import briefings, figures, maps, screen, targets

app_name = "insights"

urlpatterns = [
    path("", figures.dashboard, name="dashboard"),
    path("indicators/", figures.indicators, name="indicators"),
    path("race/", figures.race_page, name="race"),
    path("targets/", targets.targets, name="targets"),
    path("targets/sheet/", targets.targets_download, name="targets_download"),
    path("targets/upload/", targets.targets_upload, name="targets_upload"),
    re_path(r"^briefing\.(?P<fmt>docx|pdf)$", figures.briefing, name="briefing"),
    path("briefings/", briefings.briefing_list, name="briefings"),
    path("briefings/issue/", briefings.briefing_issue, name="briefing_issue"),
    path("briefings/<int:pk>/", briefings.issued_briefing, name="issued_briefing"),
    path(
        "briefings/<int:pk>/file.docx", briefings.issued_briefing_file, name="issued_briefing_file"
    ),
    path(
        "briefings/<int:pk>/again.docx",
        briefings.issued_briefing_again,
        name="issued_briefing_again",
    ),
    path("map/", maps.city_map, name="map"),
    path("screen/", screen.screen, name="screen"),
    path("map/outline.json", maps.map_outline, name="map_outline"),
    path("map/points.json", maps.map_points, name="map_points"),
    path("chains/", figures.chain_list, name="chains"),
    path("chains/<int:pk>/", figures.chain_map, name="chain"),
]
