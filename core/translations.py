"""Strings that other packages' templates show and translate with a catalogue they don't ship
in Indonesian; marked here so makemessages puts them in ours."""

from django.utils.translation import gettext_noop

DJANGO_TABLES2 = [gettext_noop("previous"), gettext_noop("next")]
