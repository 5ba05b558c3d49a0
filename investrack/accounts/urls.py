from django.urls import path

from investrack.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.profile, name="profile"),
    path("keys/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
