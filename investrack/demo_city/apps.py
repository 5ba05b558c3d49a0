from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoCityConfig(AppConfig):
    """The demo city: loads each app's part in order. It sits above every other app (and
    no app imports it), so the apps' demo modules never import each other upwards."""

    name = "investrack.demo_city"
    verbose_name = _("Demo city")
