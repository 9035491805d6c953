"""`yunpin train match`: retrain the ranking model from outcomes (app.ranking.training);
`yunpin train match-sets`: train it on judged evaluation sets (bench.train_match)."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from bench.train_match import train_sets_command

from .training import MIN_JOBS, retrain


@click.group("train")
def train_cli() -> None:
    """Learn ranking weights."""


@train_cli.command("match")
@click.option(
    "--min-jobs",
    default=MIN_JOBS,
    show_default=True,
    help="jobs with mixed outcomes needed before a model is trained",
)
@with_appcontext
def train_match_command(min_jobs):
    """Retrain matching from applications, interviews, hires and dismissals; the previous
    model stays when the new one ranks held-out jobs worse."""
    click.echo(json.dumps(retrain(min_jobs), indent=1))


train_cli.add_command(train_sets_command, "match-sets")
