"""The demo's letterheads: the kop of the host's letters, filled where an organizer left it
empty (members/demo.py)."""

from .demo_people import BALITBANG, KEMENAG, SEKRETARIAT

# The kop of the host's letters: Kemenag's name and a logo (a drawn stand-in, not the real
# emblem), Balitbang Diklat's address, the Sekretariat printing its Badan as the unit.
LETTERHEADS = {
    KEMENAG: {"letterhead_name": "Kementerian Agama Republik Indonesia"},
    BALITBANG: {
        "address": "Jalan M.H. Thamrin Nomor 6, Jakarta Pusat 10340\n"
        "Laman balitbangdiklat.kemenag.go.id",
    },
    SEKRETARIAT: {
        "letterhead_unit": "Badan Penelitian dan Pengembangan dan Pendidikan dan Pelatihan"
    },
}


def fill_letterheads(agencies: dict) -> None:
    """Fill the demo kop where it is empty: what an organizer set since is kept."""
    for name, values in LETTERHEADS.items():
        agency = agencies[name]
        changed = [field for field, value in values.items() if not getattr(agency, field)]
        for field in changed:
            setattr(agency, field, values[field])
        if name == KEMENAG and not agency.logo:
            agency.logo, changed = demo_logo(), [*changed, "logo"]
        if changed:
            agency.save(update_fields=changed)


def demo_logo() -> bytes:
    """A round green emblem with a gold star: a stand-in for a ministry's logo."""
    import io
    import math

    from PIL import Image, ImageDraw

    size = 240
    picture = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(picture)
    draw.ellipse(
        (6, 6, size - 6, size - 6), fill=(0, 110, 60, 255), outline=(212, 175, 55, 255), width=10
    )
    centre, outer, inner = size / 2, size * 0.34, size * 0.14
    star = [
        (
            centre + (outer if i % 2 == 0 else inner) * math.sin(i * math.pi / 5),
            centre - (outer if i % 2 == 0 else inner) * math.cos(i * math.pi / 5),
        )
        for i in range(10)
    ]
    draw.polygon(star, fill=(212, 175, 55, 255))
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return out.getvalue()
