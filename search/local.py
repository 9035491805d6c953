"""What the two on-disk backends (``embedded``, ``sqlite``) share.

:class:`LocalBackend` keeps, under one lock, an open handle on the live generation of each
kind (reopened when ``CURRENT`` moves, see :mod:`search.generations`) and one on every
generation a reindex is building; it creates, switches and drops generations and reports
health. A backend only says how to open one generation directory
(:meth:`LocalBackend.open_generation`).

An index whose files cannot be used is, for the caller, the same as a cluster that does not
answer: the app serves pages from its database and retries the write later. So every
public method of a local backend raises :class:`SearchUnavailable` for

- any :class:`OSError` (directory missing or not creatable, a file where the directory
  should be, permissions, disk full, ``CURRENT`` unreadable);
- :class:`sqlite3.DatabaseError` whose SQLite result code is about the file, not the SQL
  (:data:`SQLITE_FILE_ERRORS`: busy/locked, read-only, I/O error, corrupt, full, cannot
  open, not a database);

and the embedded backend adds tantivy's ``ValueError`` from opening, writing and committing
(see :mod:`search.embedded`). Other errors (SQL or query bugs) still surface as they are.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import os
import sqlite3
import threading
from abc import abstractmethod
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from search.base import SearchBackend
from search.defaults import KINDS
from search.documents import spec_for
from search.exceptions import SearchError, SearchUnavailable
from search.generations import Generations

SQLITE_FILE_ERRORS = frozenset(
    {
        sqlite3.SQLITE_PERM,
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_CORRUPT,
        sqlite3.SQLITE_FULL,
        sqlite3.SQLITE_CANTOPEN,
        sqlite3.SQLITE_PROTOCOL,
        sqlite3.SQLITE_NOTADB,
    }
)
"""Primary SQLite result codes that mean the database file is unusable right now. The
generic ``SQLITE_ERROR`` (bad SQL, FTS5 syntax) is left out: that is a bug to see."""


def is_file_error(exc: BaseException) -> bool:
    """Whether ``exc`` says the index files are unusable (see the module docstring)."""
    if isinstance(exc, SearchError):
        return False
    if isinstance(exc, OSError):
        return True
    if isinstance(exc, sqlite3.DatabaseError):
        code = getattr(exc, "sqlite_errorcode", None)
        return code is not None and (code & 0xFF) in SQLITE_FILE_ERRORS
    return False


@contextlib.contextmanager
def index_files(root: Path) -> Iterator[None]:
    """File errors raised inside become :class:`SearchUnavailable` naming ``root``."""
    try:
        yield
    except Exception as exc:
        if not is_file_error(exc):
            raise
        raise SearchUnavailable(f"search index {root} unusable: {exc}") from exc


Method = TypeVar("Method", bound=Callable[..., Any])


def unavailable_on_file_errors(method: Method) -> Method:
    """Decorate a :class:`LocalBackend` method (generators too) with :func:`index_files`."""
    if inspect.isgeneratorfunction(method):

        @functools.wraps(method)
        def generator(self: LocalBackend, *args: Any, **kwargs: Any) -> Iterator[Any]:
            with index_files(self.gens.root):
                yield from method(self, *args, **kwargs)

        return generator  # type: ignore[return-value]

    @functools.wraps(method)
    def call(self: LocalBackend, *args: Any, **kwargs: Any) -> Any:
        with index_files(self.gens.root):
            return method(self, *args, **kwargs)

    return call  # type: ignore[return-value]


class GenerationHandle(Protocol):
    """One open generation directory of a local backend."""

    def doc_count(self) -> int: ...

    def close(self) -> None: ...


Handle = TypeVar("Handle", bound=GenerationHandle)


class LocalBackend(SearchBackend, Generic[Handle]):
    """A backend whose indexes are generation directories under ``path``."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.gens = Generations(path)
        self._live: dict[str, tuple[str, Handle]] = {}
        self._targets: dict[tuple[str, str], Handle] = {}
        self._lock = threading.RLock()

    @abstractmethod
    def open_generation(self, kind: str, path: Path) -> Handle:
        """Open (creating if empty) the index of one generation directory."""

    def _finish(self, target: Handle) -> None:
        """Close a generation that is about to go live; override when writes need a final
        commit first."""
        target.close()

    def _open(self, kind: str, target: str | None = None) -> Handle:
        """The live index of ``kind`` (creating the first generation if there is none), or
        the generation ``target`` a reindex is filling."""
        spec_for(kind)
        with self._lock:
            if target is not None:
                key = (kind, target)
                if key not in self._targets:
                    self._targets[key] = self.open_generation(kind, self.gens.path(kind, target))
                return self._targets[key]
            current = self.gens.current(kind)
            if current is None:
                current = self.gens.create(kind)
                self.open_generation(kind, self.gens.path(kind, current)).close()
                self.gens.switch(kind, current)
            live = self._live.get(kind)
            if live and live[0] == current:
                return live[1]
            if live:
                live[1].close()
            self.gens.require_current_schema(kind, current)
            opened = self.open_generation(kind, self.gens.path(kind, current))
            self._live[kind] = (current, opened)
            return opened

    @unavailable_on_file_errors
    def ensure(self, kind: str | None = None) -> None:
        for each in [kind] if kind else KINDS:
            self._open(each)

    # -- generations -------------------------------------------------------------------

    @unavailable_on_file_errors
    def new_generation(self, kind: str) -> str:
        spec_for(kind)
        name = self.gens.create(kind)
        self._open(kind, name)
        return name

    @unavailable_on_file_errors
    def switch_generation(self, kind: str, name: str) -> None:
        with self._lock:
            target = self._targets.pop((kind, name), None)
            if target is not None:
                self._finish(target)
            left_behind = self.gens.switch(kind, name)
            live = self._live.pop(kind, None)
            if live:
                live[1].close()
            for generation in left_behind:
                self.gens.drop(kind, generation)

    @unavailable_on_file_errors
    def drop_generation(self, kind: str, name: str) -> None:
        with self._lock:
            target = self._targets.pop((kind, name), None)
            if target is not None:
                target.close()
            self.gens.drop(kind, name)

    # -- operations --------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        out: dict[str, Any] = {"backend": self.name, "path": str(self.gens.root), "docs": {}}
        try:
            for kind in KINDS:
                out["docs"][kind] = self._open(kind).doc_count()
            out["status"] = "green"
        except Exception as exc:  # health never raises
            out.update(status="unavailable", error=str(exc))
        return out

    @unavailable_on_file_errors
    def close(self) -> None:
        with self._lock:
            handles = [handle for _, handle in self._live.values()]
            handles += self._targets.values()
            self._live.clear()
            self._targets.clear()
        # One broken generation must not keep the others (and a tantivy writer lock) open.
        errors = []
        for handle in handles:
            try:
                handle.close()
            except Exception as exc:
                errors.append(exc)
        if errors:
            raise errors[0]
