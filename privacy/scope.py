"""Whose contact data (email, mobile number), NIP and signatures a user may see: the one rule
every page and export that shows those fields asks (UU 27/2022 Art. 35–36, 39).

- staff: everyone;
- an organizer: the people invited to (or registered for, which makes an invitation) a meeting
  they organize, representatives included, and the members of their own agency;
- anyone signed in: themselves.

Others are shown by name, position and agency only. The rule is a database expression, so a
page of 25 or of 2,500 members asks it in the same single query."""

from typing import TYPE_CHECKING, TypeAlias, TypedDict

from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, Value, When

from events.models import Invitation
from members.models import Member

# The fields the rule hides, each shown empty to whoever is outside it: the contact data, the
# NIP, and the rank (pangkat/golongan, a pay grade: others are shown by name, position and
# agency only).
CONTACT_FIELDS = ("email", "nip", "phone", "rank")


class ContactScope(TypedDict):
    contact_visible: bool
    visible_email: str
    visible_nip: str
    visible_phone: str
    visible_rank: str


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    # A member of with_contact_scope().
    ScopedMember: TypeAlias = WithAnnotations[Member, ContactScope]


def contact_visible(user) -> Q:
    """The condition on a Member row under which `user` sees its contact data and NIP."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_staff:
        return Q(pk__isnull=False)
    own = Q(user_id=user.pk)
    # Read once per request: the page's rows and its search both ask.
    if not hasattr(user, "_member_agency_id"):
        user._member_agency_id = (
            Member.objects.filter(user_id=user.pk).values_list("agency_id", flat=True).first()
        )
    agency_id = user._member_agency_id
    if agency_id is not None:
        own |= Q(agency_id=agency_id)
    invited = Exists(
        Invitation.objects.filter(
            member_id=OuterRef("pk"), meeting__organizers=user.pk, withdrawn_at__isnull=True
        )
    )
    return own | Q(invited)


def scope_key(user) -> str:
    """What decides the rows and the fields a user's pages show them, as a short key: staff or
    not, their agency, the meetings they organize (contact_visible, and the action tracker's
    meetings). A file made for them from such a page is theirs while the key stays the same
    (core.services.may_download). People invited or withdrawn since do not change the key."""
    from hashlib import sha256

    from events.models import Meeting

    agency_id = Member.objects.filter(user_id=user.pk).values_list("agency_id", flat=True).first()
    meetings = list(
        Meeting.objects.filter(organizers=user.pk).order_by("pk").values_list("pk", flat=True)
    )
    return sha256(f"{user.is_staff}|{agency_id}|{meetings}".encode()).hexdigest()


def where_visible(condition: Q, user) -> Q:
    """`condition` on Member rows (a search by email or NIP) limited to the rows whose contact
    data `user` sees: for staff, the condition alone, so that PostgreSQL can still answer it
    from its trigram indexes instead of reading every member."""
    return (
        condition if user.is_authenticated and user.is_staff else condition & contact_visible(user)
    )


def with_contact_scope(members: QuerySet[Member], user) -> "QuerySet[ScopedMember]":
    """`members` with `contact_visible` and `visible_email`, `visible_nip`, `visible_phone`,
    `visible_rank`:
    the value where the rule lets `user` see it, else "" (the hidden value never leaves the
    database, so neither a page, an export nor a sort can show it)."""
    members = members.annotate(
        contact_visible=Case(
            When(contact_visible(user), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )
    return members.annotate(
        visible_email=_visible("email"),
        visible_nip=_visible("nip"),
        visible_phone=_visible("phone"),
        visible_rank=_visible("rank"),
    )


def _visible(name: str) -> Case:
    """The field `name` (one of CONTACT_FIELDS) where the rule shows it, else ""."""
    return Case(When(contact_visible=True, then=name), default=Value(""))


def may_see_contact(user, member: Member) -> bool:
    """The same rule for one member: one query."""
    return Member.objects.filter(pk=member.pk).filter(contact_visible(user)).exists()
