from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .validators import Employment, Rank


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """An account: signs in with its email. The person behind it is a Member."""

    # Django's way of removing an inherited field, which django-stubs type as the field's value.
    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("email"), unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    # An email-only manager; django-stubs type AbstractUser.objects as the username one.
    objects = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self):
        return self.name or self.email

    def get_full_name(self):
        return self.name or self.email

    def get_short_name(self):
        return self.name or self.email


class Agency(models.Model):
    """An instansi: a ministry, agency, regional government or organisation, or a unit of one."""

    class Kind(models.TextChoices):
        MINISTRY = "kementerian", _("Ministry")
        AGENCY = "lembaga", pgettext_lazy("kind of agency", "Agency")
        REGIONAL = "pemda", _("Regional government")
        ORGANISATION = "organisasi", _("Organisation")
        OTHER = "lainnya", _("Other")

    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
    )
    # The kop (letterhead) of the letters and records this agency issues (members/letterhead.py).
    letterhead_name = models.CharField(
        _("name on the letterhead"),
        max_length=250,
        blank=True,
        help_text=_("First line of the letterhead, e.g. KEMENTERIAN AGAMA REPUBLIK INDONESIA."),
    )
    letterhead_unit = models.CharField(
        _("unit on the letterhead"),
        max_length=250,
        blank=True,
        help_text=_("The line under it, e.g. BADAN LITBANG DAN DIKLAT."),
    )
    address = models.TextField(
        _("address"),
        blank=True,
        help_text=_("Street, city and postal code; telephone, website and email on a line each."),
    )
    logo = models.BinaryField(_("logo (PNG)"), null=True, blank=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="agency_name_ci_unique")]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class Member(models.Model):
    """A person Rakor can invite. Exists before, and without, an account."""

    full_name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("email"))
    nip = models.CharField(_("NIP"), max_length=18, blank=True)
    employment = models.CharField(
        _("employment"), max_length=8, choices=Employment.choices, default=Employment.PNS
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    rank = models.CharField(_("rank"), max_length=5, choices=Rank.choices, blank=True)
    work_unit = models.CharField(_("work unit"), max_length=200, blank=True)
    phone = models.CharField(_("mobile number"), max_length=20, blank=True)
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="members"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member",
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    calendar_feed_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="member_email_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(nip="") | models.Q(nip__regex=r"^[0-9]{18}$"),
                name="member_nip_18_digits",
            ),
        ]
        indexes = [
            models.Index(fields=["nip"]),
            models.Index(fields=["agency", "full_name"]),
            # The directory's order (members.selectors.members_for_directory): any page, the
            # last of 60,000 members too, is read in order from the index, not sorted.
            models.Index(fields=["full_name", "id"], name="member_directory_order"),
        ]

    def __str__(self):
        return self.full_name


class PendingImport(models.Model):
    """A checked roster waiting for the organizer who uploaded it to confirm the import.

    Kept in the database, not the session: a 5,000-row roster is far larger than a cookie, and
    any web process must be able to confirm it. Only the token's hash is stored.
    """

    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_imports"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    file_name = models.CharField(max_length=255)
    rows = models.JSONField()

    class Meta:
        verbose_name = _("pending roster import")
        verbose_name_plural = _("pending roster imports")

    def __str__(self):
        return self.file_name
