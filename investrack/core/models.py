"""Cross-cutting records: the append-only field-level audit log."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError(f"{self.model.__name__} rows are append-only.")

    def delete(self):
        raise TypeError(f"{self.model.__name__} rows are append-only.")


class AppendOnlyModel(models.Model):
    """History that is written once: no update or delete, of one row or of a queryset."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk and not self._state.adding:
            raise TypeError(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} rows are append-only.")


class AuditEntry(AppendOnlyModel):
    """Who changed which fields of which record from what to what, and when."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        IMPORT = "import", _("imported")
        VIEW = "view", _("viewed in full")  # personal data shown unmasked

    table = models.CharField(_("record type"), max_length=64, db_index=True)
    object_id = models.BigIntegerField(_("record id"))
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    changes = models.JSONField(_("changes"), default=dict)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["table", "object_id", "-at"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.table}#{self.object_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class OfficialDay(models.Model):
    """A day of the State Council's holiday arrangement entered by hand.

    The ``chinese-calendar`` library knows the years up to its release; the arrangement of
    the next year is published each November or December. Entering that year's holidays and
    adjusted working weekends here makes the year known, and a day entered here also wins
    over the library.
    """

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(
        _("working day"),
        help_text=_("Ticked for an adjusted working weekend day, unticked for a holiday."),
    )
    name = models.CharField(_("name"), max_length=32, blank=True, help_text=_("e.g. 春节"))

    class Meta:
        verbose_name = _("official holiday or adjusted working day")
        verbose_name_plural = _("official holidays and adjusted working days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class JobRun(models.Model):
    """One run of a scheduled or background job (the daily job, a backup): when it started
    and ended and what it did. /healthz reads the last daily run from here."""

    name = models.CharField(_("job"), max_length=32, db_index=True)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    ok = models.BooleanField(_("succeeded"), default=False)
    result = models.JSONField(_("result"), default=dict, blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["name", "-started_at"], name="job_run_latest_idx")]

    def __str__(self) -> str:
        return f"{self.name} {self.started_at:%Y-%m-%d %H:%M}"
