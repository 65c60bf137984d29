"""The kop (letterhead) of an agency's letters and records, as tata naskah dinas draws it: the
logo on the left; the name of the ministry or agency in capitals, the unit under it, then the
address lines; a closing rule under the whole.

Each part is the agency's own when set, else its parent's, and so on up to the ministry: a unit
of a ministry prints the ministry's logo and name unless it has its own. The first line is the
name of the topmost agency (its `letterhead_name`, else its name); the second the agency's own
`letterhead_unit`, else its name when it is a unit of another.
"""

import base64
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .models import Agency

LOGO_MAX_BYTES = 512 * 1024
LOGO_MAX_SIDE = 600  # pixels; a kop prints it about 2.5 cm wide
LOGO_FORMATS = ("PNG", "JPEG")
# Pixels a logo may have before it is decoded: a camera's photo, not a small file that unpacks
# to hundreds of megabytes in the web process.
LOGO_MAX_PIXELS = 4096 * 4096
MAX_DEPTH = 8


class LogoInvalid(Exception):
    message = _("The logo must be a PNG or JPEG picture of at most 512 KB.")


@dataclass(frozen=True)
class Letterhead:
    name: str
    unit: str = ""
    address: list[str] = field(default_factory=list)
    logo: bytes | None = None

    @property
    def logo_src(self) -> str:
        """The logo as a data: URI for a PDF template ("" without one)."""
        if not self.logo:
            return ""
        return "data:image/png;base64," + base64.b64encode(self.logo).decode("ascii")

    def as_dict(self) -> dict:
        """What a frozen record keeps of its kop (the logo as its data URI)."""
        return {
            "name": self.name,
            "unit": self.unit,
            "address": list(self.address),
            "logo_src": self.logo_src,
        }


def chain(agency: Agency) -> list[Agency]:
    """`agency` and its parents, nearest first (one query per level, a few at most)."""
    agencies = [agency]
    while agencies[-1].parent_id and len(agencies) < MAX_DEPTH:
        agencies.append(Agency.objects.get(pk=agencies[-1].parent_id))
    return agencies


def letterhead_for(agency: Agency) -> Letterhead:
    agencies = chain(agency)
    top = agencies[-1]
    unit = agency.letterhead_unit or (agency.name if agency.parent_id else "")
    address = next((a.address for a in agencies if a.address.strip()), "")
    logo = next((bytes(a.logo) for a in agencies if a.logo), None)
    return Letterhead(
        name=(top.letterhead_name or top.name).upper(),
        unit=unit.upper(),
        address=[line.strip() for line in address.splitlines() if line.strip()],
        logo=logo,
    )


def clean_logo(data: bytes) -> bytes:
    """An uploaded logo as a PNG of at most LOGO_MAX_SIDE pixels a side, re-encoded so that
    nothing but the picture is kept; LogoInvalid for anything else."""
    if not data or len(data) > LOGO_MAX_BYTES:
        raise LogoInvalid
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as picture:
            if picture.format not in LOGO_FORMATS:
                raise LogoInvalid
            if picture.width * picture.height > LOGO_MAX_PIXELS:
                raise LogoInvalid
            picture.load()
            logo = picture.convert("RGBA")
    except LogoInvalid:
        raise
    except Exception:  # Pillow raises many kinds of error for a file that is not a picture
        raise LogoInvalid from None
    logo.thumbnail((LOGO_MAX_SIDE, LOGO_MAX_SIDE))
    out = io.BytesIO()
    logo.save(out, format="PNG", optimize=True)
    return out.getvalue()
