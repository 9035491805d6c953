"""The ``yunpin bench`` and ``yunpin eval`` command groups (``app/cli.py`` adds them)."""

from __future__ import annotations

import click

from .broadcast import broadcast_command
from .chat import chat_command
from .dashboards import dashboards_command
from .evaluate import eval_command
from .evaluate_resumes import eval_resume_parse_command
from .evaluate_search import eval_search_command
from .freshness import freshness_command
from .matching import bench_command as match_bench_command
from .search import bench_command as search_bench_command
from .vectors import vectors_command
from .video import bench_command as video_bench_command
from .web import web_command


@click.group("bench")
def bench_group() -> None:
    """Benchmarks: each subcommand loads synthetic data and prints its figures."""


bench_group.add_command(broadcast_command, "broadcast")
bench_group.add_command(chat_command, "chat")
bench_group.add_command(dashboards_command, "dashboards")
bench_group.add_command(freshness_command, "freshness")
bench_group.add_command(match_bench_command, "match")
bench_group.add_command(vectors_command, "vectors")
bench_group.add_command(video_bench_command, "video")
bench_group.add_command(search_bench_command, "search")
bench_group.add_command(web_command, "web")


@click.group("eval")
def eval_group() -> None:
    """Offline quality evaluations on judged data sets."""


eval_group.add_command(eval_command, "match")
eval_group.add_command(eval_search_command, "search")
eval_group.add_command(eval_resume_parse_command, "resume-parse")
