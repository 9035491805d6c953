"""The ``yunpin bench`` and ``yunpin eval`` command groups (``app/cli.py`` adds them).

A subcommand's module is imported when that subcommand runs: between them they import aiortc,
the search engines and the evaluation sets, seconds of start-up that every other ``yunpin``
command (the workers, cron) would otherwise pay.
"""

from __future__ import annotations

import importlib

import click


class LazyGroup(click.Group):
    """A group whose subcommands are named "module:attribute" and imported on first use."""

    def __init__(self, *args, lazy: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.lazy:
            return super().get_command(ctx, name)
        module, attribute = self.lazy[name].split(":")
        return getattr(importlib.import_module(module), attribute)


VIDEO_BENCH = "bench.video:bench_command"


@click.group(
    "bench",
    cls=LazyGroup,
    lazy={
        "broadcast": "bench.broadcast:broadcast_command",
        "chat": "bench.chat:chat_command",
        "dashboards": "bench.dashboards:dashboards_command",
        "freshness": "bench.freshness:freshness_command",
        "match": "bench.matching:bench_command",
        "vectors": "bench.vectors:vectors_command",
        "video": VIDEO_BENCH,
        "search": "bench.search:bench_command",
        "stage-one": "bench.stage_one:stage_one_command",
        "web": "bench.web:web_command",
    },
)
def bench_group() -> None:
    """Benchmarks: each subcommand loads synthetic data and prints its figures."""


@click.group(
    "eval",
    cls=LazyGroup,
    lazy={
        "match": "bench.evaluate:eval_command",
        "search": "bench.evaluate_search:eval_search_command",
        "resume-parse": "bench.evaluate_resumes:eval_resume_parse_command",
    },
)
def eval_group() -> None:
    """Offline quality evaluations on judged data sets."""
