"""`yunpin bench dashboards`: how fast the officials' dashboards answer on a large region.

It fills an empty database (a throwaway PostgreSQL from pgserver by default) with synthetic
employers, jobs, candidates, applications, interviews, resumption reports and reviews spread
over a province's tree down to villages, computes the rollups, then times every dashboard
page and its JSON with the Flask test client, for a province official and a village
official, and prints p95 milliseconds. Rows go in by COPY on PostgreSQL (executemany
elsewhere) because a million ORM objects would take longer than the measurement itself.
"""

from __future__ import annotations

import io
import json
import random
import tempfile
import time
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

import click
import sqlalchemy as sa

PROVINCE, ORIGIN = "42", "52"
PASSWORD = "bench-password"
WEEKS = 10
STAGES = ["new", "screening", "interview", "offer", "hired", "rejected"]
STAGE_WEIGHTS = [35, 20, 12, 6, 7, 20]


def region_tree(employers: int) -> list[tuple[str, str, int, str | None]]:
    """A province down to villages (fan-out grows with the data) plus an origin province."""
    fan = 10 if employers >= 10_000 else 3 if employers >= 100 else 2
    rows = [
        (PROVINCE, "湖北省", 1, None),
        (ORIGIN, "贵州省", 1, None),
        (ORIGIN + "03", "遵义市", 2, ORIGIN),
    ]
    rows += [(f"{ORIGIN}03{c:02d}", f"遵义县{c}", 3, f"{ORIGIN}03") for c in range(1, 6)]
    for a in range(1, fan + 1):
        city = f"{PROVINCE}{a:02d}"
        rows.append((city, f"市{a}", 2, PROVINCE))
        for b in range(1, fan + 1):
            county = f"{city}{b:02d}"
            rows.append((county, f"市{a}区{b}", 3, city))
            for c in range(1, max(2, fan - 2) + 1):
                town = f"{county}{c:03d}"
                rows.append((town, f"市{a}区{b}街道{c}", 4, county))
                rows += [
                    (f"{town}{d:03d}", f"市{a}区{b}街道{c}社区{d}", 5, town)
                    for d in range(1, fan + 1)
                ]
    return rows


class Loader:
    """Bulk inserts of plain tuples: COPY on PostgreSQL, executemany otherwise."""

    def __init__(self, connection: sa.Connection):
        self.connection = connection
        self.postgres = connection.dialect.name == "postgresql"

    def insert(self, table: sa.Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        count = 0
        if self.postgres:
            cursor = self.connection.connection.driver_connection.cursor()
            json_at = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, sa.JSON)]
            with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    if json_at:
                        row = list(row)
                        for i in json_at:
                            row[i] = json.dumps(row[i])
                    copy.write_row(row)
                    count += 1
            return count
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(dict(zip(columns, row, strict=True)))
            if len(batch) == 10_000:
                self.connection.execute(table.insert(), batch)
                count, batch = count + len(batch), []
        if batch:
            self.connection.execute(table.insert(), batch)
            count += len(batch)
        return count

    def reset_sequences(self, tables: Iterable[sa.Table]) -> None:
        """Explicit ids skip the sequences; move them past the rows so later inserts work."""
        if not self.postgres:
            return
        for table in tables:
            self.connection.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table.name}), false)"
                )
            )


