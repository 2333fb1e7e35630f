"""Monitoring pages. The regional view shows aggregates only: no person, ever."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from mentorship.access import access_for
from mentorship.types import AppRequest
from programmes.models import Region

from .selectors import region_overview


@login_required
def region(request: AppRequest) -> HttpResponse:
    access = access_for(request.user)
    if access.region_id is None:
        raise PermissionDenied(_("This page is for regional coordinators."))
    region_obj = Region.objects.get(pk=access.region_id)
    return render(request, "monitoring/region.html",
                  {"region": region_obj, "organisations": region_overview(region=region_obj)})
