from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from investrack.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.profile, name="profile"),
    path("keys/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("log-out-everywhere/", views.log_out_everywhere, name="log_out_everywhere"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("accounts:password_done")),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_done",
    ),
]
