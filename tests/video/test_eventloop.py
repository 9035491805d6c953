"""A serving process's start-up heap is frozen out of the cyclic collector's way."""

from __future__ import annotations

import json
import subprocess
import sys

CHILD = """
import gc, json
from app.cli import main  # what `yunpin video serve` has imported when it starts serving
from video.eventloop import freeze_start_up_heap
before = len(gc.get_objects())
freeze_start_up_heap()
print(json.dumps({"before": before, "frozen": gc.get_freeze_count(), "left": len(gc.get_objects())}))
"""


def test_a_full_collection_after_start_up_walks_only_what_came_since():
    result = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=120, check=True
    )
    heap = json.loads(result.stdout.splitlines()[-1])
    assert heap["frozen"] >= heap["before"] * 0.9
    assert heap["left"] < heap["before"] / 100
