"""Draw the example site's images with Pillow.

    python bench/make_cover.py [CONTENT_MEDIA_DIR]

writes, into content/media/ by default:

- cover.jpg    1400x1400 RGB JPEG podcast cover: a dark blue to teal gradient,
               a faint grid of hex bytes, an audio waveform and the
               "Python Bytes" wordmark;
- michael.jpg, brian.jpg   400x400 avatars: initials on a coloured circle.

The output is deterministic (fixed seed, no timestamps), so re-running the
script leaves the files unchanged.
"""
from __future__ import annotations

import math
import random
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/liberation"))
TOP, BOTTOM = (8, 24, 56), (0, 110, 120)  # dark navy -> teal
YELLOW, WHITE = (255, 212, 59), (240, 246, 250)


def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    for folder in FONT_DIRS:
        if (folder / name).exists():
            return ImageFont.truetype(str(folder / name), size)
    return ImageFont.load_default(size)


def gradient(size: int) -> Image.Image:
    """A diagonal gradient from TOP (upper left) to BOTTOM (lower right)."""
    small = 64
    ramp = Image.new("L", (small, small))
    ramp.putdata([round(255 * (x + y) / (2 * small - 2)) for y in range(small) for x in range(small)])
    ramp = ramp.resize((size, size), Image.BILINEAR)
    return Image.composite(Image.new("RGB", (size, size), BOTTOM), Image.new("RGB", (size, size), TOP), ramp)


def centered(draw: ImageDraw.ImageDraw, y: int, text: str, face, fill, width: int) -> None:
    box = draw.textbbox((0, 0), text, font=face)
    draw.text(((width - (box[2] - box[0])) // 2 - box[0], y), text, font=face, fill=fill)


def cover(size: int = 1400, seed: int = 29) -> Image.Image:
    rng = random.Random(seed)
    img = gradient(size)

    # Motif: a faint grid of hex bytes, brighter towards the lower right.
    motif = Image.new("L", (size, size), 0)
    md = ImageDraw.Draw(motif)
    mono = font("DejaVuSansMono.ttf", 26)
    for row, y in enumerate(range(30, size, 52)):
        for x in range(24 + (row % 2) * 48, size, 128):
            md.text((x, y), f"{rng.randrange(256):02x}", font=mono, fill=int(10 + 22 * (x + y) / (2 * size)))
    img.paste(Image.new("RGB", (size, size), WHITE), mask=motif)

    # A soft glow behind the wordmark.
    glow = Image.new("L", (size, size), 0)
    ImageDraw.Draw(glow).ellipse((size * 0.12, size * 0.2, size * 0.88, size * 0.72), fill=70)
    img.paste(Image.new("RGB", (size, size), (40, 170, 190)), mask=glow.filter(ImageFilter.GaussianBlur(160)))

    draw = ImageDraw.Draw(img)
    bold = font("DejaVuSans-Bold.ttf", 250)
    centered(draw, int(size * 0.24), "Python", bold, WHITE, size)
    centered(draw, int(size * 0.43), "Bytes", bold, YELLOW, size)

    # Waveform: rounded bars, tallest in the middle, like an audio player.
    bars, gap = 41, 10
    bar_w = (size * 0.72 - gap * (bars - 1)) / bars
    x0, mid = size * 0.14, size * 0.76
    for i in range(bars):
        envelope = math.sin(math.pi * (i + 0.5) / bars)
        h = 24 + 150 * envelope * (0.35 + 0.65 * abs(math.sin(i * 1.7 + rng.random())))
        x = x0 + i * (bar_w + gap)
        colour = YELLOW if i % 7 == 3 else (120, 220, 225)
        draw.rounded_rectangle((x, mid - h / 2, x + bar_w, mid + h / 2), radius=bar_w / 2, fill=colour)

    tagline = font("DejaVuSans.ttf", 46)
    centered(draw, int(size * 0.88), "Python headlines delivered to your earbuds", tagline, (200, 230, 235), size)
    return img


def avatar(initials: str, colour: tuple[int, int, int], size: int = 400) -> Image.Image:
    """Initials on a coloured circle, drawn at 4x and scaled down for smooth edges."""
    big = size * 4
    img = Image.new("RGB", (big, big), (236, 242, 245))
    draw = ImageDraw.Draw(img)
    draw.ellipse((big * 0.04, big * 0.04, big * 0.96, big * 0.96), fill=colour)
    face = font("DejaVuSans-Bold.ttf", int(big * 0.38))
    box = draw.textbbox((0, 0), initials, font=face, anchor="mm")
    draw.text((big / 2, big / 2 - (box[1] + box[3]) / 2), initials, font=face, fill=WHITE, anchor="mm")
    return img.resize((size, size), Image.LANCZOS)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    cover().save(out / "cover.jpg", "JPEG", quality=88, optimize=True, progressive=True)
    avatar("MK", (31, 94, 160)).save(out / "michael.jpg", "JPEG", quality=90, optimize=True)
    avatar("BO", (0, 128, 110)).save(out / "brian.jpg", "JPEG", quality=90, optimize=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "content" / "media")
