"""The wording of the short notice shown beside every form that collects personal data, one
sentence per point of collection (UU 27/2022 Art. 5, 16(2) and 21: say what is collected, why,
by whom, and where the full notice and the person's rights are). The template is
templates/privacy/_notice.html, drawn by `{% privacy_notice "kind" agency %}`."""

from django.utils.translation import gettext_lazy as _

# What this form collects and why, per point of collection.
WHAT = {
    "registration": _(
        "Your name, email, agency, position, rank and NIP are used to confirm your "
        "registration, invite you and list you on the meeting's attendance sheet (daftar hadir)."
    ),
    "representative": _(
        "Your representative's name and email are used to send them an invitation of their "
        "own; they receive this notice with it."
    ),
    "checkin": _(
        "Your check-in, and your signature if you sign, are recorded on the attendance sheet "
        "(daftar hadir), a record of the meeting's financial accountability."
    ),
    "walkin": _(
        "Your name, agency, position, NIP and email, and your signature if you sign, let the "
        "organizers confirm your attendance and list you on the attendance sheet (daftar "
        "hadir), a record of the meeting's financial accountability."
    ),
    "signature": _(
        "The signature is kept on the attendance sheet (daftar hadir), a financial record kept "
        "until its archive retention ends."
    ),
    "photo": _(
        "Photos show the people present: upload only photos of this meeting, for its "
        "documentation and report, and choose below who may see them."
    ),
    "phone": _(
        "Your mobile number is kept with your details: the organizers of this meeting, and of "
        "other meetings you are invited to that use mobile numbers, may use it only for the "
        "purpose each meeting shows. Change or remove it on your data page (Data saya)."
    ),
    "roster": _(
        "You are entering other people's personal data: include only what meetings use. Each "
        "person receives this notice, with a link to their data, in their first email."
    ),
    "paste": _(
        "A new address becomes a member with only the name, agency and position you give. Each "
        "person receives this notice, with a link to their data, in their first email."
    ),
}

KINDS = tuple(WHAT)
