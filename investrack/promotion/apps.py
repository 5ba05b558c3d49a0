from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromotionConfig(AppConfig):
    name = "investrack.promotion"
    verbose_name = _("Investment promotion: investors and leads")
