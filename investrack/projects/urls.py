from django.urls import path, re_path, register_converter

from investrack.projects.views import files, lists, project


class FileFormat:
    regex = "xlsx|csv"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FileFormat, "fmt")

app_name = "projects"

urlpatterns = [
    path("", lists.project_list, name="list"),
    path("new/", project.project_create, name="create"),
    path("<int:pk>/", project.project_detail, name="detail"),
    path("<int:pk>/edit/", project.project_edit, name="edit"),
    path("<int:pk>/stage/", project.stage_change, name="stage"),
    path("<int:pk>/events/<int:event_id>/correct/", project.stage_correct, name="correct"),
    path("<int:pk>/drop/", project.project_drop, name="drop"),
    path("<int:pk>/stalled/", project.project_stalled, name="stalled"),
    path("<int:pk>/progress/", project.progress_report, name="progress"),
    path("<int:pk>/evidence/<int:file_id>/", project.evidence_download, name="evidence"),
    re_path(
        r"^(?P<pk>\d+)/photos/(?P<photo_id>\d+)/(?P<size>full|thumb)\.jpg$",
        project.site_photo,
        name="photo",
    ),
    path("lists/<slug:kind>/", lists.work_list, name="work_list"),
    path("export.<fmt:fmt>", files.project_list_export, name="export"),
    path("lists/<slug:kind>/export.<fmt:fmt>", files.work_list_export, name="work_list_export"),
    path("progress/export.<fmt:fmt>", files.progress_export, name="progress_export"),
    path("imports/", files.import_upload, name="imports"),
    path("imports/template/<slug:kind>.xlsx", files.import_template, name="import_template"),
    path("imports/<int:pk>/", files.import_detail, name="import_detail"),
    path("imports/<int:pk>/confirm/", files.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/progress/", files.import_progress, name="import_progress"),
    path("imports/<int:pk>/file/", files.import_file, name="import_file"),
]
