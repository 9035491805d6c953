"""Index generations on disk for the local backends (embedded, sqlite).

Layout under the caller's directory::

    <root>/<kind>/CURRENT          # name of the live generation (one line)
    <root>/<kind>/g-<timestamp>-<rand>/   # one complete index

A reindex builds a new generation directory and then replaces ``CURRENT`` with
``os.replace`` (atomic on POSIX), the local equivalent of a cluster alias swap. Readers
compare ``CURRENT`` on each call and reopen when it changed.
"""

from __future__ import annotations

import os
import secrets
import shutil
import time
from pathlib import Path


class Generations:
    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def kind_dir(self, kind: str) -> Path:
        return self.root / kind

    def current(self, kind: str) -> str | None:
        try:
            name = (self.kind_dir(kind) / "CURRENT").read_text().strip()
        except FileNotFoundError:
            return None
        return name or None

    def path(self, kind: str, name: str) -> Path:
        if "/" in name or name.startswith("."):
            raise ValueError(f"bad generation name {name!r}")
        return self.kind_dir(kind) / name

    def create(self, kind: str) -> str:
        name = f"g-{time.strftime('%Y%m%d%H%M%S')}-{secrets.token_hex(3)}"
        self.path(kind, name).mkdir(parents=True)
        return name

    def switch(self, kind: str, name: str) -> list[str]:
        """Point CURRENT at ``name``; returns the generations left behind (to delete
        once no reader holds them)."""
        kdir = self.kind_dir(kind)
        tmp = kdir / f".CURRENT.{secrets.token_hex(4)}"
        tmp.write_text(name + "\n")
        os.replace(tmp, kdir / "CURRENT")
        return [
            p.name
            for p in kdir.iterdir()
            if p.is_dir() and p.name.startswith("g-") and p.name != name
        ]

    def drop(self, kind: str, name: str) -> None:
        shutil.rmtree(self.path(kind, name), ignore_errors=True)


class GenerationSwitching:
    """switch_generation/drop_generation for the local backends, which keep the same state:
    ``_lock``, ``gens`` (Generations), ``_targets`` ((kind, name) → an open index being
    built) and ``_live`` (kind → (name, open index)). A backend whose writes need a final
    commit before the switch overrides ``_finish``.
    """

    def _finish(self, target) -> None:
        target.close()

    def switch_generation(self, kind: str, name: str) -> None:
        with self._lock:
            target = self._targets.pop((kind, name), None)
            if target is not None:
                self._finish(target)
            old = self.gens.switch(kind, name)
            live = self._live.pop(kind, None)
            if live:
                live[1].close()
            for generation in old:
                self.gens.drop(kind, generation)

    def drop_generation(self, kind: str, name: str) -> None:
        with self._lock:
            target = self._targets.pop((kind, name), None)
            if target is not None:
                target.close()
            self.gens.drop(kind, name)
