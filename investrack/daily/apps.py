from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DailyConfig(AppConfig):
    """The daily job: it runs every app's daily part, so it sits above them all."""

    name = "investrack.daily"
    verbose_name = _("Daily job")
