from django.urls import path

from investrack.closed_loop import views

app_name = "service"

urlpatterns = [
    path("problems/", views.problem_list, name="problems"),
    path("problems/<int:pk>/", views.problem_detail, name="problem"),
    path("problems/<int:pk>/reassign/", views.problem_reassign, name="problem_reassign"),
    path("problems/<int:pk>/files/<int:file_id>/", views.problem_file, name="problem_file"),
    path("problems/<int:pk>/<slug:step>/", views.problem_step, name="problem_step"),
    path("projects/<int:pk>/problems/new/", views.problem_raise, name="problem_raise"),
    path("projects/<int:pk>/approvals/", views.approval_checklist_create, name="checklist"),
    path("approvals/<int:pk>/", views.approval_item_edit, name="approval"),
    path("approvals/<int:pk>/document/", views.approval_document, name="approval_document"),
    path("leader/", views.leader_view, name="leader"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/badge/", views.inbox_badge, name="inbox_badge"),
    path("inbox/<int:pk>/", views.inbox_open, name="inbox_open"),
    path("inbox/read-all/", views.inbox_read_all, name="inbox_read_all"),
]
