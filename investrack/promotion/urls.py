from django.urls import path

from investrack.promotion import views

app_name = "promotion"

urlpatterns = [
    path("conflicts/", views.conflicts, name="conflicts"),
    path("conflicts/<int:first>-<int:second>/decide/", views.decide, name="decide"),
    path("projects/<int:pk>/visits/", views.visits, name="visits"),
]
