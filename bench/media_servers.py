"""Media-server processes for benchmarks and tests: started like production
(``python -m video.cli serve``), found through the Redis registry, and read from ``/proc``."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from video import registry

CLK_TCK = os.sysconf("SC_CLK_TCK")


class MediaServers:
    """``count`` media-server processes on free loopback ports sharing one Redis (``redis_url``)."""

    def __init__(self, count: int, redis, redis_url: str, secret: str, extra_env=None) -> None:
        self.redis = redis
        env = {
            **os.environ,
            "SECRET_KEY": secret,
            "REDIS_URL": redis_url,
            "VIDEO_ICE_SERVERS": "",
            **(extra_env or {}),
        }
        self.urls, self.procs = [], []
        for _ in range(count):
            port = _free_port()
            self.urls.append(f"http://127.0.0.1:{port}")
            self.procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "video.cli", "serve", "--port", str(port)]
                    + ["--log-level", "WARNING"],
                    env=env,
                )
            )

    def wait_registered(self, timeout: float = 30.0) -> list[registry.Server]:
        """Block until every process has registered; returns the registry's view."""
        deadline = time.monotonic() + timeout
        while True:
            servers = registry.live_servers(self.redis)
            if len(servers) >= len(self.procs):
                return servers
            if any(p.poll() is not None for p in self.procs) or time.monotonic() > deadline:
                raise RuntimeError(f"{len(servers)} of {len(self.procs)} media servers started")
            time.sleep(0.05)

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.procs]

    def process_at(self, url: str) -> subprocess.Popen:
        return self.procs[self.urls.index(url)]

    def health(self) -> list[dict]:
        out = []
        for server in registry.live_servers(self.redis):
            with urllib.request.urlopen(f"{server.url}/video/health", timeout=5) as answer:
                out.append(json.load(answer))
        return out

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, from ``/proc/<pid>/stat``."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def udp_drops(pids: list[int]) -> dict[str, int]:
    """Datagrams the kernel dropped on each UDP socket these processes hold (full receive
    buffers: the process did not read fast enough), by socket inode, from ``/proc/net/udp``'s
    drops column. Subtract two readings with :func:`drops_between`."""
    inodes = set()
    for pid in pids:
        fd_dir = f"/proc/{pid}/fd"
        for fd in os.listdir(fd_dir):
            try:
                target = os.readlink(f"{fd_dir}/{fd}")
            except OSError:  # closed meanwhile
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    drops = {}
    for table in ("/proc/net/udp", "/proc/net/udp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    if fields[9] in inodes:
                        drops[fields[9]] = int(fields[-1])
        except FileNotFoundError:
            continue
    return drops


def drops_between(before: dict[str, int], after: dict[str, int]) -> int:
    """Drops between two :func:`udp_drops` readings on the sockets open at the second one (a
    socket opened meanwhile counts from zero). A socket closed meanwhile took its counter
    with it, so it is left out rather than subtracted (totals went negative when calls
    ended inside the window)."""
    return sum(count - before.get(inode, 0) for inode, count in after.items())
