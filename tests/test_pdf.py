"""PDF rendering: Cyrillic text with the shipped fonts, and no fetching beyond static files."""

from __future__ import annotations

import io
import logging

import pytest
from django.template.loader import render_to_string
from pypdf import PdfReader

from mentorship.pdf import ForbiddenResourceError, StaticOnlyFetcher, html_to_pdf


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_cyrillic_text_is_embedded_with_the_shipped_font(
        caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    fetched: list[str] = []
    original = StaticOnlyFetcher.fetch

    def spy(self: StaticOnlyFetcher, url: str, headers: object = None) -> object:
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", spy)
    html = render_to_string("pdf/base.html").replace(
        "</body>", "<h1>Приказ о закреплении наставнических пар</h1></body>")
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = html_to_pdf(html)
    assert pdf.startswith(b"%PDF")
    assert "Приказ о закреплении наставнических пар" in _text(pdf)
    assert "static:///fonts/DejaVuSans.ttf" in fetched
    assert not [r for r in caplog.records if "cannot be loaded" in r.getMessage()]


@pytest.mark.parametrize("url", ["http://127.0.0.1/x.png", "file:///etc/passwd",
                                 "https://example.org/font.ttf", "static:///../settings.py",
                                 "static:///no/such/file.css"])
def test_fetcher_refuses_anything_but_static_files(url: str) -> None:
    with pytest.raises(ForbiddenResourceError):
        StaticOnlyFetcher().fetch(url)


def test_a_remote_image_is_left_out_not_fetched(caplog: pytest.LogCaptureFixture) -> None:
    html = render_to_string("pdf/base.html").replace(
        "</body>", '<img src="http://127.0.0.1:9/leak.png"><p>Текст</p></body>')
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = html_to_pdf(html)
    assert "Текст" in _text(pdf)
    assert any("only static files" in r.getMessage() for r in caplog.records)


def test_fetcher_serves_static_fonts() -> None:
    response = StaticOnlyFetcher().fetch("static:///fonts/DejaVuSans.ttf")
    assert response.read()[:4] == b"\x00\x01\x00\x00"
    assert response.content_type == "font/ttf"
