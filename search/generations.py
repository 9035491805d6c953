"""Index generations on disk for the local backends (embedded, sqlite).

Layout under the caller's directory::

    <root>/<kind>/CURRENT          # name of the live generation (one line)
    <root>/<kind>/g-<timestamp>-<rand>/   # one complete index
    <root>/<kind>/g-.../SCHEMA             # the SCHEMA_VERSION it was built at

A reindex builds a new generation directory and then replaces ``CURRENT`` with
``os.replace`` (atomic on POSIX), the local equivalent of a cluster alias swap. Readers
compare ``CURRENT`` on each call and reopen when it changed (:mod:`search.local`).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import time
from pathlib import Path

from search.defaults import SCHEMA_VERSION
from search.exceptions import IndexOutdated, SearchUnavailable

GENERATION_NAME = re.compile(r"g-[0-9]{14}-[0-9a-f]{6}")
"""What :meth:`Generations.create` names a generation; ``CURRENT`` holding anything else
was damaged (it is only ever replaced whole)."""


class Generations:
    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def kind_dir(self, kind: str) -> Path:
        return self.root / kind

    def current(self, kind: str) -> str | None:
        """The live generation's name; None before the first one exists."""
        pointer = self.kind_dir(kind) / "CURRENT"
        try:
            name = pointer.read_bytes().decode("ascii").strip()
        except FileNotFoundError:
            return None
        except UnicodeDecodeError as exc:
            raise SearchUnavailable(f"{pointer} is not a generation name: {exc}") from exc
        if not name:
            return None
        if not GENERATION_NAME.fullmatch(name):
            raise SearchUnavailable(f"{pointer} is not a generation name: {name!r}")
        return name

    def path(self, kind: str, name: str) -> Path:
        if "/" in name or name.startswith("."):
            raise ValueError(f"bad generation name {name!r}")
        return self.kind_dir(kind) / name

    def create(self, kind: str) -> str:
        name = f"g-{time.strftime('%Y%m%d%H%M%S')}-{secrets.token_hex(3)}"
        path = self.path(kind, name)
        path.mkdir(parents=True)
        (path / "SCHEMA").write_text(f"{SCHEMA_VERSION}\n")
        return name

    def schema_version(self, kind: str, name: str) -> int:
        """The layout a generation was built at; 1 for those built before it was recorded."""
        try:
            return int((self.path(kind, name) / "SCHEMA").read_text().strip())
        except FileNotFoundError:
            return 1
        except ValueError as exc:
            raise SearchUnavailable(f"{self.path(kind, name)}/SCHEMA is damaged: {exc}") from exc

    def require_current_schema(self, kind: str, name: str) -> None:
        """Refuse a generation built with other fields or another analyser: its tokens
        would not match the queries. ``yunpin search reindex`` builds a current one."""
        version = self.schema_version(kind, name)
        if version != SCHEMA_VERSION:
            raise IndexOutdated(
                f"the {kind} index was built at schema version {version}, this code needs "
                f"{SCHEMA_VERSION}: rebuild it (yunpin search reindex)"
            )

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
