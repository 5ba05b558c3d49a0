from django.urls import path

from investrack.projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_create, name="create"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/stage/", views.stage_change, name="stage"),
    path("<int:pk>/events/<int:event_id>/correct/", views.stage_correct, name="correct"),
    path("<int:pk>/drop/", views.project_drop, name="drop"),
    path("<int:pk>/stalled/", views.project_stalled, name="stalled"),
    path("<int:pk>/progress/", views.progress_report, name="progress"),
    path("<int:pk>/evidence/<int:file_id>/", views.evidence_download, name="evidence"),
    path("lists/<slug:kind>/", views.work_list, name="work_list"),
]
