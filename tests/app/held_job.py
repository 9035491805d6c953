"""A background job a test can hold and release: each attempt leaves a file with the pid of
the worker running it (workers run jobs in their own process), and the job finishes only
once the test creates ``release``. Enqueued by dotted path, so a real worker imports it."""

from __future__ import annotations

import os
import time
from pathlib import Path


def hold(folder: str) -> int:
    here = Path(folder)
    attempt = len(list(here.glob("attempt-*"))) + 1
    (here / f"attempt-{attempt}").write_text(str(os.getpid()))
    while not (here / "release").exists():
        time.sleep(0.05)
    (here / "done").write_text(str(attempt))
    return attempt
