from django.urls import path, re_path

from investrack.insights import views

app_name = "insights"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("indicators/", views.indicators, name="indicators"),
    path("race/", views.race_page, name="race"),
    path("targets/", views.targets, name="targets"),
    path("targets/sheet/", views.targets_download, name="targets_download"),
    path("targets/upload/", views.targets_upload, name="targets_upload"),
    re_path(r"^briefing\.(?P<fmt>docx|pdf)$", views.briefing, name="briefing"),
    path("chains/", views.chain_list, name="chains"),
    path("chains/<int:pk>/", views.chain_map, name="chain"),
]
