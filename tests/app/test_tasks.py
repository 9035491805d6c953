"""Every RQ job the code enqueues by name resolves to a function (a typo or a move would
otherwise only show when a worker takes the job and fails)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOTTED = re.compile(r"\bapp(?:\.[a-z_][a-z0-9_]*)+\.tasks\.[a-z_][a-z0-9_]*\b")


def enqueued_names() -> list[str]:
    """Every "app.<feature>.tasks.<function>" in the sources of app/ and tests/."""
    names = set()
    for folder in ("app", "tests"):
        for path in (ROOT / folder).rglob("*.py"):
            names.update(DOTTED.findall(path.read_text(encoding="utf-8")))
    return sorted(names)


def test_the_sources_enqueue_jobs_by_name():
    assert "app.indexing.tasks.flush" in enqueued_names()


@pytest.mark.parametrize("name", enqueued_names())
def test_each_enqueued_name_is_a_function(name):
    module, function = name.rsplit(".", 1)
    assert callable(getattr(importlib.import_module(module), function, None)), name
