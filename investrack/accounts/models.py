"""Users, their role and their jurisdiction; departments and the people named on projects."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("City administrator")
    COUNTY_STAFF = "county_staff", _("County / park staff")
    DEPARTMENT_STAFF = "department_staff", _("Department staff")
    LEADER = "leader", _("Linked leader")
    VIEWER = "viewer", _("Read-only viewer")


EDITING_ROLES = frozenset({Role.CITY_ADMIN, Role.COUNTY_STAFF})


class Department(models.Model):
    """A functional department (发改, 自然资源, 住建 …) or the investment bureau itself."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    short_name = models.CharField(_("short name"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    full_name = models.CharField(_("full name"), max_length=64, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("jurisdiction (city or county)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("The city or county whose projects this user sees."),
    )
    park = models.ForeignKey(
        "regions.Park",
        verbose_name=_("jurisdiction (park)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Set for park staff: they see only this park's projects."),
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    # The command room's kiosk: reads its jurisdiction's big screen and nothing else.
    screen_only = models.BooleanField(
        _("big screen only"),
        default=False,
        help_text=_(
            "A kiosk log-in of the command room: it sees the big screen and no other page."
        ),
    )
    # Raised by "log out everywhere": every session signed with the old value ends.
    sessions_epoch = models.PositiveIntegerField(_("sessions ended"), default=0, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_session_auth_hash(self):
        """Django checks this on every request: it changes with the password, and with
        "log out everywhere" (0 keeps the sessions made before the epoch existed)."""
        if not self.sessions_epoch:
            return super().get_session_auth_hash()
        from django.utils.crypto import salted_hmac

        return salted_hmac(
            "investrack.accounts.User.session",
            f"{self.password}:{self.sessions_epoch}",
            algorithm="sha256",
        ).hexdigest()

    def clean(self):
        super().clean()
        if self.park_id and self.region_id and self.park.region_id != self.region_id:
            raise ValidationError({"park": _("The park must lie in the user's region.")})
        if not self.is_superuser and not self.region_id and not self.park_id:
            raise ValidationError({"region": _("Every user needs a jurisdiction.")})

    @property
    def can_edit_projects(self) -> bool:
        return self.is_superuser or self.role in EDITING_ROLES

    @property
    def jurisdiction_name(self) -> str:
        """The park, county or city the user works for, as shown on pages and file titles."""
        if self.park_id:
            return str(self.park)
        if self.region_id:
            return str(self.region)
        return str(_("all regions"))

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class Person(models.Model):
    """Someone named on a project: a case manager, a linked leader (包联领导)."""

    name = models.CharField(_("name"), max_length=64)
    title = models.CharField(_("title"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.SET_NULL
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    is_leader = models.BooleanField(_("is a leader"), default=False)
    user = models.OneToOneField(
        User, verbose_name=_("user account"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.title}）" if self.title else self.name


class ApiToken(models.Model):
    """A personal key for the REST API. Only its SHA-256 is stored; the key is shown once."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=64)
    prefix = models.CharField(_("prefix"), max_length=12)
    digest = models.CharField(_("SHA-256 of the key"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
