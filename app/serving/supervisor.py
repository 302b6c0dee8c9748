"""The supervisor of `serve --workers N`: starts the workers, replaces the ones that die, and
stops them all on SIGTERM or SIGINT.

It never loads the app (the workers do), so it stays small and has nothing to crash on. Each
worker (`worker.py`) is a process of its own, in a process group of its own (a Ctrl-C in the
terminal reaches the supervisor only, which stops the workers in order), with one end of a
socket pair as its control channel: the worker writes `READY` on it once it accepts
connections, and its end closes when it exits, which is how the supervisor sees a worker die
at once. Signals reach the loop through `signal.set_wakeup_fd`, so one `select` waits for all
of it.

- A worker that dies while serving (killed, crashed) is logged and replaced at once. Its own
  socket closed with it, so the kernel already gives new connections to the others only; the
  connections it held are lost (docs/operations.md > Serving).
- A worker that exits before it served is a failed start. At the first start of the server
  that ends it (exit code 1): the cause (the port, the configuration, the code) is the same
  for every worker. Later, the slot is tried again after 0.5, 1, 2, 4 s, and after
  `START_ATTEMPTS` failed starts in a row the server stops.
- SIGTERM or SIGINT: every worker gets SIGTERM and finishes the requests in flight (at most
  `SERVE_SHUTDOWN_TIMEOUT_SECONDS`); one still alive `KILL_MARGIN_SECONDS` later is killed. A
  second signal cuts the requests in flight short (SIGINT to the workers, uvicorn's force
  exit). The exit code is 0 when every worker stopped with 0.
"""

from __future__ import annotations

import contextlib
import logging
import selectors
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass
from time import monotonic
from types import FrameType

from app.serving import ServeOptions, sockets
from app.serving.worker import READY
from app.settings import Settings

START_ATTEMPTS = 5
FIRST_RETRY_SECONDS = 0.5
KILL_MARGIN_SECONDS = 5.0
POLL_SECONDS = 1.0  # how often the workers' processes are polled besides their channels
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)

logger = logging.getLogger("app.serving")


@dataclass
class _Worker:
    slot: int
    process: subprocess.Popen[bytes]
    control: socket.socket
    ready: bool = False
    closed: bool = False  # its end of the channel closed: it is exiting

    @property
    def name(self) -> str:
        return f"worker {self.slot} (pid {self.process.pid})"


