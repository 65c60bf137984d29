"""Indonesian is Rakor's language: its catalogue is complete and the product speaks it by default.

The catalogue is locale/id/LC_MESSAGES/django.po. After adding or changing a translatable string:

    DEBUG=true .venv/bin/python manage.py makemessages -l id --no-obsolete \\
        -i ".venv/*" -i "node_modules/*" -i "var/*" -i "bench/*" -i "tests/*"

then translate every new entry (no empty or fuzzy entries). The .mo file is not committed: `make
install` (and so `make test`) compiles it, and the fixture below does if it is missing or stale.
"""

import fnmatch
import io
import os
import re
import tempfile
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_python
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import templatize

from events.services.answer_links import issue_answer_link
from tests.events.factories import InvitationFactory, MeetingFactory

ROOT = Path(settings.BASE_DIR)
LOCALE = ROOT / "locale"
CATALOGUE = LOCALE / "id" / "LC_MESSAGES" / "django.po"

# What makemessages is run without (see the module docstring), and what it skips by itself.
IGNORED = [".*", "__pycache__", "*.egg-info", ".venv", "node_modules", "var", "bench", "tests"]
IGNORED += ["locale", "staticfiles", "build"]

# Django's translation functions (makemessages passes the same to xgettext).
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext_lazy": (1, 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext_lazy": ((1, "c"), 2, 3),
}

PERCENT = re.compile(r"%(?:\((\w+)\))?[#0\- +]*(?:\*|\d+)?(?:\.\d+)?([diouxXeEfFgGcrsa%])")
NAMED = re.compile(r"%\((\w+)\)")
BRACE = re.compile(r"(?<!\{)\{(\w*)(?:[!:][^{}]*)?\}(?!\})")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def _read_catalogue(path: Path = CATALOGUE):
    with path.open("rb") as f:
        return read_po(f, abort_invalid=True)


@pytest.fixture(scope="session")
def catalogue():
    return _read_catalogue()


@pytest.fixture(scope="session")
def compiled_catalogues():
    """Compile every django.po whose .mo is missing or older, as `make translations` does."""
    for po in LOCALE.glob("*/LC_MESSAGES/django.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        handle, temporary = tempfile.mkstemp(dir=mo.parent, suffix=".mo.tmp")
        try:
            with os.fdopen(handle, "wb") as f:
                write_mo(f, _read_catalogue(po), use_fuzzy=True)
            os.chmod(temporary, 0o644)
            os.replace(temporary, mo)
        finally:
            Path(temporary).unlink(missing_ok=True)


def _text(message) -> list[str]:
    return list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]


def _entries(catalogue):
    return [message for message in catalogue if message.id]


def _where(message) -> str:
    return ", ".join(f"{path}:{line}" for path, line in message.locations[:3]) or "?"


def _format_problems(source: str, translated: str, flags: set[str]) -> list[str]:
    """What a translation lost or added: placeholders (always %(name)s; all of them when the
    entry is flagged python-format or python-brace-format) and HTML tags."""
    checks = [("named placeholders", lambda text: sorted(set(NAMED.findall(text))))]
    if "python-format" in flags:
        checks.append(("%-placeholders", lambda text: sorted(PERCENT.findall(text))))
    if "python-brace-format" in flags:
        checks.append(("{}-placeholders", lambda text: sorted(BRACE.findall(text))))
    checks.append(("HTML tags", lambda text: sorted(TAG.findall(text))))
    return [
        f"{name} {found(source)} ≠ {found(translated)}"
        for name, found in checks
        if found(source) != found(translated)
    ]


# --- (a) the catalogue is complete and correct ------------------------------------------------


def test_the_catalogue_is_indonesian_with_one_plural_form(catalogue):
    assert str(catalogue.locale) == "id"
    assert catalogue.num_plurals == 1
    assert catalogue.plural_expr == "0"
    assert not catalogue.fuzzy, "the catalogue's header is marked fuzzy"


