"""One worker of `serve --workers N`: uvicorn on its own event loop, on its own socket.

The supervisor (`supervisor.py`) starts it as `python -m app.serving.worker` and hands it one
end of a socket pair, the control channel. The worker sends `READY` on it once it accepts
connections, and stops gracefully when the channel reaches end of file: the supervisor is gone
(even killed), and a worker must not serve on without one. SIGTERM and SIGINT stop it
gracefully too (uvicorn's handling: the requests in flight finish, a second SIGINT cuts them
short), and it exits 0; a worker that could not start exits non-zero.

It binds its socket (SO_REUSEPORT where it balances, `sockets.py`) before loading the app, but
listens only once the app is loaded: until then the kernel gives it no connection.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import socket
import threading
from types import FrameType

import uvicorn

from app.serving import APP, sockets, uvicorn_options
from app.settings import get_settings

READY = b"R"
logger = logging.getLogger("app.serving")


class _Stop:
    """SIGTERM/SIGINT outside uvicorn's own handlers: before it runs (the supervisor stopped
    while this worker was starting), and the signal uvicorn raises again after its graceful
    shutdown (without a handler of ours, that second one would end the process by the signal,
    not with exit code 0)."""

    def __init__(self) -> None:
        self.server: uvicorn.Server | None = None
        self.requested = False

    def __call__(self, sig: int, frame: FrameType | None) -> None:
        if self.server is None:
            self.requested = True
        else:
            self.server.handle_exit(sig, frame)


def _adopt(fd: int) -> socket.socket:
    """A socket from an inherited descriptor, not passed on to any process this one starts."""
    sock = socket.socket(fileno=fd)
    sock.set_inheritable(False)
    return sock


def _watch_supervisor(control: socket.socket, server: uvicorn.Server) -> None:
    """Stop gracefully when the control channel closes (the supervisor exited or died)."""

    def watch() -> None:
        while True:
            try:
                if not control.recv(64):
                    break
            except OSError:
                break
        logger.warning("worker %d: the supervisor is gone; stopping", os.getpid())
        server.should_exit = True

    threading.Thread(target=watch, name="supervisor-watch", daemon=True).start()


def run(control_fd: int, host: str, port: int, listen_fd: int | None = None) -> int:
    """Serve until stopped; the exit code (uvicorn exits by itself when the app can't load)."""
    stop = _Stop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, stop)
    control = _adopt(control_fd)
    if listen_fd is not None:
        listener = _adopt(listen_fd)
    else:
        listener = sockets.bind(host, port, balance=sockets.balancing_option())
    settings = get_settings()
    told = False

    async def notify() -> None:
        # uvicorn calls this first when its main loop starts (the socket listens by then),
        # then every `timeout_notify` seconds
        nonlocal told
        if not told:
            told = True
            with contextlib.suppress(OSError):  # the supervisor is gone: the watch stops us
                control.sendall(READY)

    config = uvicorn.Config(
        APP, host=host, port=port, callback_notify=notify, **uvicorn_options(settings)
    )
    server = uvicorn.Server(config)
    stop.server = server
    if stop.requested:
        return 0
    _watch_supervisor(control, server)
    server.run(sockets=[listener])
    return 0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--control-fd", type=int, required=True)
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--listen-fd", type=int, help="a shared listening socket")
    args = parser.parse_args(argv)
    raise SystemExit(run(args.control_fd, args.host, args.port, args.listen_fd))


if __name__ == "__main__":
    main()
