"""A per-user cache of the pages people open most (home, dashboard, pair lists, the pairing
board, a pair's page), keyed on the data version (`mentorship.dataversion`).

A page is rendered from the database, the user, their session and the clock. The key holds
all of them, so a cached page is served only to the same user, in the same session, while
no row of the product's data has changed since it was rendered:

- the data version (one indexed query): any committed write anywhere moves it;
- the user, the session and the CSRF cookie: the page's forms carry a token made from that
  cookie's secret, which stays valid as long as the cookie does;
- the full path with its query string, the language and the time zone;
- the current window of `PAGE_CACHE_SECONDS` (five minutes by default): pages that show
  "today", deadlines in hours or what is overdue are at most that old, and so is any entry;
- a stamp of the code (the modification times of the apps' Python files and templates), so
  a deployment never serves a page rendered by the previous release.

Never cached: anything but a plain GET of an HTML page answered 200, htmx partials, a
response that sets a cookie or carries a file, and a page showing one-time messages (nor is
a cached page served while messages wait: they must show).

`cached_fragment` keeps a piece of a page that is the same for everyone allowed to see it
(the dashboard's body) under the data version, shared between users, so that even a first
visit does not rebuild it.

`PAGE_CACHE_SECONDS=0` turns both off.
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from . import dataversion

PREFIX = "page"
# The header a cached answer carries (tests and operators can tell a hit).
HIT_HEADER = "X-Page-Cache"
MESSAGES_COOKIE = "messages"  # django.contrib.messages' CookieStorage
MESSAGES_SESSION_KEY = "_messages"  # and its SessionStorage


@functools.cache
def code_stamp() -> str:
    """A digest of the modification times and sizes of the project's Python files and
    templates, computed once per process."""
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    for app in dataversion.TRACKED_APPS:
        for path in sorted((root / app).rglob("*")):
            if path.suffix in {".py", ".html", ".mo"} and path.is_file():
                stat = path.stat()
                digest.update(f"{path}:{stat.st_mtime_ns}:{stat.st_size};".encode())
    return digest.hexdigest()[:16]


def _messages_waiting(request: HttpRequest) -> bool:
    return bool(request.COOKIES.get(MESSAGES_COOKIE)) or (
        hasattr(request, "session") and MESSAGES_SESSION_KEY in request.session)


def page_key(request: HttpRequest) -> str | None:
    """The page's key, or None when this request must not use the cache."""
    seconds = settings.PAGE_CACHE_SECONDS
    if seconds <= 0 or request.method != "GET" or request.headers.get("HX-Request"):
        return None
    user = getattr(request, "user", None)
    csrf_cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if user is None or not user.is_authenticated or not csrf_cookie or not session_key:
        return None
    if _messages_waiting(request):
        return None
    version = dataversion.current()
    if version is None:
        return None
    parts = (code_stamp(), version, user.pk, session_key, csrf_cookie,
             request.get_full_path(), get_language(), timezone.get_current_timezone_name(),
             int(time.time() // seconds))
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"{PREFIX}:{digest}"


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    storage = getattr(request, "_messages", None)
    if storage is not None and (storage.used or getattr(storage, "_queued_messages", None)):
        return False
    return (response.status_code == 200 and not response.streaming
            and not response.cookies and not response.has_header("Content-Disposition")
            and response.get("Content-Type", "").startswith("text/html"))


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve the view's page from the cache when its key (see the module) has one; store
    what it renders otherwise. Put it under the view's login and permission decorators:
    the key is per user, but the view's own checks still decide the first answer."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = page_key(request)
        if key is None:
            return view(request, *args, **kwargs)
        stored = cache.get(key)
        if stored is not None:
            content, content_type = stored
            response = HttpResponse(content, content_type=content_type)
            response[HIT_HEADER] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if _storable(request, response):
            cache.set(key, (response.content, response["Content-Type"]),
                      settings.PAGE_CACHE_SECONDS)
        return response

    return wrapper


def cached_fragment(name: str, parts: tuple[Any, ...], render: Callable[[], str]) -> SafeString:
    """The HTML `render()` returns, kept under the data version, the code, `name` and
    `parts` (what the fragment depends on besides the data: ids, the year, flags of what the
    viewer may do), the language, the time zone and the day. The fragment must hold nothing
    of one viewer's own (no CSRF token, no name from the session)."""
    seconds = settings.PAGE_CACHE_SECONDS
    version = dataversion.current() if seconds > 0 else None
    if version is None:
        return mark_safe(render())  # noqa: S308 - rendered by the template engine
    key_parts = (code_stamp(), version, name, parts, get_language(),
                 timezone.get_current_timezone_name(), timezone.localdate().isoformat())
    key = f"fragment:{hashlib.sha256(repr(key_parts).encode()).hexdigest()}"
    html = cache.get(key)
    if html is None:
        html = str(render())
        cache.set(key, html, seconds)
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, kept as is
