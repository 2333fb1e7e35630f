"""PDF rendering with WeasyPrint, shared by every report and generated letter.

Templates extend `pdf/base.html`, which embeds the DejaVu fonts shipped in `static/fonts`
(they carry Cyrillic on any server). WeasyPrint may fetch only the project's own static
files: any other URL (a user-supplied link, a remote image, a local file) is refused, so a
document can neither leak a request nor hang on the network.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_SCHEME = "static"


class ForbiddenResourceError(ValueError):
    """A document referred to something outside the project's static files."""


def static_path(url: str) -> Path:
    """The file behind a `static:///relative/path` URL. Raises ForbiddenResourceError for
    any other scheme, a path that climbs out, or a file that is not a static file."""
    parsed = urlparse(url)
    if parsed.scheme != STATIC_SCHEME:
        raise ForbiddenResourceError(f"Refused to fetch {url!r}: only static files are allowed.")
    relative = parsed.path.lstrip("/")
    if ".." in relative.split("/"):
        raise ForbiddenResourceError(f"Refused to fetch {url!r}: a path outside static files.")
    found = finders.find(relative)
    if not found:
        raise ForbiddenResourceError(f"No static file {relative!r}.")
    return Path(found if isinstance(found, str) else found[0])


class StaticOnlyFetcher(URLFetcher):
    """WeasyPrint fetcher that serves `static:` URLs from the static files and refuses
    everything else (WeasyPrint then logs the refusal and leaves the resource out)."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        path = static_path(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if path.suffix == ".ttf":
            content_type = "font/ttf"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


def html_to_pdf(html: str) -> bytes:
    """PDF bytes of an HTML document whose resources are `static:///...` URLs."""
    from weasyprint import HTML

    return HTML(string=html, base_url=f"{STATIC_SCHEME}:///",
                url_fetcher=StaticOnlyFetcher()).write_pdf()


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render a Django template (extending `pdf/base.html`) to PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context))
