from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "investrack.service"
    verbose_name = _("Closed loop: problems, approvals, warnings")
