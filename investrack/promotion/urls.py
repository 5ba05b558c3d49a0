from django.urls import path

from investrack.promotion import views

app_name = "promotion"

urlpatterns = [
    path("conflicts/", views.conflicts, name="conflicts"),
    path("conflicts/<int:first>-<int:second>/decide/", views.decide, name="decide"),
    path("projects/<int:pk>/visits/", views.visits, name="visits"),
    path("projects/<int:pk>/contacts/", views.contact_add, name="contact_add"),
    path(
        "projects/<int:pk>/contacts/<int:contact>/reveal/",
        views.contact_reveal,
        name="contact_reveal",
    ),
    path("pipeline/", views.pipeline_view, name="pipeline"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path(
        "duplicates/<int:first>-<int:second>/decide/",
        views.duplicate_decide,
        name="duplicate_decide",
    ),
    path("targets/", views.targets_view, name="targets"),
    path("targets/<int:pk>/contacted/", views.target_contacted, name="target_contacted"),
    path("events/", views.events, name="events"),
    path("events/new/", views.event_new, name="event_new"),
    path("events/<int:pk>/", views.event, name="event"),
    path("events/<int:pk>/evidence/", views.event_evidence, name="event_evidence"),
]