def _describe(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exit code {returncode}"


def _ignore(sig: int, frame: FrameType | None) -> None:
    """Signals are read from the wakeup socket; the handler only keeps them from killing."""


class Supervisor:
    """Runs `options.workers` workers on `options.host`:`options.port` until stopped."""

    def __init__(self, settings: Settings, options: ServeOptions) -> None:
        self.settings = settings
        self.options = options
        self.balance = sockets.balancing_option() if settings.serve_reuse_port else None
        self.shared: socket.socket | None = None
        self.selector = selectors.DefaultSelector()
        self.workers: dict[int, _Worker] = {}
        self.due: dict[int, float] = {}  # slot -> when to start it (monotonic)
        self.failures: dict[int, int] = {}  # slot -> failed starts in a row
        self.served = False  # some worker has accepted connections
        self.stopping = False
        self.deadline = 0.0  # when stopping: kill what is still alive then
        self.exit_code = 0

    def run(self) -> int:
        """Serve until stopped; the exit code."""
        logging.basicConfig(
            level=self.settings.log_level.upper(),
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
        host, port, count = self.options.host, self.options.port, self.options.workers
        try:
            sockets.check_free(host, port)
            if self.balance is None:
                self.shared = sockets.listen_shared(host, port)
        except OSError as error:
            logger.error("can't listen on %s: %s", self.options.address, error.strerror or error)
            return 1
        if self.shared is None:
            logger.info(
                "serving %s with %d workers, each on its own SO_REUSEPORT socket: the kernel "
                "spreads new connections across them",
                self.options.address,
                count,
            )
        else:
            logger.warning(
                "serving %s with %d workers on one shared socket (%s): connections opened "
                "at once may all go to one worker",
                self.options.address,
                count,
                "SERVE_REUSE_PORT=false"
                if not self.settings.serve_reuse_port
                else f"SO_REUSEPORT does not balance connections on {sys.platform}",
            )
        wakeup, wakeup_writer = socket.socketpair()
        for end in (wakeup, wakeup_writer):
            end.setblocking(False)
        self.selector.register(wakeup, selectors.EVENT_READ, None)
        handlers = {sig: signal.signal(sig, _ignore) for sig in STOP_SIGNALS}
        previous_fd = signal.set_wakeup_fd(wakeup_writer.fileno())
        try:
            for slot in range(1, count + 1):
                self._start(slot)
            self._loop(wakeup)
        finally:
            signal.set_wakeup_fd(previous_fd)
            for sig, handler in handlers.items():
                signal.signal(sig, handler)
            for worker in self.workers.values():  # only after an unexpected error
                worker.process.kill()
            self.selector.close()
            for end in (wakeup, wakeup_writer, self.shared):
                if end is not None:
                    end.close()
        logger.info("stopped (exit code %d)", self.exit_code)
        return self.exit_code

    def _loop(self, wakeup: socket.socket) -> None:
        while not (self.stopping and not self.workers):
            events = self.selector.select(self._timeout())
            # signals first: a worker stopping because of a signal is not a death
            for key, _ in sorted(events, key=lambda event: event[0].data is not None):
                if key.data is None:
                    self._signalled(wakeup)
                else:
                    self._heard(key.data)
            self._reap()
            now = monotonic()
            if self.stopping and now >= self.deadline:
                self._kill_stragglers()
            for slot, when in list(self.due.items()):
                if when <= now:
                    del self.due[slot]
                    self._start(slot)

    def _timeout(self) -> float:
        if any(worker.closed for worker in self.workers.values()):
            return 0.01  # an exiting worker: reap it as soon as it is gone
        wake = [*self.due.values(), self.deadline] if self.stopping else [*self.due.values()]
        soonest = min(wake, default=monotonic() + POLL_SECONDS)
        return max(0.0, min(POLL_SECONDS, soonest - monotonic()))

    def _start(self, slot: int) -> None:
        if self.stopping:  # an earlier worker's failed start is stopping the server
            return
        ours, theirs = socket.socketpair()
        command = [sys.executable, "-m", "app.serving.worker", "--control-fd", str(theirs.fileno())]
        command += ["--host", self.options.host, "--port", str(self.options.port)]
        fds = [theirs.fileno()]
        if self.shared is not None:
            command += ["--listen-fd", str(self.shared.fileno())]
            fds.append(self.shared.fileno())
        try:
            process = subprocess.Popen(
                command, pass_fds=fds, stdin=subprocess.DEVNULL, process_group=0
            )
        except OSError as error:
            ours.close()
            logger.error("worker %d could not be started: %s", slot, error)
            self._failed_start(slot, f"worker {slot}", str(error))
            return
        finally:
            theirs.close()
        ours.setblocking(False)
        worker = _Worker(slot, process, ours)
        self.workers[slot] = worker
        self.selector.register(ours, selectors.EVENT_READ, worker)
        logger.debug("%s started", worker.name)

    def _heard(self, worker: _Worker) -> None:
        try:
            message = worker.control.recv(64)
        except BlockingIOError:
            return
        except OSError:
            message = b""
        if not message:
            worker.closed = True
            self.selector.unregister(worker.control)
            return
        if READY in message and not worker.ready:
            worker.ready = True
            self.served = True
            self.failures.pop(worker.slot, None)
            logger.info("%s is serving", worker.name)
            everyone = len(self.workers) == self.options.workers
            if everyone and not self.stopping and all(w.ready for w in self.workers.values()):
                logger.info("all %d workers are serving", self.options.workers)

    def _reap(self) -> None:
        for worker in list(self.workers.values()):
            returncode = worker.process.poll()
            if returncode is None:
                continue
            del self.workers[worker.slot]
            if not worker.closed:
                self.selector.unregister(worker.control)
            worker.control.close()
            self._exited(worker, returncode)

    def _exited(self, worker: _Worker, returncode: int) -> None:
        how = _describe(returncode)
        if self.stopping:
            if returncode == 0 or not worker.ready:  # one that never served stopped cleanly
                logger.info("%s stopped", worker.name)
            else:
                logger.warning("%s stopped with %s", worker.name, how)
                self.exit_code = 1
        elif worker.ready:
            logger.error(
                "%s died (%s): starting a new one; the other workers take the new connections "
                "meanwhile",
                worker.name,
                how,
            )
            self.due[worker.slot] = monotonic()
        else:
            self._failed_start(worker.slot, worker.name, how)

    def _failed_start(self, slot: int, name: str, how: str) -> None:
        failures = self.failures[slot] = self.failures.get(slot, 0) + 1
        if not self.served or failures >= START_ATTEMPTS:
            tries = f" ({failures} times in a row)" if failures > 1 else ""
            logger.error("%s failed to start%s (%s): stopping the server", name, tries, how)
            self.exit_code = 1
            self._stop()
            return
        delay = FIRST_RETRY_SECONDS * 2 ** (failures - 1)
        logger.error("%s failed to start (%s): trying again in %.1f s", name, how, delay)
        self.due[slot] = monotonic() + delay

    def _signalled(self, wakeup: socket.socket) -> None:
        try:
            received = wakeup.recv(64)
        except BlockingIOError:
            return
        for number in received:
            if number in STOP_SIGNALS:
                logger.info("%s received", signal.Signals(number).name)
                self._stop()

    def _stop(self) -> None:
        if self.stopping:  # a second signal: cut the requests in flight short
            logger.info("stopping now: the requests in flight are cut short")
            self._send(signal.SIGINT)
            return
        self.stopping = True
        self.due.clear()
        timeout = self.settings.serve_shutdown_timeout_seconds
        self.deadline = monotonic() + timeout + KILL_MARGIN_SECONDS
        logger.info("stopping the workers: requests in flight get up to %d s", timeout)
        self._send(signal.SIGTERM)

    def _send(self, sig: signal.Signals) -> None:
        for worker in self.workers.values():
            with contextlib.suppress(ProcessLookupError):  # gone: reaped on the next turn
                worker.process.send_signal(sig)

    def _kill_stragglers(self) -> None:
        for worker in self.workers.values():
            if worker.process.poll() is None:
                logger.warning("%s did not stop in time: killing it", worker.name)
                worker.process.kill()
        self.deadline = monotonic() + POLL_SECONDS  # then only wait for them to be reaped
