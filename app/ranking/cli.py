"""`yunpin train match`: retrain the ranking models from outcomes (app.ranking.training);
`yunpin train match-sets`: train them on judged evaluation sets (bench.train_match);
`yunpin skills unknown`: the typed skills the vocabulary lacks (app.ranking.unknown_skills)."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from bench.train_match import train_sets_command

from .training import MIN_QUERIES, retrain
from .unknown_skills import unknown_skills


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


@click.group("skills")
def skills_cli() -> None:
    """The skills vocabulary matching reads."""


@skills_cli.command("unknown")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1))
@click.option("--json", "as_json", is_flag=True, help="one JSON array instead of a table")
@with_appcontext
def unknown_command(limit, as_json):
    """Skills listed in jobs and résumés that the vocabulary does not know, most used first:
    candidates for matching/data/skills.tsv."""
    found = unknown_skills(limit)
    if as_json:
        click.echo(json.dumps([u.as_dict() for u in found], ensure_ascii=False, indent=1))
        return
    click.echo(f"{'jobs':>6} {'résumés':>8} {'spellings':>9}  skill")
    for u in found:
        click.echo(f"{u.jobs:>6} {u.resumes:>8} {u.spellings:>9}  {u.skill}")
