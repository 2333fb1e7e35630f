"""Records every file a signed-in user downloads (spreadsheet exports, scans, evidence,
reports, archives) in the audit log.

Exports are spread over every app; they all answer with `Content-Disposition: attachment`,
so one middleware sees them all and no lower app has to know about this one. A view that
records its export itself, with more detail (the consent register's filters), marks the
response `already_audited` and is not recorded twice.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .services import download_record


class DownloadAuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        disposition = response.get("Content-Disposition", "")
        user = getattr(request, "user", None)
        if (response.status_code == 200 and disposition.startswith("attachment")
                and user is not None and user.is_authenticated
                and not getattr(response, "already_audited", False)):
            download_record(user=user, path=request.path, disposition=disposition,
                            ip_address=request.META.get("REMOTE_ADDR"))
        return response
