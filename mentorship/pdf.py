"""PDF rendering with WeasyPrint, shared by every report and generated letter.

Templates extend `pdf/base.html`, which embeds the DejaVu fonts shipped in `static/fonts`
(they carry Cyrillic on any server). WeasyPrint may fetch only the project's own static
files: any other URL (a user-supplied link, a remote image) is refused, so a document can
neither leak a request nor hang on the network.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

STATIC_SCHEME = "static"


class ForbiddenResourceError(ValueError):
    """A document referred to something outside the project's static files."""


def static_url_fetcher(url: str) -> dict[str, Any]:
    """WeasyPrint URL fetcher that serves `static:` URLs from the static files and refuses
    everything else."""
    parsed = urlparse(url)
    if parsed.scheme != STATIC_SCHEME:
        raise ForbiddenResourceError(f"Refused to fetch {url!r}: only static files are allowed.")
    relative = parsed.path.lstrip("/")
    if ".." in relative.split("/"):
        raise ForbiddenResourceError(f"Refused to fetch {url!r}: a path outside static files.")
    found = finders.find(relative)
    if not found:
        raise ForbiddenResourceError(f"No static file {relative!r}.")
    path = found if isinstance(found, str) else found[0]
    with open(path, "rb") as handle:
        data = handle.read()
    mime = "font/ttf" if relative.endswith(".ttf") else None
    return {"string": data, "mime_type": mime}


def html_to_pdf(html: str) -> bytes:
    """PDF bytes of an HTML document whose resources are `static:///...` URLs."""
    from weasyprint import HTML

    return HTML(string=html, base_url=f"{STATIC_SCHEME}:///",
                url_fetcher=static_url_fetcher).write_pdf()


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render a Django template (extending `pdf/base.html`) to PDF bytes. WeasyPrint logs
    and skips a refused resource; the document never contains it."""
    return html_to_pdf(render_to_string(template_name, context))
