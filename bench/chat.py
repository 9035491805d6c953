"""``yunpin bench chat``: many open event streams, messages delivered from a POST to the
other side's stream.

A fresh ``yunpin run`` (its web server, workers and event-stream processes) on loopback;
CLIENTS/2 conversations, each between a candidate and a company of its own, every side
holding one `GET /api/v1/events` stream on the stream port with its bearer token. Then
MESSAGES are POSTed to `/api/v1/conversations/{id}/messages` on the web port at --rate,
alternating sides and conversations; delivery is the time from sending the POST to the
message arriving on the other side's stream. Errors: streams that failed or closed, POSTs
not answered 201, and messages not delivered within --deadline seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import tempfile
import time
from datetime import datetime
from pathlib import Path

import click

from .instance import free_port, start
from .stats import echo_figures, percentile, rss_mb
from .web import _wait_for_backlog


def _pairs_of_clients(_ctx, _param, value: int) -> int:
    if value % 2:
        raise click.BadParameter(
            "clients come in pairs (a candidate and an employer): give an even number"
        )
    return value


@click.command("chat")
@click.option(
    "--clients",
    default=1000,
    show_default=True,
    type=click.IntRange(2, 20000),
    callback=_pairs_of_clients,
)
@click.option("--messages", default=2000, show_default=True, type=click.IntRange(1, 1_000_000))
@click.option(
    "--rate",
    default=50.0,
    show_default=True,
    type=click.FloatRange(1, 2000),
    help="Messages POSTed per second.",
)
@click.option("--deadline", default=10.0, show_default=True, help="Seconds a message may take.")
@click.option("--json", "as_json", is_flag=True)
def chat_command(clients: int, messages: int, rate: float, deadline: float, as_json: bool):
    """CLIENTS open streams; MESSAGES sent: delivery p50/p95, stream server memory, errors."""
    folder = Path(tempfile.mkdtemp(prefix="yunpin-chat-"))
    import os

    os.environ["CHAT_STREAM_PORT"] = str(free_port())
    instance = start(folder)
    try:
        _wait_for_backlog(instance)  # the demo's indexing and embeddings hold the workers
        app = instance.app()
        pairs = seed(app, clients // 2)
        _wait_for_backlog(instance)  # the seeded jobs' indexing and embeddings too
        stream_url = f"http://127.0.0.1:{os.environ['CHAT_STREAM_PORT']}/api/v1/events"
        figures = asyncio.run(measure(instance.url, stream_url, pairs, messages, rate, deadline))
        figures["server_rss_mb"] = round(stream_rss(instance.process.pid), 1)
    finally:
        instance.stop()
    ordered = (
        "clients",
        "messages",
        "delivery_p50_ms",
        "delivery_p95_ms",
        "server_rss_mb",
        "errors",
    )
    echo_figures({key: figures[key] for key in ordered}, as_json)


def seed(app, count: int) -> list[dict]:
    """COUNT conversations, each a candidate and a verified company with one job; the
    tokens of both sides."""
    from sqlalchemy import insert, select

    from app.accounts.service import create_api_token
    from app.extensions import db
    from app.models import (
        CompanySize,
        Conversation,
        Employer,
        EmployerMember,
        EmploymentType,
        Industry,
        Job,
        JobStatus,
        MemberRole,
        Role,
        Side,
        User,
        VerificationState,
        utcnow,
    )

    stamp = int(time.time())
    with app.app_context():
        region = db.session.scalar(select(Employer.region_code).limit(1))
        pairs = []
        for n in range(count):
            candidate = User(
                email=f"bench-c{stamp}-{n}@bench.local",
                name=f"候选人{n}",
                password_hash="x",
                role=Role.SEEKER,
            )
            member = User(
                email=f"bench-e{stamp}-{n}@bench.local",
                name=f"招聘者{n}",
                password_hash="x",
                role=Role.EMPLOYER,
            )
            employer = Employer(
                name=f"压测公司{n}",
                credit_code=f"B{stamp % 10**8:08d}{n:09d}",
                industry=Industry.IT_SOFTWARE,
                size=CompanySize.SMALL,
                region_code=region,
                verification_state=VerificationState.APPROVED,
            )
            db.session.add_all([candidate, member, employer])
            db.session.flush()
            db.session.add(
                EmployerMember(employer_id=employer.id, user_id=member.id, role=MemberRole.OWNER)
            )
            job = Job(
                employer_id=employer.id,
                title="压测岗位",
                salary_min=5000,
                salary_max=8000,
                employment_type=EmploymentType.FULL_TIME,
                region_code=region,
                status=JobStatus.PUBLISHED,
                published_at=utcnow(),
            )
            db.session.add(job)
            db.session.flush()
            pairs.append(
                {"job": job.id, "candidate": candidate, "member": member, "employer": employer.id}
            )
        db.session.execute(
            insert(Conversation),
            [
                {
                    "job_id": p["job"],
                    "candidate_id": p["candidate"].id,
                    "employer_id": p["employer"],
                    "started_by": Side.CANDIDATE,
                    "last_message_at": utcnow(),
                }
                for p in pairs
            ],
        )
        ids = dict(
            db.session.execute(
                select(Conversation.job_id, Conversation.id).where(
                    Conversation.job_id.in_([p["job"] for p in pairs])
                )
            ).all()
        )
        result = [
            {
                "conversation": ids[p["job"]],
                "candidate": create_api_token(p["candidate"], "bench"),
                "employer": create_api_token(p["member"], "bench"),
            }
            for p in pairs
        ]
        db.session.commit()
        db.session.remove()
    return result


def stream_rss(supervisor_pid: int) -> float:
    """Resident memory of the event-stream processes (`yunpin chat serve`) of the run."""
    import psutil

    total = 0.0
    for child in psutil.Process(supervisor_pid).children(recursive=True):
        try:
            if "chat" in child.cmdline() and "serve" in child.cmdline():
                total += rss_mb(child.pid)
        except psutil.NoSuchProcess:
            continue
    return total


async def measure(
    base: str, stream_url: str, pairs: list[dict], messages: int, rate: float, deadline: float
) -> dict:
    import aiohttp

    sent_at: dict[str, float] = {}
    post_ms: list[float] = []
    stored_ms: list[float] = []  # from the row's created_at (in the POST) to the stream
    delivered: dict[str, float] = {}
    errors = 0
    connected = 0
    all_connected = asyncio.Event()
    streams = len(pairs) * 2

    async def listen(session, token: str) -> None:
        nonlocal errors, connected
        headers = {"Authorization": f"Bearer {token}"}
        try:
            async with session.get(stream_url, headers=headers) as response:
                if response.status != 200:
                    errors += 1
                    return
                counted = False
                event = None
                async for raw in response.content:
                    line = raw.decode().rstrip("\n")
                    if not counted:
                        counted = True
                        connected += 1
                        if connected == streams:
                            all_connected.set()
                    if line.startswith("event: "):
                        event = line[7:]
                    elif line.startswith("data: ") and event == "message":
                        message = json.loads(line[6:])
                        nonce = message["text"]
                        arrived = time.monotonic()
                        # the sender's own stream gets it too: only the other side counts
                        if nonce.endswith(token[-6:]):
                            continue
                        if nonce not in delivered:
                            delivered[nonce] = arrived
                            created = datetime.fromisoformat(message["created_at"].rstrip("Z"))
                            stored_ms.append((datetime.utcnow() - created).total_seconds() * 1000)
        except (TimeoutError, aiohttp.ClientError):
            errors += 1

    timeout = aiohttp.ClientTimeout(total=None, sock_read=None, sock_connect=30)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        listeners = []
        for pair in pairs:
            for side in ("candidate", "employer"):
                listeners.append(asyncio.create_task(listen(session, pair[side])))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(all_connected.wait(), 120)
        errors += streams - connected

        post_errors = 0

        async def post(n: int) -> None:
            nonlocal post_errors
            pair = pairs[n % len(pairs)]
            side = "candidate" if (n // len(pairs)) % 2 == 0 else "employer"
            token = pair[side]
            # The text names the message and (its last characters) the sender.
            nonce = f"m{n} {token[-6:]}"
            sent_at[nonce] = time.monotonic()
            try:
                async with session.post(
                    f"{base}/api/v1/conversations/{pair['conversation']}/messages",
                    json={"text": nonce},
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=aiohttp.ClientTimeout(total=30),
                ) as response:
                    await response.read()
                    post_ms.append((time.monotonic() - sent_at[nonce]) * 1000)
                    if response.status != 201:
                        post_errors += 1
                        sent_at.pop(nonce, None)
            except (TimeoutError, aiohttp.ClientError):
                post_errors += 1
                sent_at.pop(nonce, None)

        started = time.monotonic()
        posts = []
        for n in range(messages):
            delay = started + n / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            posts.append(asyncio.create_task(post(n)))
        await asyncio.gather(*posts)
        finish = time.monotonic() + deadline
        while time.monotonic() < finish and len(delivered) < len(sent_at):
            await asyncio.sleep(0.05)
        for task in listeners:
            task.cancel()
        await asyncio.gather(*listeners, return_exceptions=True)

    latencies = [
        (delivered[nonce] - at) * 1000
        for nonce, at in sent_at.items()
        if nonce in delivered and delivered[nonce] - at <= deadline
    ]
    lost = len(sent_at) - len(latencies)
    if post_ms:  # where the time goes: the POST itself (web server, database) or the stream
        click.echo(
            f"POST p50 {percentile(post_ms, 50):.1f} ms, p95 {percentile(post_ms, 95):.1f} ms; "
            f"{post_errors} POSTs failed, {lost} messages not delivered in {deadline} s; "
            f"from the stored message to the stream p50 {percentile(stored_ms or [0], 50):.1f} ms, "
            f"p95 {percentile(stored_ms or [0], 95):.1f} ms",
            err=True,
        )
    return {
        "clients": connected,
        "messages": len(latencies),
        "delivery_p50_ms": round(percentile(latencies, 50), 1) if latencies else None,
        "delivery_p95_ms": round(percentile(latencies, 95), 1) if latencies else None,
        "errors": errors + post_errors + lost,
    }
