"""Listening ports of the local servers (`serve`, `replay`, `replica`): free or busy, loopback or not."""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
from pathlib import Path

from archive.errors import PortInUse


def free_port(host: str = "127.0.0.1") -> int:
    """A port the kernel says is free on ``host`` now."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def busy(host: str, port: int, command: str = "") -> PortInUse:
    """The one-line error for a port another program holds."""
    who = f"{command} " if command else ""
    return PortInUse(f"{who}cannot listen on {host}:{port}: the port is already in use — stop "
                     "the program using it or choose another --port")


def check_free(host: str, port: int, command: str = "") -> None:
    """Raise ``PortInUse`` if ``host:port`` cannot be bound now (checked before a
    child server is started, so its own start-up errors never reach the user)."""
    if port == 0:
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers bind
        try:
            s.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise busy(host, port, command) from None
            raise


def _listening_inodes(port: int) -> set[str] | None:
    """Socket inodes listening on TCP ``port`` (Linux ``/proc/net/tcp*``); None elsewhere."""
    found: set[str] = set()
    tables = [Path("/proc/net/tcp"), Path("/proc/net/tcp6")]
    if not tables[0].exists():
        return None
    for table in tables:
        try:
            rows = table.read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if len(fields) > 9 and fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                found.add(fields[9])  # 0A: LISTEN
    return found


def owns_port(pid: int, port: int) -> bool | None:
    """Whether process ``pid`` holds the socket listening on ``port`` — so a readiness
    probe knows it reached *its* server, not another one on that port. ``None`` where
    the system cannot tell (no ``/proc``)."""
    inodes = _listening_inodes(port)
    if inodes is None:
        return None
    fd_dir = Path(f"/proc/{pid}/fd")
    try:
        fds = os.listdir(fd_dir)
    except OSError:  # gone, or not ours to look at
        return False
    wanted = {f"socket:[{inode}]" for inode in inodes}
    for fd in fds:
        try:
            if os.readlink(fd_dir / fd) in wanted:
                return True
        except OSError:  # closed meanwhile
            continue
    return False
