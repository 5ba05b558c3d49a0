from django.urls import path, register_converter

from investrack.projects import views


class FileFormat:
    regex = "xlsx|csv"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FileFormat, "fmt")

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
    path("export.<fmt:fmt>", views.project_list_export, name="export"),
    path("lists/<slug:kind>/export.<fmt:fmt>", views.work_list_export, name="work_list_export"),
    path("progress/export.<fmt:fmt>", views.progress_export, name="progress_export"),
    path("imports/", views.import_upload, name="imports"),
    path("imports/template/<slug:kind>.xlsx", views.import_template, name="import_template"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("imports/<int:pk>/file/", views.import_file, name="import_file"),
]
