"""What the benchmark reads of processes from Linux's /proc: CPU times, process trees, and
which process holds which TCP connection.

- CPU: `utime + stime` of `/proc/<pid>/stat`, in seconds (every thread of the process);
- a server's processes: its root and every descendant (uvicorn's or Node's workers);
- which worker holds each of the load generator's connections: the server's end of an
  established socket on the server's port, found among the process's open files
  (`/proc/<pid>/fd` -> `socket:[inode]`, matched with `/proc/net/tcp`, whose line also gives
  the client's port). A keep-alive connection is served by the worker that accepted it, and
  the load generator counts the requests completed on each connection (by its local port),
  so together they give the requests each worker served.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
ESTABLISHED = "01"


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far (None once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # after the command: state(0) ppid(1) ... utime(11) stime(12)
    return (int(fields[11]) + int(fields[12])) / TICKS


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError, IndexError):
        return None


def process_tree(root: int) -> list[int]:
    """`root` and all its live descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            parent = _parent(int(entry.name))
            if parent is not None:
                children.setdefault(parent, []).append(int(entry.name))
    tree, pending = [], [root]
    while pending:
        pid = pending.pop()
        tree.append(pid)
        pending.extend(children.get(pid, []))
    return tree


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return ""


def cpu_times(pids: Iterable[int]) -> dict[int, float]:
    """The CPU times of those of `pids` that are alive."""
    return {pid: t for pid in pids if (t := cpu_seconds(pid)) is not None}


def cpu_spent(start: dict[int, float], end: dict[int, float]) -> float:
    """CPU seconds spent between two readings by the processes alive at the end (one that
    started in between counts from zero; one that ended in between is not counted)."""
    return sum(t - start.get(pid, 0.0) for pid, t in end.items())


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    except (FileNotFoundError, PermissionError):
        pass
    return inodes


def _established_on(port: int) -> dict[str, int]:
    """Inodes of established TCP sockets whose local port is `port`, with their peer's port."""
    found = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            fields = line.split()
            local, remote, state, inode = fields[1], fields[2], fields[3], fields[9]
            if state == ESTABLISHED and int(local.rsplit(":", 1)[1], 16) == port:
                found[inode] = int(remote.rsplit(":", 1)[1], 16)
    return found


def connection_owners(pids: Iterable[int], port: int) -> dict[int, int]:
    """Which process holds each established connection to `port`: the client's port -> pid."""
    established = _established_on(port)
    owners = {}
    for pid in pids:
        for inode in _socket_inodes(pid) & established.keys():
            owners[established[inode]] = pid
    return owners
