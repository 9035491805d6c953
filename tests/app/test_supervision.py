"""The supervisor of `yunpin run`, with real child processes."""

from __future__ import annotations

import sys
import time

import psutil

from app import supervision
from app.supervision import Child, Supervisor

SLEEPER = [sys.executable, "-c", "import time; time.sleep(600)"]
# A child that starts a grandchild of its own (as rq starts its scheduler), then sleeps.
PARENT = [
    sys.executable,
    "-c",
    "import subprocess, sys, time; "
    "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)']); time.sleep(600)",
]


def wait_until(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_a_dead_child_is_recovered_and_restarted_with_growing_delays(monkeypatch):
    monkeypatch.setattr(supervision, "FIRST_DELAY", 0.2)
    deaths = []
    child = Child("sleeper", SLEEPER, {}, on_death=lambda c: deaths.append(c.process.pid))
    supervisor = Supervisor([child])
    supervisor.start()
    try:
        first = child.process.pid
        child.process.kill()
        wait_until(lambda: (supervisor.check(), child.restarts == 1)[1])
        assert deaths == [first] and child.process.pid != first
        assert child.delay == 0.4  # doubled: a quick death again waits longer

        second = child.process.pid
        child.process.kill()
        started = time.monotonic()
        wait_until(lambda: (supervisor.check(), child.restarts == 2)[1])
        assert time.monotonic() - started >= 0.4 and deaths == [first, second]
    finally:
        supervisor.stop()
    assert child.process.poll() is not None


def test_stop_takes_the_childrens_own_children_too():
    child = Child("parent", PARENT, {})
    supervisor = Supervisor([child])
    supervisor.start()
    parent = psutil.Process(child.process.pid)
    wait_until(lambda: parent.children())
    (grandchild,) = parent.children()
    supervisor.stop(grace=5)
    gone, alive = psutil.wait_procs([parent, grandchild], timeout=5)
    assert not alive


def test_a_killed_childs_leftovers_are_killed_before_the_restart(monkeypatch):
    monkeypatch.setattr(supervision, "FIRST_DELAY", 0.1)
    child = Child("parent", PARENT, {})
    supervisor = Supervisor([child])
    supervisor.start()
    try:
        parent = psutil.Process(child.process.pid)
        wait_until(lambda: parent.children())
        (orphan,) = parent.children()
        parent.kill()
        wait_until(lambda: (supervisor.check(), child.restarts == 1)[1])
        psutil.wait_procs([orphan], timeout=5)
        assert not orphan.is_running()
    finally:
        supervisor.stop()
