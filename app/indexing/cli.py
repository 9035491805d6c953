"""``yunpin search``: rebuild the index from the database, or check and repair it.

Both read the database as the source of truth (app.indexing.service decides what belongs in
the index). ``reindex`` builds a new index and switches to it only when complete, so
searches keep working meanwhile; ``check`` compares content hashes and, with ``--repair``,
re-sends what is missing or stale and deletes what should be gone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import current_app
from flask.cli import with_appcontext

from app.indexing import service
from search import BACKENDS, IndexOutdated, SearchUnavailable, check, content_hash, reindex

KIND_CHOICE = click.Choice(["all", *service.KINDS])


def _kinds(kind: str) -> list[str]:
    return list(service.KINDS) if kind == "all" else [kind]


def rebuild(backend, kind: str, progress=None):
    """Rebuild KIND from the database into a new generation and switch to it."""
    return reindex(backend, service.documents(kind), kind=kind, progress=progress)


@contextmanager
def command_backend(name: str | None = None, url: str | None = None) -> Iterator:
    """The app's shared backend (released afterwards so the queue worker can write), or a
    separate one for another backend/URL; an unavailable engine ends the command with a message."""
    if name or url:
        backend = service.build_backend(current_app, name, url)
        close = backend.close
    else:
        backend, close = service.get_backend(), service.close_backend
    try:
        yield backend
    except SearchUnavailable as exc:
        raise click.ClickException(f"search backend unavailable: {exc}") from exc
    finally:
        close()


def kinds_to_build(backend) -> list[str]:
    """The kinds whose index must be built from the database before it can serve: each one
    built at another schema version (an upgrade changed fields or analysis), and all of them
    when no job is indexed (a fresh instance). Raises SearchUnavailable when the engine
    cannot say (unreachable, locked)."""
    outdated = []
    for kind in service.KINDS:
        try:
            backend.ensure(kind)
        except IndexOutdated:
            outdated.append(kind)
    if "jobs" not in outdated and not backend.health().get("docs", {}).get("jobs"):
        return list(service.KINDS)
    return outdated


def _advance(bar):
    """A progress callback (documents written so far) that moves BAR."""
    done = 0

    def progress(written: int) -> None:
        nonlocal done
        bar.update(written - done)
        done = written

    return progress


@click.group("search")
def search_cli() -> None:
    """The job and résumé search index."""


@search_cli.command("reindex")
@click.option(
    "--backend", "backend_name", type=click.Choice(BACKENDS), help="Default: SEARCH_BACKEND."
)
@click.option("--url", help="Index directory or cluster URL. Default: SEARCH_URL.")
@click.option("--kind", type=KIND_CHOICE, default="all", show_default=True)
@with_appcontext
def reindex_command(backend_name: str | None, url: str | None, kind: str) -> None:
    """Rebuild the index from the database into a new index and switch when complete."""
    with command_backend(backend_name, url) as backend:
        for k in _kinds(kind):
            total = service.count_documents(k)
            with click.progressbar(length=total, label=k) as bar:
                report = rebuild(backend, k, _advance(bar))
            click.echo(
                f"{k}: {report.docs} documents in {report.seconds:.1f}s ({report.generation})"
            )


@search_cli.command("check")
@click.option(
    "--repair", is_flag=True, help="Index missing and stale documents, delete extra ones."
)
@click.option("--kind", type=KIND_CHOICE, default="all", show_default=True)
@with_appcontext
def check_command(repair: bool, kind: str) -> None:
    """Report documents that differ between the database and the index."""
    problems = 0
    with command_backend() as backend:
        for k in _kinds(kind):
            rows = ((doc["id"], content_hash(doc)) for doc in service.documents(k))
            report = check(
                backend,
                rows,
                kind=k,
                repair=repair,
                load=lambda ids, k=k: service.documents(k, ids),
            )
            problems += len(report.missing) + len(report.stale) + len(report.extra)
            click.echo(
                f"{k}: missing {len(report.missing)}, stale {len(report.stale)}, "
                f"extra {len(report.extra)}" + (" — repaired" if report.repaired else "")
            )
            for label, ids in (
                ("missing", report.missing),
                ("stale", report.stale),
                ("extra", report.extra),
            ):
                if ids:
                    click.echo(
                        f"  {label}: {', '.join(map(str, ids[:20]))}{' …' if len(ids) > 20 else ''}"
                    )
    if problems and not repair:
        raise SystemExit(1)