def load_synthetic(
    connection: sa.Connection, n_employers: int, n_applications: int, seed: int = 1
) -> dict[str, Any]:
    """Fill the (empty) tables; returns the row counts and the two officials' emails."""
    from app import models
    from app.security import hash_password

    rng = random.Random(seed)
    t = {
        name: getattr(models, name).__table__
        for name in (
            "Application",
            "CooperationAgreement",
            "Employer",
            "Interview",
            "Job",
            "Region",
            "ResumptionReport",
            "SubsidyClaim",
            "SubsidyPolicy",
            "User",
            "VerificationReview",
        )
    }
    if connection.scalar(sa.select(sa.func.count()).select_from(t["Employer"])):
        raise click.ClickException(
            "the database already has employers; the benchmark needs empty tables"
        )
    loader = Loader(connection)
    now = datetime.now().replace(microsecond=0)
    today = now.date()
    counts: dict[str, int] = {}

    existing = set(connection.scalars(sa.select(t["Region"].c.code)))
    tree = [r for r in region_tree(n_employers) if r[0] not in existing]
    counts["regions"] = loader.insert(
        t["Region"], ["code", "name", "level", "parent_code", "pinyin"], (r + ("",) for r in tree)
    )
    codes = [r[0] for r in region_tree(n_employers)]
    villages = [c for c in codes if len(c) == 12 and c.startswith(PROVINCE)]
    counties = [c for c in codes if len(c) == 6 and c.startswith(PROVINCE)]
    origins = [c for c in codes if len(c) == 6 and c.startswith(ORIGIN)]

    def when(weeks: int = WEEKS) -> datetime:
        return now - timedelta(seconds=rng.randint(0, weeks * 7 * 86400))

    industries = ["A", "C", "E", "F", "G", "H", "I", "K", "M", "P", "Q"]
    employer_regions = [
        rng.choice(villages) if rng.random() < 0.9 else rng.choice(counties)
        for _ in range(n_employers)
    ]
    approved = [rng.random() < 0.9 for _ in range(n_employers)]
    submitted = [when() for _ in range(n_employers)]
    counts["employers"] = loader.insert(
        t["Employer"],
        [
            "id",
            "name",
            "credit_code",
            "industry",
            "size",
            "region_code",
            "address",
            "description",
            "verification_state",
            "submitted_at",
            "verified_at",
            "created_at",
        ],
        (
            (
                i + 1,
                f"基准企业{i + 1}",
                f"B{i + 1:017d}",
                rng.choice(industries),
                rng.choices(["micro", "small", "medium", "large"], weights=[30, 40, 22, 8])[0],
                employer_regions[i],
                "",
                "",
                "approved" if approved[i] else "submitted",
                submitted[i],
                submitted[i] + timedelta(hours=rng.randint(1, 96)) if approved[i] else None,
                submitted[i],
            )
            for i in range(n_employers)
        ),
    )
    counts["verification_reviews"] = loader.insert(
        t["VerificationReview"],
        ["employer_id", "decision", "reasons", "fast_track", "created_at"],
        (
            (i + 1, "approved", "", False, submitted[i] + timedelta(hours=rng.randint(1, 96)))
            for i in range(n_employers)
            if approved[i]
        ),
    )
    n_jobs = max(1, 3 * n_employers)
    job_employer = [rng.randrange(n_employers) for _ in range(n_jobs)]
    job_published = [when() for _ in range(n_jobs)]
    counts["jobs"] = loader.insert(
        t["Job"],
        [
            "id",
            "employer_id",
            "title",
            "description",
            "category",
            "skills",
            "salary_min",
            "salary_max",
            "salary_period",
            "employment_type",
            "headcount",
            "region_code",
            "remote",
            "status",
            "screening_questions",
            "min_experience_years",
            "education_level",
            "published_at",
            "created_at",
            "updated_at",
        ],
        (
            (
                j + 1,
                job_employer[j] + 1,
                "基准职位",
                "",
                "",
                [],
                4000,
                8000,
                "month",
                "full_time",
                1,
                employer_regions[job_employer[j]],
                False,
                "published",
                [],
                0,
                "",
                job_published[j],
                job_published[j],
                job_published[j],
            )
            for j in range(n_jobs)
        ),
    )
    n_candidates = max(10, n_applications // 5)
    password = hash_password(PASSWORD)
    officials = {
        "province": ("province@bench.example.com", PROVINCE),
        "village": ("village@bench.example.com", villages[0]),
    }
    counts["users"] = loader.insert(
        t["User"],
        [
            "id",
            "email",
            "password_hash",
            "name",
            "role",
            "region_code",
            "timezone",
            "active",
            "created_at",
        ],
        [
            (
                n + 1,
                f"seeker{n + 1}@bench.example.com",
                "!",
                f"求职者{n + 1}",
                "seeker",
                rng.choice(origins) if rng.random() < 0.2 else rng.choice(villages),
                "Asia/Shanghai",
                True,
                now,
            )
            for n in range(n_candidates)
        ]
        + [
            (
                n_candidates + k + 1,
                email,
                password,
                email,
                "official",
                region,
                "Asia/Shanghai",
                True,
                now,
            )
            for k, (email, region) in enumerate(officials.values())
        ],
    )
    per_candidate = -(-n_applications // n_candidates)
    if per_candidate > n_jobs:
        raise click.ClickException("too few jobs for that many applications per candidate")
    stride = 104_729 if n_jobs % 104_729 else 1
    interviews: list[tuple[int, str, datetime]] = []

    def applications():
        for i in range(n_applications):
            candidate, k = i % n_candidates, i // n_candidates
            job = (candidate * 7_919 + k * stride) % n_jobs
            created = max(job_published[job], when())
            stage = rng.choices(STAGES, weights=STAGE_WEIGHTS)[0]
            responded = (
                created + timedelta(hours=rng.randint(1, 200))
                if stage != "new" or rng.random() < 0.3
                else None
            )
            if stage in ("interview", "offer", "hired"):
                interviews.append((i + 1, "completed", (responded or created) + timedelta(days=1)))
            yield (
                i + 1,
                job + 1,
                candidate + 1,
                stage,
                "apply",
                [],
                [],
                responded,
                created,
                created,
            )

    counts["applications"] = loader.insert(
        t["Application"],
        [
            "id",
            "job_id",
            "candidate_id",
            "stage",
            "source",
            "answers",
            "match_reasons",
            "first_response_at",
            "created_at",
            "updated_at",
        ],
        applications(),
    )
    counts["interviews"] = loader.insert(
        t["Interview"],
        ["application_id", "status", "duration_minutes", "timezone", "created_at"],
        ((a, s, 30, "Asia/Shanghai", at) for a, s, at in interviews),
    )

    def reports():
        for i in range(n_employers):
            total = rng.randint(5, 500)
            resumed_on = today - timedelta(days=rng.randint(0, 60))
            for weeks_ago in range(4):
                day = today - timedelta(weeks=weeks_ago)
                resumed = day >= resumed_on
                yield (
                    i + 1,
                    day,
                    resumed,
                    resumed_on if resumed else None,
                    rng.randint(0, total) if resumed else 0,
                    total,
                    "",
                    now,
                )

    counts["resumption_reports"] = loader.insert(
        t["ResumptionReport"],
        [
            "employer_id",
            "report_date",
            "resumed",
            "resumed_on",
            "workers_back",
            "workers_total",
            "obstacles",
            "created_at",
        ],
        reports(),
    )
    loader.insert(
        t["CooperationAgreement"],
        [
            "origin_code",
            "destination_code",
            "sectors",
            "workers_target",
            "starts_on",
            "ends_on",
            "status",
            "created_at",
        ],
        [
            (
                ORIGIN,
                PROVINCE,
                [],
                10_000,
                today - timedelta(days=90),
                today + timedelta(days=90),
                "active",
                now,
            )
        ],
    )
    loader.insert(
        t["SubsidyPolicy"],
        [
            "id",
            "name",
            "rule",
            "amount",
            "per_employer_cap",
            "budget",
            "committed_amount",
            "starts_on",
            "ends_on",
            "region_code",
            "resumed_by",
            "created_at",
        ],
        [
            (
                1,
                "基准补贴",
                "small_resumed_by",
                5000,
                5000,
                10**9,
                0,
                today - timedelta(days=30),
                today + timedelta(days=30),
                PROVINCE,
                today,
                now,
            )
        ],
    )
    counts["subsidy_claims"] = loader.insert(
        t["SubsidyClaim"],
        ["policy_id", "employer_id", "amount", "basis", "status", "created_at"],
        (
            (1, i + 1, 5000, 1, rng.choice(["claimed", "approved", "paid"]), now)
            for i in range(0, n_employers, 50)
        ),
    )
    loader.reset_sequences(table for name, table in t.items() if name != "Region")
    return {"counts": counts, "officials": {k: v[0] for k, v in officials.items()}}


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(round(0.95 * len(ordered))) - 1)], 1)


