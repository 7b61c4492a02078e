"""Fixtures of the fetch tests: a network guard (127.0.0.1 only) and a local HTTP server."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from tests.sources.helpers import Server


@pytest.fixture(autouse=True)
def network_guard(monkeypatch):
    """No test may reach anything but 127.0.0.1: names other than localhost do not resolve,
    connections to other addresses fail before any packet is sent."""
    real_getaddrinfo = socket.getaddrinfo
    real_create = socket.create_connection

    def guarded_getaddrinfo(host, port, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host)
        try:
            ipaddress.ip_address(name.split("%")[0])
        except ValueError:
            if name != "localhost":
                raise socket.gaierror(socket.EAI_NONAME, f"test network guard: {name} does not resolve")
        return real_getaddrinfo(host, port, *args, **kwargs)

    def guarded_create(address, *args, **kwargs):
        if address[0] not in ("127.0.0.1", "::1", "localhost"):
            raise ConnectionRefusedError(f"test network guard: no connection to {address[0]}")
        return real_create(address, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", guarded_create)


@pytest.fixture
def server():
    srv = Server().start()
    try:
        yield srv
    finally:
        srv.stop()
