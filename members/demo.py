"""Demo data built from the model case: the "Koordinasi Pranata Humas Antar K/L" meeting hosted by
the Sekretariat of Balitbang Diklat, Kementerian Agama (Jakarta, 25–26 November 2021).
The agencies and people are demo_people.py, the letterheads demo_letterheads.py.

`load_demo()` creates or updates the agencies (keyed by name), the members (keyed by email) and
the demo organizer's account; running it again changes nothing and duplicates nothing.
The people are invented, except Muharam Marzuki, who gave the meeting's opening address
(his NIP here is invented too).
"""

import os
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Model

from .demo_letterheads import fill_letterheads
from .demo_people import AGENCIES, MEMBERS, ORGANIZER_EMAIL
from .models import Agency, Member, User
from .permissions import ORGANIZER_GROUP

ORGANIZER_PASSWORD_ENV = "DEMO_ORGANIZER_PASSWORD"  # noqa: S105 (a variable name)
DEFAULT_ORGANIZER_PASSWORD = "rakor-demo-2021"  # noqa: S105 (a demo account, printed on purpose)


@dataclass
class DemoReport:
    agencies_created: int = 0
    agencies_updated: int = 0
    members_created: int = 0
    members_updated: int = 0
    organizer_created: bool = False
    organizer_email: str = ORGANIZER_EMAIL
    organizer_password: str = ""


def organizer_password() -> str:
    return os.environ.get(ORGANIZER_PASSWORD_ENV) or DEFAULT_ORGANIZER_PASSWORD


@transaction.atomic
def load_demo(*, password: str | None = None) -> DemoReport:
    """Create or update the demo agencies, members and organizer; a second run changes nothing.

    Rows are matched by agency name and member email (case-insensitively) and only written when
    a field differs. The organizer signs in with `password` (or by a code sent by email): its
    email is verified and it is in the Organizer group.
    """
    report = DemoReport(organizer_password=password or organizer_password())
    agencies: dict[str, Agency] = {}
    for demo in AGENCIES:
        agency, created, changed = _upsert(
            Agency.objects.filter(name__iexact=demo.name).first() or Agency(),
            name=demo.name,
            acronym=demo.acronym,
            kind=demo.kind,
            parent=agencies[demo.parent] if demo.parent else None,
        )
        agencies[demo.name] = agency
        report.agencies_created += created
        report.agencies_updated += changed
    for person in MEMBERS:
        _member, created, changed = _upsert(
            Member.objects.filter(email__iexact=person.email).first() or Member(),
            **{**person._asdict(), "agency": agencies[person.agency]},
        )
        report.members_created += created
        report.members_updated += changed
    fill_letterheads(agencies)
    report.organizer_created = _ensure_organizer(password=report.organizer_password)
    return report


def _upsert(instance, **values) -> tuple:
    """Set the values and save only when something differs: (instance, created, changed)."""
    created = instance.pk is None
    # Foreign keys are compared by id: an unsaved row has no related object to read.
    values = {
        instance._meta.get_field(name).attname: value.pk if isinstance(value, Model) else value
        for name, value in values.items()
    }
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    if created:
        instance.save()
    elif changed:
        instance.save(update_fields=[*changed, *_auto_now_fields(instance)])
    return instance, created, bool(changed) and not created


def _auto_now_fields(instance) -> list[str]:
    return [f.name for f in instance._meta.concrete_fields if getattr(f, "auto_now", False)]


def _ensure_organizer(*, password: str) -> bool:
    member = Member.objects.get(email__iexact=ORGANIZER_EMAIL)
    user = User.objects.filter(email__iexact=ORGANIZER_EMAIL).first()
    created = user is None
    if user is None:
        user = User.objects.create_user(ORGANIZER_EMAIL, password, name=member.full_name)
    elif not user.check_password(password) or not user.is_active:
        # The printed password must work, even after someone changed it.
        user.set_password(password)
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
    group, _ = Group.objects.get_or_create(name=ORGANIZER_GROUP)
    user.groups.add(group)
    address = EmailAddress.objects.filter(user=user, email__iexact=ORGANIZER_EMAIL).first()
    if address is None:
        EmailAddress.objects.create(user=user, email=ORGANIZER_EMAIL, verified=True, primary=True)
    elif not (address.verified and address.primary):
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])
    if member.user_id != user.pk:
        member.user = user
        member.save(update_fields=["user", "updated_at"])
    return created
