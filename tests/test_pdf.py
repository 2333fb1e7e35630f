"""PDF rendering: Cyrillic text with the shipped fonts, and no fetching beyond static files."""

from __future__ import annotations

import io

import pytest
from django.template.loader import render_to_string
from pypdf import PdfReader

from mentorship.pdf import ForbiddenResourceError, html_to_pdf, static_url_fetcher


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_cyrillic_text_is_embedded_with_the_shipped_font() -> None:
    html = render_to_string("pdf/base.html").replace(
        "</body>", "<h1>Приказ о закреплении наставнических пар</h1></body>")
    pdf = html_to_pdf(html)
    assert pdf.startswith(b"%PDF")
    assert "Приказ о закреплении наставнических пар" in _text(pdf)
    fonts = {str(font) for page in PdfReader(io.BytesIO(pdf)).pages
             for font in page["/Resources"]["/Font"].values()}
    assert fonts


@pytest.mark.parametrize("url", ["http://127.0.0.1/x.png", "file:///etc/passwd",
                                 "https://example.org/font.ttf", "static:///../settings.py"])
def test_fetcher_refuses_anything_but_static_files(url: str) -> None:
    with pytest.raises(ForbiddenResourceError):
        static_url_fetcher(url)


def test_fetcher_serves_static_fonts() -> None:
    assert static_url_fetcher("static:///fonts/DejaVuSans.ttf")["string"][:4] == b"\x00\x01\x00\x00"
