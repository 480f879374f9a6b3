"""QR codes: the PNG carries exactly the QR matrix of the campaign link."""

from __future__ import annotations

import io
from collections.abc import Callable

import segno
from PIL import Image

from bot.admin.qr import BORDER, SCALE, qr_png

LINK = "https://t.me/SamenspraakBot?start=" + "Ab3_-x" * 5 + "Zz"


def test_png_encodes_the_link(qr_matrix: Callable[[bytes, int], list[list[int]]]) -> None:
    """Sampling the PNG's modules gives segno's matrix of the link, quiet zone included."""
    png = qr_png(LINK)
    expected = segno.make(LINK, error="m", micro=False)
    size = len(expected.matrix)
    assert qr_matrix(png, size) == [list(row) for row in expected.matrix]
    image = Image.open(io.BytesIO(png)).convert("L")
    assert image.size == ((size + 2 * BORDER) * SCALE,) * 2
    # The quiet zone is white all round, as scanners need.
    assert all(image.getpixel((x, BORDER * SCALE - 1)) == 255 for x in range(image.size[0]))


def test_png_is_large_enough_to_print() -> None:
    """Each module is at least 10 pixels and the PNG asks for 300 dpi: about 4 cm on paper."""
    image = Image.open(io.BytesIO(qr_png(LINK)))
    assert image.format == "PNG" and SCALE >= 10
    width_cm = image.size[0] / image.info["dpi"][0] * 2.54
    assert 3.5 <= width_cm <= 8


def test_different_links_give_different_codes() -> None:
    """Two campaign tokens give two different pictures."""
    assert qr_png(LINK) != qr_png(LINK.replace("Zz", "Zy"))


def test_admin_service_and_cli_load_without_telegram() -> None:
    """The service, links, QR and the admin CLI import no telegram module (the CLI needs no bot)."""
    import subprocess
    import sys

    code = (
        "import sys, bot.admin.service, bot.admin.links, bot.admin.qr, bot.admin.runner,"
        " bot.cli.werkgroep, bot.cli.campagne, storage.admin;"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] == 'telegram')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
