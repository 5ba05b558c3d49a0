from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromotionConfig(AppConfig):
    name = "investrack.promotion"
    verbose_name = _("Investment promotion: investors and leads")

    def ready(self):
        from investrack.closed_loop.lights import cause_register
        from investrack.closed_loop.models import RuleKind
        from investrack.promotion.selectors import without_contact_since

        cause_register(RuleKind.NO_CONTACT, without_contact_since)
