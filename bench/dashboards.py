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
from typing import Any, NamedTuple

import click
import sqlalchemy as sa

from .instance import throwaway_postgres
from .stats import percentile

PROVINCE, ORIGIN = "42", "52"
PASSWORD = "bench-password"
WEEKS = 10
STAGES = ["new", "screening", "interview", "offer", "hired", "rejected"]
STAGE_WEIGHTS = [35, 20, 12, 6, 7, 20]
DAYS_30, DAYS_90 = timedelta(days=30), timedelta(days=90)


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


TABLES = (
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
"""The models whose tables the benchmark fills."""


class Places(NamedTuple):
    """Region codes the other table groups place rows in."""

    villages: list[str]
    counties: list[str]
    origins: list[str]


class Fill:
    """What the table groups share: where rows go, the clock, one random stream (the groups
    draw from it in a fixed order, so a seed gives the same rows) and the counts so far."""

    def __init__(self, connection: sa.Connection, seed: int) -> None:
        from app import models

        self.connection = connection
        self.loader = Loader(connection)
        self.tables = {name: getattr(models, name).__table__ for name in TABLES}
        self.rng = random.Random(seed)
        self.now = datetime.now().replace(microsecond=0)
        self.today = self.now.date()
        self.counts: dict[str, int] = {}

    def when(self, weeks: int = WEEKS) -> datetime:
        """A moment in the last ``weeks`` weeks."""
        return self.now - timedelta(seconds=self.rng.randint(0, weeks * 7 * 86400))

    def insert(
        self, model: str, columns: str, rows: Iterable[Sequence[Any]], counted: str = ""
    ) -> None:
        """Insert ``rows`` (tuples in the order of the space-separated ``columns``) into the
        model's table; ``counted`` names the figure the row count is reported under."""
        count = self.loader.insert(self.tables[model], columns.split(), rows)
        if counted:
            self.counts[counted] = count


def load_synthetic(
    connection: sa.Connection, n_employers: int, n_applications: int, seed: int = 1
) -> dict[str, Any]:
    """Fill the (empty) tables; returns the row counts and the two officials' emails."""
    n_jobs = max(1, 3 * n_employers)
    n_candidates = max(10, n_applications // 5)
    if -(-n_applications // n_candidates) > n_jobs:
        raise click.ClickException("too few jobs for that many applications per candidate")
    fill = Fill(connection, seed)
    if connection.scalar(sa.select(sa.func.count()).select_from(fill.tables["Employer"])):
        raise click.ClickException(
            "the database already has employers; the benchmark needs empty tables"
        )
    places = load_regions(fill, n_employers)
    employer_regions = load_employers(fill, n_employers, places)
    job_published = load_jobs(fill, n_jobs, employer_regions)
    officials = load_people(fill, n_candidates, places)
    load_applications(fill, n_applications, n_candidates, job_published)
    load_resumption_reports(fill, n_employers)
    load_cooperation_and_subsidies(fill, n_employers)
    fill.loader.reset_sequences(t for name, t in fill.tables.items() if name != "Region")
    return {"counts": fill.counts, "officials": officials}


def load_regions(fill: Fill, n_employers: int) -> Places:
    """The region tree (rows the database does not have yet) and the codes the others use."""
    tree = region_tree(n_employers)
    existing = set(fill.connection.scalars(sa.select(fill.tables["Region"].c.code)))
    fill.insert(
        "Region",
        "code name level parent_code pinyin",
        (r + ("",) for r in tree if r[0] not in existing),
        counted="regions",
    )
    codes = [r[0] for r in tree]
    return Places(
        villages=[c for c in codes if len(c) == 12 and c.startswith(PROVINCE)],
        counties=[c for c in codes if len(c) == 6 and c.startswith(PROVINCE)],
        origins=[c for c in codes if len(c) == 6 and c.startswith(ORIGIN)],
    )


def load_employers(fill: Fill, n_employers: int, places: Places) -> list[str]:
    """Employers (nine in ten approved, with their review); returns each one's region."""
    rng = fill.rng
    industries = ["A", "C", "E", "F", "G", "H", "I", "K", "M", "P", "Q"]
    regions = [
        rng.choice(places.villages) if rng.random() < 0.9 else rng.choice(places.counties)
        for _ in range(n_employers)
    ]
    approved = [rng.random() < 0.9 for _ in range(n_employers)]
    submitted = [fill.when() for _ in range(n_employers)]
    fill.insert(
        "Employer",
        "id name credit_code industry size region_code address description "
        "verification_state submitted_at verified_at created_at",
        (
            (
                i + 1,
                f"基准企业{i + 1}",
                f"B{i + 1:017d}",
                rng.choice(industries),
                rng.choices(["micro", "small", "medium", "large"], weights=[30, 40, 22, 8])[0],
                regions[i],
                "",
                "",
                "approved" if approved[i] else "submitted",
                submitted[i],
                submitted[i] + timedelta(hours=rng.randint(1, 96)) if approved[i] else None,
                submitted[i],
            )
            for i in range(n_employers)
        ),
        counted="employers",
    )
    fill.insert(
        "VerificationReview",
        "employer_id decision reasons fast_track created_at",
        (
            (i + 1, "approved", "", False, submitted[i] + timedelta(hours=rng.randint(1, 96)))
            for i in range(n_employers)
            if approved[i]
        ),
        counted="verification_reviews",
    )
    return regions


def load_jobs(fill: Fill, n_jobs: int, employer_regions: list[str]) -> list[datetime]:
    """Published jobs of random employers, in the employer's region; returns when each was
    published."""
    employer = [fill.rng.randrange(len(employer_regions)) for _ in range(n_jobs)]
    published = [fill.when() for _ in range(n_jobs)]
    fill.insert(
        "Job",
        "id employer_id title description category skills salary_min salary_max salary_period "
        "employment_type headcount region_code remote status screening_questions "
        "min_experience_years education_level published_at created_at updated_at",
        (
            (
                j + 1,
                employer[j] + 1,
                "基准职位",
                "",
                "",
                [],
                4000,
                8000,
                "month",
                "full_time",
                1,
                employer_regions[employer[j]],
                False,
                "published",
                [],
                0,
                "",
                published[j],
                published[j],
                published[j],
            )
            for j in range(n_jobs)
        ),
        counted="jobs",
    )
    return published


def load_people(fill: Fill, n_candidates: int, places: Places) -> dict[str, str]:
    """Job seekers (one in five from the origin province) and the two officials who log in;
    returns the officials' emails by level."""
    from app.security import hash_password

    rng, now = fill.rng, fill.now
    officials = {
        "province": ("province@bench.example.com", PROVINCE),
        "village": ("village@bench.example.com", places.villages[0]),
    }
    seekers = [
        (
            n + 1,
            f"seeker{n + 1}@bench.example.com",
            "!",
            f"求职者{n + 1}",
            "seeker",
            rng.choice(places.origins) if rng.random() < 0.2 else rng.choice(places.villages),
        )
        for n in range(n_candidates)
    ]
    password = hash_password(PASSWORD)
    staff = [
        (n_candidates + k + 1, email, password, email, "official", region)
        for k, (email, region) in enumerate(officials.values())
    ]
    from app.privacy.notice import NOTICE_VERSION

    fill.insert(
        "User",
        "id email password_hash name role region_code timezone active created_at"
        " privacy_notice_version",  # accepted, or every page sends them to the notice first
        (row + ("Asia/Shanghai", True, now, NOTICE_VERSION) for row in seekers + staff),
        counted="users",
    )
    return {level: email for level, (email, _) in officials.items()}


def load_applications(
    fill: Fill, n_applications: int, n_candidates: int, job_published: list[datetime]
) -> None:
    """Applications spread evenly over the candidates, at every stage, and an interview for
    each one that got that far."""
    rng, n_jobs = fill.rng, len(job_published)
    stride = 104_729 if n_jobs % 104_729 else 1
    interviews: list[tuple[int, str, datetime]] = []

    def applications():
        for i in range(n_applications):
            candidate, k = i % n_candidates, i // n_candidates
            job = (candidate * 7_919 + k * stride) % n_jobs
            created = max(job_published[job], fill.when())
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

    fill.insert(
        "Application",
        "id job_id candidate_id stage source answers match_reasons first_response_at "
        "created_at updated_at",
        applications(),
        counted="applications",
    )
    fill.insert(
        "Interview",
        "application_id status duration_minutes timezone created_at",
        ((a, s, 30, "Asia/Shanghai", at) for a, s, at in interviews),
        counted="interviews",
    )


def load_resumption_reports(fill: Fill, n_employers: int) -> None:
    """Four weekly reports per employer: back at work since a random day in the last 60."""
    rng, today = fill.rng, fill.today

    def reports():
        for i in range(n_employers):
            total = rng.randint(5, 500)
            resumed_on = today - timedelta(days=rng.randint(0, 60))
            for weeks_ago in range(4):
                day = today - timedelta(weeks=weeks_ago)
                resumed = day >= resumed_on
                back = rng.randint(0, total) if resumed else 0
                yield (
                    i + 1,
                    day,
                    resumed,
                    resumed_on if resumed else None,
                    back,
                    total,
                    "",
                    fill.now,
                )

    fill.insert(
        "ResumptionReport",
        "employer_id report_date resumed resumed_on workers_back workers_total obstacles "
        "created_at",
        reports(),
        counted="resumption_reports",
    )


def load_cooperation_and_subsidies(fill: Fill, n_employers: int) -> None:
    """A labour-cooperation agreement from the origin province, one subsidy policy and a
    claim by every 50th employer."""
    today, now = fill.today, fill.now
    fill.insert(
        "CooperationAgreement",
        "origin_code destination_code sectors workers_target starts_on ends_on status created_at",
        [(ORIGIN, PROVINCE, [], 10_000, today - DAYS_90, today + DAYS_90, "active", now)],
    )
    fill.insert(
        "SubsidyPolicy",
        "id name rule amount per_employer_cap budget committed_amount starts_on ends_on "
        "region_code resumed_by created_at",
        [
            (
                1,
                "基准补贴",
                "small_resumed_by",
                5000,
                5000,
                10**9,
                0,
                today - DAYS_30,
                today + DAYS_30,
                PROVINCE,
                today,
                now,
            )
        ],
    )
    fill.insert(
        "SubsidyClaim",
        "policy_id employer_id amount basis status created_at",
        (
            (1, i + 1, 5000, 1, fill.rng.choice(["claimed", "approved", "paid"]), now)
            for i in range(0, n_employers, 50)
        ),
        counted="subsidy_claims",
    )


def measure(app, email: str, requests: int, warmup: int) -> dict[str, float]:
    """p95 ms of the official's home, every board page and every board's JSON."""
    from app.dashboards.routes import BOARDS

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
        out[name] = round(percentile(timings, 95), 1)
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
    from app.dashboards.rollups import recompute
    from app.extensions import db
    from app.redis_store import shutdown_embedded

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
            shutdown_embedded(app)  # its Redis, which the commits' change marks started
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
        with throwaway_postgres() as url:
            result = run(url, employers, applications, n_requests, warmup)
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