def measure(app, email: str, requests: int, warmup: int) -> dict[str, float]:
    """p95 ms of the official's home, every board page and every board's JSON."""
    from app.officials.routes import BOARDS

    client = app.test_client()
    response = client.post("/auth/login", data={"email": email, "password": PASSWORD})
    if response.status_code != 302:
        raise click.ClickException(f"could not log in as {email} ({response.status_code})")
    urls = {"home": "/officials/"}
    for board in BOARDS:
        urls[board] = f"/officials/dashboards/{board}"
        urls[f"{board}.json"] = f"/officials/dashboards/{board}.json"
    out = {}
    for name, url in urls.items():
        timings = []
        for n in range(warmup + requests):
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise click.ClickException(f"{url} answered {response.status_code} for {email}")
            if n >= warmup:
                timings.append(elapsed)
        out[name] = p95(timings)
    return out


def vacuum(engine: sa.Engine, table: str = "") -> None:
    """VACUUM ANALYZE after the bulk load, as autovacuum would long before an official looks.

    Without it, autovacuum wakes up on the millions of fresh rows while the pages are being
    timed, competing for the cores, and index-only scans still visit the heap.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                sa.text(f"VACUUM ANALYZE {table}")
            )


def run(
    database_url: str, employers: int, applications: int, requests: int, warmup: int
) -> dict[str, Any]:
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.officials.rollups import recompute

    with tempfile.TemporaryDirectory() as instance:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": database_url,
                "INSTANCE_PATH": instance,
                "SECRET_KEY": "bench",
                "RATELIMIT_ENABLED": False,
                "RQ_EMBEDDED_WORKER": False,
                "WTF_CSRF_ENABLED": False,
                "TESTING": True,
            }
        )
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            with db.engine.begin() as connection:
                loaded = load_synthetic(connection, employers, applications)
            load_seconds = time.perf_counter() - started
            vacuum(db.engine)
            started = time.perf_counter()
            recompute(db.session)
            db.session.commit()
            rollup_seconds = time.perf_counter() - started
            vacuum(db.engine, "rollup_counts")
            db.session.remove()
            p95_ms = {
                who: measure(app, email, requests, warmup)
                for who, email in loaded["officials"].items()
            }
            database = db.engine.dialect.name
            db.engine.dispose()
    return {
        "database": database,
        "employers": employers,
        "applications": applications,
        "requests": requests,
        "rows": loaded["counts"],
        "load_seconds": round(load_seconds, 1),
        "rollup_seconds": round(rollup_seconds, 1),
        "p95_ms": p95_ms,
        "max_p95_ms": max(v for who in p95_ms.values() for v in who.values()),
    }


@click.command("dashboards")
@click.option("--employers", default=100_000, show_default=True, type=click.IntRange(min=1))
@click.option("--applications", default=1_000_000, show_default=True, type=click.IntRange(min=1))
@click.option(
    "--database-url",
    default=None,
    help="An empty, migratable database (default: a fresh pgserver).",
)
@click.option(
    "--requests",
    "n_requests",
    default=20,
    show_default=True,
    type=click.IntRange(min=1),
    help="Timed requests per page and official, after the warm-up.",
)
@click.option("--warmup", default=2, show_default=True, type=click.IntRange(min=0))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
def dashboards_command(employers, applications, database_url, n_requests, warmup, as_json) -> None:
    """Load synthetic data, compute rollups and time every dashboard for two officials."""
    if database_url:
        result = run(database_url, employers, applications, n_requests, warmup)
    else:
        import pgserver

        with tempfile.TemporaryDirectory() as folder:
            server = pgserver.get_server(folder, cleanup_mode="stop")
            try:
                url = server.get_uri().replace("postgresql://", "postgresql+psycopg://", 1)
                result = run(url, employers, applications, n_requests, warmup)
            finally:
                server.cleanup()
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    out = io.StringIO()
    out.write(
        f"{result['database']}: {employers} employers, {applications} applications; "
        f"load {result['load_seconds']} s, rollups {result['rollup_seconds']} s\n"
    )
    pages = list(next(iter(result["p95_ms"].values())))
    out.write(f"{'page':<18}" + "".join(f"{who:>12}" for who in result["p95_ms"]) + "\n")
    for page in pages:
        out.write(
            f"{page:<18}"
            + "".join(f"{result['p95_ms'][who][page]:>12}" for who in result["p95_ms"])
            + "\n"
        )
    click.echo(out.getvalue().rstrip())