def test_every_entry_is_translated_and_none_is_fuzzy(catalogue):
    untranslated = [
        f"{_where(m)}: {m.id!r}" for m in _entries(catalogue) if not all(_text(m)) or not _text(m)
    ]
    fuzzy = [f"{_where(m)}: {m.id!r}" for m in _entries(catalogue) if m.fuzzy]
    assert not untranslated, "Untranslated entries in {}:\n  {}".format(
        CATALOGUE.relative_to(ROOT), "\n  ".join(untranslated)
    )
    assert not fuzzy, "Fuzzy entries in {}:\n  {}".format(
        CATALOGUE.relative_to(ROOT), "\n  ".join(fuzzy)
    )


def test_plural_entries_have_exactly_one_form(catalogue):
    wrong = [
        f"{_where(m)}: {m.id[0]!r} has {len(_text(m))} forms"
        for m in _entries(catalogue)
        if m.pluralizable and len(_text(m)) != 1
    ]
    assert not wrong, "\n".join(wrong)


def test_translations_keep_the_placeholders_and_tags_of_their_source(catalogue):
    problems = []
    for message in _entries(catalogue):
        # Indonesian has one form for every count: it must hold what the plural source holds.
        source = message.id[-1] if message.pluralizable else message.id
        for translated in _text(message):
            for problem in _format_problems(source, translated, set(message.flags)):
                problems.append(f"{_where(message)}: {source!r} → {translated!r}: {problem}")
    assert not problems, "\n".join(problems)


def test_the_placeholder_check_catches_mistakes():
    assert _format_problems("Page %(number)s of %(pages)s", "Halaman %(number)s", {"python-format"})
    assert _format_problems("Sesi {number}", "Sesi {nomor}", {"python-brace-format"})
    assert _format_problems('<a href="%(u)s">Sign in</a>', '<a href="%(u)s">Masuk', set())
    assert not _format_problems("%(n)s of %(m)s", "%(m)s dari %(n)s", {"python-format"})


# --- (b) every string marked in the code is in the catalogue -----------------------------------


def _project_files() -> Iterator[Path]:
    """The files makemessages reads (.py, .html, .txt), without the folders it is told to skip."""
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = sorted(
            name
            for name in subfolders
            if not any(fnmatch.fnmatch(name, pattern) for pattern in IGNORED)
        )
        for name in sorted(files):
            if name.endswith((".py", ".html", ".txt")):
                yield Path(folder) / name


def _marked_strings() -> Iterator[tuple[str | None, str, str]]:
    """(context, msgid, where) of every translatable string in the project's code and templates.

    Python with babel's extractor; templates as makemessages reads them, through Django's
    templatize, which writes {% translate %}, {% blocktranslate %} (with its placeholders, plural
    and `trimmed`) and _("…") in tags as gettext calls.
    """
    for path in _project_files():
        source = path.read_text(encoding="utf-8")
        if path.suffix != ".py":
            if "{%" not in source and "_(" not in source:
                continue
            source = _templatized(source, path)
        for line, function, message in _calls(source):
            context, msgid = _by_spec(KEYWORDS[function], message)
            if msgid:
                yield context, msgid, f"{path.relative_to(ROOT)}:{line}"


def _templatized(source: str, path: Path | str) -> str:
    """A template as the Python-like text makemessages gives xgettext, left-aligned: babel's
    extractor tokenizes Python, and the template's indentation means nothing to it."""
    return "\n".join(line.lstrip() for line in templatize(source, origin=str(path)).splitlines())


def _calls(source: str) -> Iterator[tuple[int, str, str | tuple]]:
    """(line, function, string arguments) of each translation call in Python source."""
    calls = extract_python(io.BytesIO(source.encode()), KEYWORDS, [], {})
    for line, function, message, _comments in calls:
        # babel annotates extract_python with extract()'s result (line, message, comments,
        # context); it yields (line, function, message, comments).
        yield line, function, message  # type: ignore[misc]


