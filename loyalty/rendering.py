"""Card faces drawn with Pillow: template background, the merchant's image, text, the card
number and its signed QR code. Chinese text needs a CJK font; it is found at run time.

Sizes follow the ISO/IEC 7810 ID-1 (CR80) card, 85.60 x 53.98 mm: the screen image is 10 px per
mm; the print image is 300 dpi with 2 mm of bleed on every side for the printer to trim.
"""

import io
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageOps

from core.codes import qr_image, short_code_format

from .errors import CardFontMissing

CARD_MM = (85.60, 53.98)
SCREEN_PX_PER_MM = 10
PRINT_DPI = 300
BLEED_MM = 2
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
TEMPLATES = {  # background gradient (top-left -> bottom-right) and the default text colour
    "classic": ((32, 58, 122), (86, 140, 214), "#FFFFFF"),
    "gold": ((92, 64, 18), (212, 172, 82), "#FFF8E7"),
    "minimal": ((250, 250, 250), (226, 230, 236), "#1F2937"),
}


@lru_cache(maxsize=1)
def cjk_font_path() -> str:
    """CARD_FONT_PATH, a known CJK font file, or whatever fontconfig has for Chinese."""
    configured = getattr(settings, "CARD_FONT_PATH", "")
    candidates = [configured] if configured else list(FONT_CANDIDATES)
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return candidate
    if not configured and shutil.which("fc-list"):
        listed = subprocess.run(
            ["fc-list", ":lang=zh", "file"],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split("\n")
        for line in sorted(filter(None, listed)):
            return line.rstrip(": ").strip()
    raise CardFontMissing()


def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(cjk_font_path(), size)


@dataclass(frozen=True)
class Face:
    """What a card shows; `number` empty draws a sample number and no real QR."""

    template: str
    title: str
    subtitle: str
    text_color: str
    image: Image.Image | None
    level: str
    holder: str
    number: str
    qr_payload: str


def gradient(size: tuple[int, int], start, end) -> Image.Image:
    """From `start` at the top-left corner to `end` at the bottom-right one."""
    across = Image.linear_gradient("L").rotate(90).resize(size)  # dark left, light right
    down = Image.linear_gradient("L").resize(size)  # dark top, light bottom
    mask = ImageChops.add(across, down, scale=2)
    return Image.composite(Image.new("RGB", size, end), Image.new("RGB", size, start), mask)


def render(face: Face, width: int) -> Image.Image:
    """The card at `width` px; every measure is a fraction of the width."""
    height = round(width * CARD_MM[1] / CARD_MM[0])
    start, end, default_color = TEMPLATES.get(face.template, TEMPLATES["classic"])
    card = gradient((width, height), start, end)
    color = face.text_color or default_color
    unit = width / 100
    if face.image is not None:  # the merchant's image fills the right half, faded into the card
        art = ImageOps.fit(face.image.convert("RGB"), (width // 2, height))
        fade = Image.linear_gradient("L").rotate(90).resize(art.size)
        card.paste(art, (width - art.width, 0), fade)
    draw = ImageDraw.Draw(card)
    margin = round(6 * unit)
    draw.text((margin, margin), face.title, font=font(round(7 * unit)), fill=color)
    if face.subtitle:
        draw.text(
            (margin, margin + round(10 * unit)),
            face.subtitle,
            font=font(round(3.6 * unit)),
            fill=color,
        )
    if face.level:
        draw.text(
            (margin, margin + round(16 * unit)),
            face.level,
            font=font(round(4.5 * unit)),
            fill=color,
        )
    number = short_code_format(face.number) if face.number else "XXXX-XXXX-XX"
    draw.text(
        (margin, height - margin - round(12 * unit)),
        face.holder,
        font=font(round(4 * unit)),
        fill=color,
    )
    draw.text(
        (margin, height - margin - round(6 * unit)), number, font=font(round(5 * unit)), fill=color
    )
    if face.qr_payload:
        # Whole pixels per module and the standard 4-module quiet zone: a module scaled by a
        # fraction comes out one pixel wider here and there, which some scanners misread.
        code = qr_image(face.qr_payload, box_size=1, border=4).get_image().convert("RGB")
        scale = max(1, round(height * 0.46) // code.width)
        side = code.width * scale
        code = code.resize((side, side), Image.NEAREST)
        pad = round(0.4 * unit)
        box = (width - margin - side - pad, height - margin - side - pad)
        draw.rounded_rectangle(
            (box[0], box[1], box[0] + side + 2 * pad, box[1] + side + 2 * pad),
            radius=pad,
            fill="white",
        )
        card.paste(code, (box[0] + pad, box[1] + pad))
    return card


def screen_png(face: Face) -> bytes:
    return png(render(face, round(CARD_MM[0] * SCREEN_PX_PER_MM)))


def print_png(face: Face) -> bytes:
    """300 dpi with bleed: the background runs 2 mm past the trim line, the content stays put."""
    px_per_mm = PRINT_DPI / 25.4
    trim = render(face, round(CARD_MM[0] * px_per_mm))
    bleed = round(BLEED_MM * px_per_mm)
    start, end, _ = TEMPLATES.get(face.template, TEMPLATES["classic"])
    sheet = gradient((trim.width + 2 * bleed, trim.height + 2 * bleed), start, end)
    sheet.paste(trim, (bleed, bleed))
    return png(sheet, dpi=PRINT_DPI)


def png(image: Image.Image, dpi: int | None = None) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", **({"dpi": (dpi, dpi)} if dpi else {}))
    return buffer.getvalue()
