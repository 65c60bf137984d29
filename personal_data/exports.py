"""The person's own data as files: JSON (the whole structure) and CSV (one row per value:
section, item, field, value), the same for the "Data saya" page and the `personal_data export`
command."""

import json

from django.core.serializers.json import DjangoJSONEncoder

from core.exports import ExportFormat, build_dataset, render

from .selectors import PersonData

FORMATS = ("json", "csv")


def as_json(data: PersonData) -> bytes:
    return json.dumps(data.as_json(), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def as_csv(data: PersonData) -> bytes:
    rows = []
    for section, content in data.as_json().items():
        items = [content] if isinstance(content, dict) else content
        for number, item in enumerate(items, start=1):
            for name, value in item.items():
                if name == "signature_png_base64":
                    value = "(PNG in the JSON export)" if value else ""
                rows.append((section, number, name, value))
    dataset = build_dataset(headers=["section", "item", "field", "value"], rows=rows)
    return render(dataset, ExportFormat.CSV)


def export_bytes(data: PersonData, file_format: str) -> bytes:
    return as_json(data) if file_format == "json" else as_csv(data)