def _by_spec(spec, message) -> tuple[str | None, str | None]:
    """(context, msgid) of a call's string arguments, by its keyword's spec (babel's notation:
    1-based positions, (n, "c") for the context)."""
    arguments = message if isinstance(message, tuple) else (message,)
    context_at, msgid_at = None, 1
    for position in spec or (1,):
        if isinstance(position, tuple):
            context_at = position[0]
        else:
            msgid_at = position
            break

    def argument(at):
        return arguments[at - 1] if at is not None and at <= len(arguments) else None

    return argument(context_at), argument(msgid_at)


def test_every_marked_string_is_in_the_catalogue(catalogue):
    known = {(m.context, m.id[0] if m.pluralizable else m.id) for m in _entries(catalogue)}
    missing: dict[tuple[str | None, str], list[str]] = {}
    found = 0
    for context, msgid, where in _marked_strings():
        found += 1
        if (context, msgid) not in known:
            missing.setdefault((context, msgid), []).append(where)
    assert found > 100, "the extraction found almost nothing: is it looking at the project?"
    assert not missing, (
        "Strings marked for translation but missing from {} (run makemessages, see this file's "
        "docstring, and translate them):\n  {}".format(
            CATALOGUE.relative_to(ROOT),
            "\n  ".join(
                f"{', '.join(places)}: {msgid!r}" + (f" (context {context!r})" if context else "")
                for (context, msgid), places in sorted(missing.items(), key=lambda i: i[1])
            ),
        )
    )


def test_the_extraction_reads_templates_like_makemessages():
    """Django's templatize and babel together see literals, blocktranslate and _() in tags."""
    template = (
        "{% load i18n %}{% translate \"Save\" %} {% trans 'Back' as back %}"
        "{% blocktranslate trimmed with name=a.b %}\n  Dear {{ name }},\n{% endblocktranslate %}"
        "{% blocktranslate count counter=n %}{{ counter }} meeting{% plural %}"
        "{{ counter }} meetings{% endblocktranslate %}"
        '{% include "x.html" with label=_("Publish") %}'
    )
    found = [message for _line, _function, message in _calls(_templatized(template, "t.html"))]
    assert found == [
        "Save",
        "Back",
        "Dear %(name)s,",
        ("%(counter)s meeting", "%(counter)s meetings", None),
        "Publish",
    ]


# --- (c) Indonesian by default, English on request ---------------------------------------------


@pytest.fixture
def indonesian_by_default(settings, compiled_catalogues):  # noqa: ARG001 (requested for its effect)
    """The product's settings (tests/settings.py may choose English for the rest of the suite).

    Assigning LOCALE_PATHS also empties Django's cache of loaded catalogues, so a catalogue
    compiled during this run is read.
    """
    settings.LANGUAGE_CODE = "id"
    settings.LOCALE_PATHS = [LOCALE]
    yield
    translation.deactivate()  # the requests above left a language active in this thread


@pytest.mark.usefixtures("indonesian_by_default")
def test_the_home_page_is_indonesian_by_default_and_english_on_request(client, catalogue):
    heading = catalogue.get("Coordination meetings between agencies")  # templates/core/home.html
    assert heading is not None, "choose another string of the home page for this test"
    assert heading.string
    assert heading.string != heading.id

    page = client.get(reverse("home")).content.decode()  # no Accept-Language, no cookie
    assert '<html lang="id">' in page
    assert escape(heading.string) in page
    assert escape(heading.id) not in page

    answer = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert answer.status_code == 302

    page = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in page
    assert escape(heading.id) in page
    assert escape(heading.string) not in page


@pytest.mark.usefixtures("indonesian_by_default")
def test_a_browser_set_to_english_still_gets_indonesian_until_the_switch_says_english(
    client, catalogue
):
    heading = catalogue.get("Coordination meetings between agencies")
    english = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}

    page = client.get(reverse("home"), **english)
    assert '<html lang="id">' in page.content.decode()
    assert escape(heading.string) in page.content.decode()
    assert page["Content-Language"] == "id"

    client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="id")
    assert '<html lang="en">' in page.content.decode()
    assert page["Content-Language"] == "en"


