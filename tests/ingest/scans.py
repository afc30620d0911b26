"""Builders for scanned documents: text drawn on an image, saved as an image-only PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _font(size: int) -> Any:
    import reportlab
    from PIL import ImageFont

    vera = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"  # ships with reportlab
    return ImageFont.truetype(str(vera), size) if vera.exists() else ImageFont.load_default(size)


def page_image(lines: list[str], dpi: int = 200) -> Any:
    """A letter-size greyscale page with ``lines`` of text, as a scanner would produce."""
    from PIL import Image, ImageDraw

    width, height = int(8.5 * dpi), int(11 * dpi)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    font = _font(int(dpi * 0.16))  # about 11.5 pt
    y = dpi
    for line in lines:
        draw.text((dpi, y), line, fill=0, font=font)
        y += int(dpi * 0.3)
    return image


def scanned_pdf(path: Path, pages: list[list[str]], dpi: int = 200) -> Path:
    """An image-only PDF: no text layer at all, one image per page."""
    images = [page_image(lines, dpi) for lines in pages]
    images[0].save(path, "PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return path


def mixed_pdf(path: Path, text_page: str, scanned_lines: list[str]) -> Path:
    """Page 1 has a text layer; page 2 is a scan (an image, no text)."""
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=letter)
    y = 720
    for line in text_page.splitlines():
        c.drawString(72, y, line)
        y -= 16
    c.showPage()
    c.drawImage(ImageReader(page_image(scanned_lines)), 0, 0, width=612, height=792)
    c.showPage()
    c.save()
    return path
