"""`yunpin train match`: retrain the ranking models from outcomes (app.ranking.training);
`yunpin train match-sets`: train them on judged evaluation sets (bench.train_match)."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from bench.train_match import train_sets_command

from .training import MIN_QUERIES, retrain


@click.group("train")
def train_cli() -> None:
    """Learn ranking weights."""


@train_cli.command("match")
@click.option(
    "--min-queries",
    default=MIN_QUERIES,
    show_default=True,
    help="jobs (for ranking applicants) or candidates (for recommendations) with mixed"
    " outcomes needed before that direction's model is trained",
)
@with_appcontext
def train_match_command(min_queries):
    """Retrain matching from applications, interviews, hires and dismissals, one model per
    direction; each keeps its previous model when the new one ranks held-out queries worse."""
    click.echo(json.dumps(retrain(min_queries), indent=1))


train_cli.add_command(train_sets_command, "match-sets")