@pytest.mark.usefixtures("indonesian_by_default")
def test_dates_come_from_djangos_own_indonesian_catalogue():
    with translation.override("id"):
        assert date_format(date(2021, 11, 25), "l, j F Y") == "Kamis, 25 November 2021"
        assert date_format(date(2021, 8, 17), "l, j F Y") == "Selasa, 17 Agustus 2021"


# --- (d) one register and one meaning per word ------------------------------------------------

ANDA = re.compile(r"\banda\b", re.IGNORECASE)


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._skip += 1
        for name, value in attrs:
            if name in {"placeholder", "title", "aria-label", "alt", "data-confirm"} and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(response) -> str:
    reader = _VisibleText()
    reader.feed(response.content.decode())
    return " ".join(" ".join(reader.parts).split())


@pytest.mark.django_db
@pytest.mark.usefixtures("indonesian_by_default")
def test_pages_address_people_as_bapak_ibu_not_anda(organizer, organizer_client):
    anonymous_client = Client()
    meeting = MeetingFactory.create(sessions=2, open_for_registration=True)
    meeting.organizers.add(organizer)
    invitation = InvitationFactory.create(meeting=meeting)
    secret = issue_answer_link(invitation=invitation)
    anonymous = [
        reverse("home"),
        reverse("account_login"),
        reverse("account_request_login_code"),
        reverse("account_signup"),
        reverse("events:answer", args=[secret]),
        reverse("events:register", args=[meeting.public_code]),
        "/a/not-a-valid-link/",
    ]
    signed_in = [
        reverse("home"),
        reverse("events:meeting_list"),
        reverse("events:meeting_create"),
        reverse("events:meeting_invite", args=[meeting.pk]),
        reverse("members:import"),
        reverse("members:directory"),
        reverse("events:profile_calendar"),
        reverse("account_email"),
        reverse("outputs:action_tracker"),
    ]

    pages = [(path, anonymous_client.get(path)) for path in anonymous]
    pages += [(path, organizer_client.get(path)) for path in signed_in]
    wrong_password = {"login": "x@instansi.go.id", "password": "salah-sekali"}
    pages.append(
        ("wrong password", anonymous_client.post(reverse("account_login"), wrong_password))
    )

    for path, response in pages:
        assert response.status_code in (200, 400, 404), (path, response.status_code)
        assert '<html lang="id">' in response.content.decode(), path
        found = ANDA.findall(visible_text(response))
        assert not found, f"{path} says “Anda”: {visible_text(response)[:3000]}"


def test_the_catalogue_never_says_anda(catalogue):
    wrong = [m.id for m in _entries(catalogue) if any(ANDA.search(text) for text in _text(m))]
    assert not wrong


# One meaning each: "registrasi" is the check-in at the desk (meja registrasi, registrasi
# kehadiran); signing up (a registration, a walk-in who registers) is "pendaftaran"/"mendaftar".
CHECK_IN = ["Check-in", "Check-in code", "Self check-in", "Registration desk", "Check in by hand"]
SIGN_UP = [
    "Registration",
    "Register",
    "Register for this meeting",
    "Register as a walk-in",
    "Someone with this email has already registered for this session.",
    "Registration for this meeting is closed.",
    "Too many registrations from this device. Please see the desk.",
]


def test_registrasi_is_the_desk_and_pendaftaran_is_signing_up(catalogue):
    for msgid in CHECK_IN:
        translated = catalogue.get(msgid).string
        assert "registrasi" in translated.lower(), msgid
        assert "daftar" not in translated.lower(), msgid
    for msgid in SIGN_UP:
        translated = catalogue.get(msgid).string.lower().replace("meja registrasi", "")
        assert "daftar" in translated, msgid
        assert "registrasi" not in translated, msgid
    # And no other English "register/registration" (but the desk) became "registrasi".
    sign_up = re.compile(r"regist(?!ration desk)", re.IGNORECASE)
    wrong = [
        f"{m.id!r} → {text!r}"
        for m in _entries(catalogue)
        for text in _text(m)
        if sign_up.search(m.id[-1] if m.pluralizable else m.id)
        and "registrasi" in text.lower().replace("meja registrasi", "")
    ]
    assert not wrong, "\n".join(wrong)
