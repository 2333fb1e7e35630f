"""Every model of the product is in the Django admin, with a Russian name, and its list and
add pages open."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import translation

from .conftest import World

APPS = ("mentorship", "programmes", "participants", "pairing", "monitoring", "privacy")
MODELS = [m for m in apps.get_models() if m._meta.app_label in APPS]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_model_is_registered_with_a_russian_name(model: type) -> None:
    assert admin.site.is_registered(model)
    with translation.override("ru"):
        name = str(model._meta.verbose_name_plural)
    assert any("а" <= ch.lower() <= "я" or ch.lower() == "ё" for ch in name), name


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_admin_pages_open(world: World, model: type) -> None:
    client = world.client_for("admin")
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert client.get(changelist).status_code == 200
    obj = model._default_manager.first() if hasattr(model, "_default_manager") else None
    if obj is not None:
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert client.get(change).status_code == 200
