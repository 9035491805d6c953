"""`yunpin bench stage-one`: the large-region retriever of the published jobs
(app/ranking/stage_one.py) at ~100k jobs: the worker's build and save, a process's load,
and the sync each process runs at most every MATCHING_RETRIEVER_SYNC_SECONDS, with nothing
changed and after a burst of edits and closed jobs, and the count of the published jobs that
every 30th sync adds.

Jobs, employers and places come from the dashboards benchmark's loader; each job gets stored
vectors as the embedding worker would leave them (synthetic, `bench.vectors.synthetic`), so
the build pays for a real ANN index.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from datetime import timedelta

import click
import sqlalchemy as sa

from .instance import throwaway_postgres
from .stats import rss_mb


def _store_vectors(connection: sa.Connection, jobs: list, seed: int) -> None:
    """Vectors for JOBS ((id, updated_at) rows), stored a minute after each job's last change."""
    from app.models import EmbeddedKind, Embedding

    from .vectors import synthetic

    title, text = synthetic(len(jobs), 512, 2000, seed), synthetic(len(jobs), 512, 2000, seed + 1)
    table = Embedding.__table__
    for s in range(0, len(jobs), 5_000):
        connection.execute(
            table.insert(),
            [
                {
                    "kind": EmbeddedKind.JOB,
                    "object_id": i,
                    "model": "bench",
                    "digest": "",
                    "text_vector": text[s + k].tobytes(),
                    "title_vector": title[s + k].tobytes(),
                    "updated_at": changed + timedelta(minutes=1),
                }
                for k, (i, changed) in enumerate(jobs[s : s + 5_000])
            ],
        )


def _timed(fn, wait: float = 0.0) -> float:
    time.sleep(wait)
    started = time.perf_counter()
    fn()
    return round(time.perf_counter() - started, 3)


def run(database_url: str | None, employers: int, changes: int, repeat: int) -> dict:
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.models import Job, JobStatus
    from app.ranking import stage_one
    from app.redis_store import shutdown_embedded

    from .dashboards import load_synthetic

    with tempfile.TemporaryDirectory() as instance:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{instance}/bench.db",
                "INSTANCE_PATH": instance,
                "SECRET_KEY": "bench",
                "RQ_EMBEDDED_WORKER": False,
                "MATCHING_EMBEDDINGS": True,
                "MATCHING_RETRIEVER_SYNC_SECONDS": 0,
            }
        )
        with app.app_context():
            upgrade()
            with db.engine.begin() as connection:
                load_synthetic(connection, employers, 1_000)
                jobs = connection.execute(sa.select(Job.id, Job.updated_at).order_by(Job.id)).all()
                _store_vectors(connection, jobs, seed=1)
            public = stage_one.published_jobs(None)
            build = _timed(lambda: stage_one.save_build("job"))
            rss_before = rss_mb()
            load = _timed(lambda: stage_one._retriever("job"))
            rss_loaded = rss_mb()
            with_count = [_timed(lambda: stage_one._retriever("job")) for _ in range(repeat)]
            # one second between syncs: the count comes every 30th
            app.config["MATCHING_RETRIEVER_SYNC_SECONDS"] = 1
            unchanged = [
                _timed(lambda: stage_one._retriever("job"), wait=1.01) for _ in range(repeat)
            ]

            def burst(round_: int):
                # CHANGES edited jobs and CHANGES closed ones: rows the sync must add again and
                # remove (new jobs would need the embedding worker, which this leaves out)
                edited = db.session.scalars(sa.select(Job).where(Job.is_public).limit(2 * changes))
                for n, job in enumerate(edited):
                    if n < changes:
                        job.title = f"基准职位{round_}-{n}"  # a new title every round
                    else:
                        job.status = JobStatus.CLOSED
                db.session.commit()
                return _timed(lambda: stage_one._retriever("job"), wait=1.01)

            after_changes = [burst(r) for r in range(repeat)]
            held = len(stage_one._retriever("job"))
            database = db.engine.dialect.name
            db.session.remove()
            db.engine.dispose()
            shutdown_embedded(app)  # its Redis, which the commits' change marks started
    return {
        "database": database,
        "published_jobs": public,
        "build_and_save_s": build,
        "load_s": load,
        "load_rss_mb": round(rss_loaded - rss_before),
        "sync_counting_s": statistics.median(with_count),
        "sync_counting_all_s": with_count,
        "sync_unchanged_s": statistics.median(unchanged),
        "sync_unchanged_all_s": unchanged,
        "changes": changes,
        "sync_after_changes_s": statistics.median(after_changes),
        "sync_after_changes_all_s": after_changes,
        "held_after": held,
    }


@click.command("stage-one")
@click.option(
    "--employers",
    default=37_000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Three jobs each, nine in ten employers approved: ~100k published jobs by default.",
)
@click.option(
    "--changes",
    default=100,
    show_default=True,
    type=click.IntRange(min=1),
    help="Jobs edited and jobs closed before each timed sync after changes.",
)
@click.option("--repeat", default=5, show_default=True, type=click.IntRange(min=1))
@click.option(
    "--database",
    type=click.Choice(["sqlite", "postgresql"]),
    default="sqlite",
    show_default=True,
    help="A throwaway SQLite file or PostgreSQL server (pgserver).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of lines.")
def stage_one_command(employers, changes, repeat, database, as_json) -> None:
    """Build, save, load and sync the large-region job retriever; print the times."""
    if database == "sqlite":
        result = run(None, employers, changes, repeat)
    else:
        with throwaway_postgres() as url:
            result = run(url, employers, changes, repeat)
    if as_json:
        click.echo(json.dumps(result))
        return
    for key, value in result.items():
        click.echo(f"{key}: {value}")
