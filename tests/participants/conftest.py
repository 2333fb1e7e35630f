"""Uploaded files of these tests go to a temporary MEDIA_ROOT, never into the project.

Tests marked `worker` keep the configured MEDIA_ROOT: a real Celery worker (CI) reads the
uploaded file from there; they remove what they stored themselves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _media_root(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    if request.node.get_closest_marker("worker"):
        return
    settings: Any = request.getfixturevalue("settings")
    settings.MEDIA_ROOT = tmp_path / "media"
