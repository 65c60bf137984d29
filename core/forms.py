"""Small helpers for forms."""

from django.db import models


def model_max_length(model: type[models.Model], field_name: str) -> int | None:
    """The max_length of a model's field, so a form never restates (and drifts from) it."""
    field = model._meta.get_field(field_name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{field_name} is the other side of a relation")
    return field.max_length
