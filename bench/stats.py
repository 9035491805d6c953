"""The figures every benchmark reports: percentiles of latencies and resident memory, and
how they are printed."""

from __future__ import annotations

import json
import resource
from collections.abc import Iterable

import click


def percentile(values: Iterable[float], p: float) -> float:
    """The ``p``-th percentile (0-100) by nearest rank: the sample at ``p``% of the way
    from the smallest to the largest, so always one of the measured values."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of no values")
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def rss_mb(pid: int | None = None) -> float:
    """Resident memory of a process (this one by default) in MiB, from ``/proc``.

    Without ``/proc`` (not Linux) this process's peak is the nearest figure there is.
    """
    try:
        with open(f"/proc/{pid or 'self'}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except FileNotFoundError:
        if pid is None:
            return peak_rss_mb()
        raise
    return 0.0  # a process that has exited but not been reaped has no resident memory


def echo_figures(figures: dict, as_json: bool, line: str = "{key}: {value}") -> None:
    """Print a benchmark's figures: one JSON object, or one ``line`` per figure."""
    if as_json:
        click.echo(json.dumps(figures))
        return
    for key, value in figures.items():
        click.echo(line.format(key=key, value=value))


def peak_rss_mb() -> float:
    """This process's peak resident memory in MiB (Linux reports ``ru_maxrss`` in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
