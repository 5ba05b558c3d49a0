from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config.api import api
from investrack.accounts import oidc
from investrack.core.health import healthz
from investrack.projects.views import lists as project_lists

urlpatterns = [
    path("", project_lists.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("projects/", include("investrack.projects.urls")),
    path("", include("investrack.closed_loop.urls")),
    path("insights/", include("investrack.insights.urls")),
    path("promotion/", include("investrack.promotion.urls")),
    path("api/v1/", api.urls),
    path("accounts/profile/", include("investrack.accounts.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Single sign-on (OpenID Connect), 404 unless OIDC_ENABLED.
    path("oidc/authenticate/", oidc.oidc_authenticate, name="oidc_authentication_init"),
    path("oidc/callback/", oidc.oidc_callback, name="oidc_authentication_callback"),
    # Forgotten password: a link by e-mail to the address on the account.
    path("accounts/password-reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
