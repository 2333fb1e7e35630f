"""The suite itself refuses connections beyond this machine (tests/conftest.py), so a
feature that needed an outside service (a CDN, an error tracker, a mail provider) fails CI."""

from __future__ import annotations

import socket

import pytest

from .conftest import NetworkCallError


def test_a_connection_to_another_host_fails() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock, \
            pytest.raises(NetworkCallError):
        sock.connect(("93.184.215.14", 443))


def test_localhost_is_allowed() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=2):
            pass
