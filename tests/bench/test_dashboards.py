"""`yunpin bench dashboards` at a tiny size: it loads, computes rollups and times every page."""

from __future__ import annotations

import json

from app.cli import main
from app.dashboards.routes import BOARDS
from app.extensions import db


def test_bench_dashboards_prints_p95_for_every_page(app, runner):
    url = db.engine.url.render_as_string(hide_password=False)
    db.session.remove()
    result = runner.invoke(
        main,
        [
            "bench",
            "dashboards",
            "--employers",
            "20",
            "--applications",
            "150",
            "--requests",
            "2",
            "--warmup",
            "0",
            "--database-url",
            url,
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.strip().splitlines()[-1])
    assert figures["database"] == db.engine.dialect.name
    assert figures["rows"]["applications"] == 150 and figures["rows"]["employers"] == 20
    pages = {"home", *BOARDS, *(f"{b}.json" for b in BOARDS)}
    assert set(figures["p95_ms"]) == {"province", "village"}
    for who in figures["p95_ms"].values():
        assert set(who) == pages and all(ms > 0 for ms in who.values())
    assert figures["max_p95_ms"] == max(
        ms for who in figures["p95_ms"].values() for ms in who.values()
    )
