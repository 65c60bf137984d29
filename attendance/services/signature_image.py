"""A signature as Rakor keeps and prints it: dark ink on white, in grey levels, cropped to the
ink, no larger than what the daftar hadir prints.

A phone's signature pad sends its whole box at the screen's density: a transparent RGBA image of
about 1000 × 500 pixels. Every daftar hadir would decode it, split its transparency off and
compress it again (WeasyPrint does so for every PNG): for 180 such signatures a sheet took 7 s
and 2.4 MB instead of about 1 s and 0.3 MB. Kept at its printed size it is drawn as given.
"""

import io

from PIL import Image

# The daftar hadir's signature box, 29 × 9 mm, at 300 dpi.
PRINT_SIZE = (343, 106)
# Lighter than this is paper, not ink (the pad's edge smoothing leaves faint pixels).
INK_BELOW = 224
MARGIN = 4  # pixels of paper kept around the ink
# The ink must span this share of the pad's width or of its height: a tap or a mark in a corner
# is not a signature. A share, not pixels, so that it is the same on every screen density.
SMALLEST_SHARE = 0.15


class BlankSignature(ValueError):
    """The image holds no ink."""


class TooSmallSignature(ValueError):
    """The ink spans less than SMALLEST_SHARE of the pad both ways."""


def printable_signature(image: Image.Image) -> bytes:
    """The PNG bytes of `image` (any mode, transparency as paper) as Rakor keeps a signature;
    BlankSignature when nothing was drawn, TooSmallSignature for a dot or a small mark."""
    drawn = image.convert("RGBA")
    # Ink over white paper, in one grey channel: the RGBA image is not copied again.
    grey = Image.composite(
        drawn.convert("L"), Image.new("L", drawn.size, 255), drawn.getchannel("A")
    )
    del drawn
    box = grey.point(lambda level: 255 if level < INK_BELOW else 0).getbbox()
    if box is None:
        raise BlankSignature
    left, top, right, bottom = box
    if max((right - left) / grey.width, (bottom - top) / grey.height) < SMALLEST_SHARE:
        raise TooSmallSignature
    grey = grey.crop(
        (
            max(left - MARGIN, 0),
            max(top - MARGIN, 0),
            min(right + MARGIN, grey.width),
            min(bottom + MARGIN, grey.height),
        )
    )
    grey.thumbnail(PRINT_SIZE, Image.Resampling.LANCZOS)  # smaller only, never below 1 px
    out = io.BytesIO()
    grey.save(out, format="PNG", optimize=True)
    return out.getvalue()
