"""`yunpin run` on a fresh instance: migrates, loads the demo, starts the worker, serves."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float) -> str:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


@pytest.mark.slow
def test_run_serves_the_product_with_demo_data_and_a_worker(tmp_path):
    port = free_port()
    instance = tmp_path / "instance"
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY"}
    }
    env["YUNPIN_INSTANCE"] = str(instance)
    yunpin = Path(sys.executable).parent / "yunpin"
    process = subprocess.Popen(
        [str(yunpin), "run", "--port", str(port)],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        home = wait_for(f"http://127.0.0.1:{port}/", 150)
        assert "seeker@yunpin.demo" in home or "<strong>" in home
        jobs = wait_for(f"http://127.0.0.1:{port}/jobs/", 10)
        assert "job-card" in jobs

        # The worker started by `yunpin run` delivers mail queued by the web process.
        wait_for(f"http://127.0.0.1:{port}/auth/forgot", 10)
        _request_reset(port, "seeker@yunpin.demo")
        deadline = time.monotonic() + 30
        while not list((instance / "outbox").glob("*.eml")):
            assert time.monotonic() < deadline, "the embedded worker sent no mail"
            time.sleep(0.5)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    assert not list(instance.glob("*.socket")), "the embedded Redis left its socket behind"


def _request_reset(port: int, email: str) -> None:
    import http.cookiejar
    import re
    import urllib.parse

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"http://127.0.0.1:{port}/auth/forgot").read().decode()
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "email": email}).encode()
    opener.open(f"http://127.0.0.1:{port}/auth/forgot", data=body).read()
