"""``yunpin bench web``: the web server under a fixed rate of mixed page requests.

Open-loop load (requests leave on schedule whether or not earlier ones have answered, and
each latency is counted from the scheduled moment, so a stalled server cannot hide its queue)
over four pages a visitor opens: the home page, a job search, a job page and a signed-in
candidate's applications. Loopback only, bounded by --seconds. Without --url a fresh
`yunpin run` is started and measured once its demo backlog has drained.
"""

from __future__ import annotations

import asyncio
import re
import tempfile
import time
from pathlib import Path

import click

from .instance import loopback_only, separate_workers_option, start
from .stats import echo_figures, percentile

QUERIES = ["焊工", "会计", "司机", "仓库", "销售", "工程师", "厨师", "保洁", "电工", "客服"]
TIMEOUT = 10.0


@click.command("web")
@click.option("--rate", default=100.0, show_default=True, type=click.FloatRange(1, 2000))
@click.option("--seconds", default=30.0, show_default=True, type=click.FloatRange(1, 600))
@click.option("--url", default=None, help="A running server on this machine (default: start one).")
@click.option("--warmup", default=3.0, show_default=True, help="Seconds of load not counted.")
@separate_workers_option
@click.option("--json", "as_json", is_flag=True)
def web_command(
    rate: float,
    seconds: float,
    url: str | None,
    warmup: float,
    separate_workers: int,
    as_json: bool,
):
    """Mixed pages at RATE requests/s for SECONDS: latency percentiles and errors."""
    instance = None
    if url is None:
        folder = Path(tempfile.mkdtemp(prefix="yunpin-web-"))
        instance = start(folder, separate_workers=separate_workers)
        _wait_for_backlog(instance)
        url = instance.url
    try:
        figures = asyncio.run(measure(loopback_only(url), rate, seconds, warmup))
    finally:
        if instance is not None:
            instance.stop()
    echo_figures(figures, as_json)


def _wait_for_backlog(instance, limit: float = 300.0) -> None:
    from .freshness import Backlog

    app = instance.app()
    with app.app_context():
        backlog = Backlog(app)
        deadline = time.monotonic() + limit
        while not backlog.check() and time.monotonic() < deadline:
            time.sleep(0.5)


async def measure(base: str, rate: float, seconds: float, warmup: float) -> dict:
    import aiohttp

    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=TIMEOUT)
    async with (
        aiohttp.ClientSession(
            connector=connector, timeout=timeout, cookie_jar=aiohttp.DummyCookieJar()
        ) as visitor,
        # unsafe: keep cookies of an IP-address host such as 127.0.0.1
        aiohttp.ClientSession(
            timeout=timeout, cookie_jar=aiohttp.CookieJar(unsafe=True)
        ) as candidate,
    ):
        job_ids = await _job_ids(visitor, base)
        await _sign_in(candidate, base)
        pages = [
            (visitor, lambda n: "/"),
            (visitor, lambda n: f"/jobs/?q={QUERIES[n % len(QUERIES)]}"),
            (visitor, lambda n: f"/jobs/{job_ids[n % len(job_ids)]}"),
            (candidate, lambda n: "/applications"),
        ]
        latencies: list[float] = []
        errors = 0
        counted = 0

        async def one(n: int, due: float, count: bool) -> None:
            nonlocal errors, counted
            session, path = pages[n % len(pages)]
            try:
                async with session.get(base + path(n // len(pages)), allow_redirects=False) as r:
                    await r.read()
                    ok = r.status == 200
            except (TimeoutError, aiohttp.ClientError):
                ok = False
            if count:
                counted += 1
                latencies.append((time.monotonic() - due) * 1000)
                errors += not ok

        total = int(rate * (seconds + warmup))
        started = time.monotonic() + 0.1
        tasks = []
        for n in range(total):
            due = started + n / rate
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(n, due, n >= rate * warmup)))
        await asyncio.gather(*tasks)
        finished = time.monotonic()
    measured_from = started + warmup
    return {
        "rate": rate,
        "achieved_rps": round(counted / (finished - measured_from), 1),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "errors": errors,
    }


async def _job_ids(session, base: str) -> list[int]:
    async with session.get(base + "/jobs/") as response:
        page = await response.text()
    ids = sorted({int(i) for i in re.findall(r'href="/jobs/(\d+)"', page)})
    if not ids:
        raise click.ClickException(f"{base}/jobs/ lists no jobs: is the demo loaded?")
    return ids


async def _sign_in(session, base: str) -> None:
    async with session.get(base + "/auth/login") as response:
        page = await response.text()
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    form = {"csrf_token": token, "email": "seeker@yunpin.demo", "password": "demo1234"}
    async with session.post(base + "/auth/login", data=form, allow_redirects=False) as response:
        if response.status != 302:
            raise click.ClickException("the demo candidate could not sign in")
