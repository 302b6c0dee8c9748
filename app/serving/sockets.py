"""Listening sockets for `serve --workers N`.

On Linux (3.9+) sockets that all set SO_REUSEPORT may bind one address, and the kernel hands
each new connection to one of the listening ones by a hash of its addresses and ports: a
worker's share of the connections no longer depends on which process wakes first. A socket
that closes (its worker stopped or died) leaves the group at once, so new connections only go
to workers that accept them. FreeBSD 12+ does the same with SO_REUSEPORT_LB. On macOS and the
other BSDs SO_REUSEPORT lets sockets share an address but gives new connections to one of
them, and Windows has no such option: there the workers share one listening socket.
"""

from __future__ import annotations

import socket
import sys

BACKLOG = 2048  # uvicorn's default


def balancing_option() -> int | None:
    """The socket option under which the kernel spreads new connections over every socket
    bound to the address with it; None where there is none."""
    if hasattr(socket, "SO_REUSEPORT_LB"):  # FreeBSD
        return int(socket.SO_REUSEPORT_LB)
    if sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT"):
        return int(socket.SO_REUSEPORT)
    return None


def bind(host: str, port: int, *, balance: int | None = None) -> socket.socket:
    """A TCP socket bound to (host, port), not yet listening (as uvicorn binds one: IPv6 when
    the host has a colon), with the balancing option `balance` when given."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if balance is not None:
            sock.setsockopt(socket.SOL_SOCKET, balance, 1)
        sock.bind((host, port))
    except BaseException:
        sock.close()
        raise
    return sock


def check_free(host: str, port: int) -> None:
    """OSError when something listens on (host, port) already, another server's group of
    SO_REUSEPORT sockets included: workers binding it would join that server's group."""
    bind(host, port).close()


def listen_shared(host: str, port: int) -> socket.socket:
    """The one listening socket the workers inherit where the kernel doesn't balance."""
    sock = bind(host, port)
    sock.listen(BACKLOG)
    return sock
