"""Every form of the project is drawn by one renderer, and every date and time input speaks ISO."""

import importlib
from datetime import date, datetime, time

import django_filters
import pytest
from django import forms
from django.utils import translation

from core import widgets
from tests.core.test_i18n import _project_files

ISO_WIDGETS = (widgets.DateInput, widgets.TimeInput, widgets.DateTimeInput, forms.HiddenInput)
DATE_FIELDS = (forms.DateField, forms.TimeField, forms.DateTimeField)


def _project_modules():
    for path in _project_files():
        if path.suffix != ".py":
            continue
        if path.stem in {"forms", "filters"} or path.stem.endswith(("_forms", "_views")):
            parts = path.relative_to(path.parents[1]).with_suffix("").parts
        elif path.parent.name == "views" and path.stem != "__init__":  # an app's views package
            parts = path.relative_to(path.parents[2]).with_suffix("").parts
        else:
            continue
        yield importlib.import_module(".".join(parts))


def _subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


def _date_fields():
    modules = {module.__name__ for module in _project_modules()}
    for form in _subclasses(forms.BaseForm):
        if form.__module__ in modules:
            for name, field in form.base_fields.items():
                if isinstance(field, DATE_FIELDS):
                    yield f"{form.__module__}.{form.__name__}.{name}", field.widget
    for filterset in _subclasses(django_filters.FilterSet):
        if filterset.__module__ in modules:
            for name, declared in filterset.base_filters.items():
                if issubclass(declared.field_class, DATE_FIELDS):
                    widget = declared.extra.get("widget") or declared.field_class.widget
                    yield f"{filterset.__module__}.{filterset.__name__}.{name}", widget


def test_every_date_and_time_field_uses_an_iso_widget():
    found = dict(_date_fields())
    assert len(found) >= 8, found  # sessions, agenda, deadlines, registration, actions, filters
    wrong = {
        name: widget
        for name, widget in found.items()
        if not isinstance(widget, ISO_WIDGETS)
        and not (isinstance(widget, type) and issubclass(widget, ISO_WIDGETS))
    }
    assert not wrong, f"Date or time fields whose input is not ISO in every language: {wrong}"


@pytest.mark.parametrize(
    ("widget", "value", "html"),
    [
        (widgets.DateInput(), date(2026, 12, 15), 'type="date" name="when" value="2026-12-15"'),
        (widgets.TimeInput(), time(8, 5), 'type="time" name="when" value="08:05"'),
        (
            widgets.DateTimeInput(),
            datetime(2026, 12, 15, 8, 5),  # noqa: DTZ001 what a form field holds before the zone
            'type="datetime-local" name="when" value="2026-12-15T08:05"',
        ),
    ],
)
def test_the_iso_widgets_write_iso_in_indonesian(widget, value, html):
    with translation.override("id"):
        assert html in widget.render("when", value)


class _Example(forms.Form):
    title = forms.CharField()
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")])
    note = forms.CharField(widget=forms.Textarea)
    agree = forms.BooleanField()
    days = forms.MultipleChoiceField(
        choices=[("1", "Mon"), ("2", "Tue")], widget=forms.CheckboxSelectMultiple
    )
    token = forms.CharField(widget=forms.HiddenInput)


def test_the_renderer_gives_each_widget_bootstrap_s_class_and_marks_errors():
    form = _Example(data={"kind": "a", "token": "x", "days": ["2"]})
    form.is_valid()

    assert 'class="form-control is-invalid"' in str(form["title"])
    assert 'class="form-select"' in str(form["kind"])
    assert 'class="form-control is-invalid"' in str(form["note"])
    assert 'class="form-check-input is-invalid"' in str(form["agree"])
    days = str(form["days"])
    assert days.count('class="form-check"') == 2
    assert days.count('class="form-check-input"') == 2, days
    assert days.count('class="form-check-label"') == 2
    assert "class=" not in str(form["token"])
