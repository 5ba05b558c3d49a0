from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClosedLoopConfig(AppConfig):
    name = "investrack.closed_loop"
    # The label the tables and migrations were created under; renaming it would rename them.
    label = "service"
    verbose_name = _("Closed loop: problems, approvals, warnings")
