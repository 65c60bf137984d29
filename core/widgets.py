"""Date and time inputs of the browser (HTML5), in every language.

A browser's `<input type="date">` reads and sends ISO 8601 whatever the page's language: a value
written in the page's format ("15-12-2026" in Indonesian) shows as empty and comes back blank.
These widgets always write ISO; Django's date and time fields always accept ISO back (its ISO
input formats are appended to every language's, and `datetime-local`'s "T" is parsed too).
"""

from django import forms


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class DateTimeInput(forms.DateTimeInput):
    """A wall-clock date and time (`datetime-local`): the form decides its time zone."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")
