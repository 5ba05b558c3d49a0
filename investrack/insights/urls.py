from django.urls import path, re_path

from investrack.insights.views import figures, targets

app_name = "insights"

urlpatterns = [
    path("", figures.dashboard, name="dashboard"),
    path("indicators/", figures.indicators, name="indicators"),
    path("race/", figures.race_page, name="race"),
    path("targets/", targets.targets, name="targets"),
    path("targets/sheet/", targets.targets_download, name="targets_download"),
    path("targets/upload/", targets.targets_upload, name="targets_upload"),
    re_path(r"^briefing\.(?P<fmt>docx|pdf)$", figures.briefing, name="briefing"),
    path("chains/", figures.chain_list, name="chains"),
    path("chains/<int:pk>/", figures.chain_map, name="chain"),
]
