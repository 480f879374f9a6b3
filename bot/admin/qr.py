"""QR codes of campaign links, as PNG, for posters and flyers.

Each module is :data:`SCALE` pixels and the PNG says 300 dpi, so a typical link (version 4–5,
33–37 modules plus the 4-module quiet zone the standard asks for) prints about 4.5 cm wide:
large enough to scan from a poster across a table, small enough for a flyer. Error correction
``M`` (15 %) tolerates a fold or a smudge; segno raises it further when the link still fits.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import segno

SCALE = 12
BORDER = 4
DPI = 300
ERROR = "m"


def qr_code(link: str) -> segno.QRCode:
    # Imported here: only coordinators making a campaign need it, and every start-up would
    # otherwise pay for it.
    import segno

    # micro=False: Micro QR codes are not read by every phone camera.
    return segno.make(link, error=ERROR, micro=False)


def qr_png(link: str, *, scale: int = SCALE, border: int = BORDER) -> bytes:
    """PNG bytes of a black-on-white QR code of ``link``."""
    buffer = io.BytesIO()
    qr_code(link).save(buffer, kind="png", scale=scale, border=border, dpi=DPI)
    return buffer.getvalue()
