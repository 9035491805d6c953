"""``yunpin regions load`` and the vendored files."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa

from app.cli import main
from app.extensions import db
from app.models.regions import Region

from .conftest import make_app

ROOT = Path(__file__).resolve().parents[3]


def test_cli_load_only_under(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/cli.db", str(tmp_path))
    runner = app.test_cli_runner()
    result = runner.invoke(main, ["regions", "load", "--only-under", "420102"])
    assert result.exit_code == 0, result.output
    assert "villages" in result.output and "141" in result.output
    again = runner.invoke(main, ["regions", "load", "--only-under", "420102"])
    assert again.exit_code == 0
    with app.app_context():
        assert (
            db.session.scalar(sa.select(sa.func.count()).select_from(Region))
            == 31 + 342 + 2978 + 17 + 141
        )
    bad = runner.invoke(main, ["regions", "load", "--only-under", "4x"])
    assert bad.exit_code != 0 and "not a division code" in bad.output


def test_vendored_files_are_present_and_small():
    assert (ROOT / "app/static/vendor/echarts/echarts.min.js").stat().st_size > 500_000
    maps = ROOT / "app/static/vendor/maps"
    index = json.loads((maps / "index.json").read_text(encoding="utf-8"))
    assert {"00", "11", "42", "65"} <= set(index)
    total = sum(p.stat().st_size for p in maps.iterdir())
    assert total < 15_000_000
    hubei = json.loads((maps / "42.json").read_text(encoding="utf-8"))
    codes = {f["properties"].get("code") for f in hubei["features"]}
    assert {"4201", "429004"} <= codes
    for level in ("provinces", "cities", "areas", "streets", "villages"):
        assert (ROOT / f"app/data/regions/{level}.csv.gz").exists()
