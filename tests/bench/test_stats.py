"""The one percentile and the one memory figure every benchmark reports."""

import os

import pytest

from bench.stats import peak_rss_mb, percentile, rss_mb


def test_percentile_is_a_measured_value_by_nearest_rank():
    values = [float(v) for v in range(1, 21)]  # 1..20, shuffled order must not matter
    assert percentile(reversed(values), 50) == 11.0
    assert percentile(values, 95) == 19.0
    assert percentile(values, 99) == 20.0 and percentile(values, 0) == 1.0
    assert percentile([7.5], 95) == 7.5
    with pytest.raises(ValueError):
        percentile([], 95)


def test_rss_of_this_process_and_of_another_by_pid():
    mine = rss_mb()
    assert 0 < mine <= peak_rss_mb() + 1
    assert rss_mb(os.getpid()) == pytest.approx(mine, rel=0.5)
