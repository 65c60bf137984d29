"""The files of the demo meeting: a paparan (slides as a PDF) and photos, drawn here."""

import io

PAPARAN_HTML = """<!doctype html><html lang="id"><head><meta charset="utf-8"><style>
@page { size: A4 landscape; margin: 18mm; }
body { font-family: sans-serif; color: #1f2d3d; }
h1 { font-size: 26pt; color: #225e8c; margin: 0 0 4mm; }
h2 { font-size: 14pt; font-weight: normal; margin: 0 0 10mm; }
li { font-size: 14pt; margin-bottom: 4mm; }
footer { position: absolute; bottom: 0; font-size: 10pt; color: #667; }
</style></head><body>
<h1>Paparan: Penguatan Profesionalitas Kehumasan</h1>
<h2>Koordinasi Pranata Humas Antar K/L &middot; Jakarta, 25&ndash;26 November 2021</h2>
<ul>
<li>Pranata humas sebagai <i>Government Public Relations</i> (GPR): profesi, bukan sekadar
jabatan.</li>
<li>Kolaborasi dan orkestrasi kinerja antar kementerian/lembaga.</li>
<li>Iprahumas sebagai <i>think tank</i> bagi humas kementerian/lembaga.</li>
<li>Panduan, kurikulum dan silabus pelatihan pranata humas Kementerian Agama.</li>
<li>Sertifikasi profesi kehumasan pemerintah dipimpin Iprahumas.</li>
</ul>
<footer>Teguh Santoso &middot; Sekretaris Jenderal DPP Iprahumas</footer>
</body></html>"""


def paparan_pdf() -> bytes:
    """A one-page slide, rendered with WeasyPrint."""
    from core.pdf import html_to_pdf

    return html_to_pdf(PAPARAN_HTML)


def photo(caption: str, colour: tuple[int, int, int]) -> bytes:
    """A stand-in photo (JPEG): a coloured room, a table, rows of people, and the caption."""
    from PIL import Image, ImageDraw, ImageFont

    width, height = 960, 640
    picture = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, height * 0.62, width, height), fill=tuple(c // 2 for c in colour))
    draw.rectangle((120, 300, width - 120, 360), fill=(235, 230, 220))
    for row, y in enumerate((250, 390)):
        for index in range(9):
            x = 150 + index * 80 + row * 30
            draw.ellipse((x, y - 40, x + 36, y - 4), fill=(224, 180, 140))
            draw.rectangle((x - 6, y, x + 42, y + 60), fill=(60 + 20 * index % 120, 70, 90))
    font = ImageFont.load_default(size=34)
    draw.rectangle((0, height - 80, width, height), fill=(0, 0, 0))
    draw.text((24, height - 62), caption, fill=(255, 255, 255), font=font)
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=85)
    return out.getvalue()


__all__ = ["paparan_pdf", "photo"]
