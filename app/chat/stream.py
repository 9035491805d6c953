"""The stream process: `GET /api/v1/events` for many clients at once, on asyncio.

A web process gives each request a thread (gunicorn gthread, 8 a process), so it cannot
hold a thousand open streams; this process holds them on one event loop (aiohttp, as the
media server). It authenticates a client through the Flask app in a worker thread (a bearer
token, or the session cookie of a page: cookies are not port-scoped, so a page on :5000
reaches this port with its cookie, CORS allowing credentials from the same host), when it
connects and again before each event it sends (events.identify),
replays what the client missed (`Last-Event-ID` or `?after=`), then writes the events of
the one Redis channel (app.chat.events) addressed to it. Several processes can listen on one
port (SO_REUSEPORT); each receives every event and keeps only its own clients'.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from urllib.parse import urlsplit

import redis.asyncio as aioredis
from aiohttp import web
from flask import Flask

from app.chat import events

log = logging.getLogger(__name__)

QUEUE_LIMIT = 256
"""Events waiting for one slow client; past this it is dropped and reconnects later."""
KEEP_ALIVE = (0, b": keep-alive\n\n")


class Client:
    __slots__ = ("audience", "checked", "headers", "queue")

    def __init__(self, audience: events.Audience, headers: dict, now: float) -> None:
        self.audience = audience
        self.headers = headers  # to ask again whether the caller may still read
        self.checked = now
        self.queue: asyncio.Queue[tuple[int, bytes] | None] = asyncio.Queue(QUEUE_LIMIT)


class StreamServer:
    def __init__(self, flask_app: Flask, redis_url: str) -> None:
        self.flask_app = flask_app
        self.redis_url = redis_url
        self.candidates: dict[int, set[Client]] = defaultdict(set)
        self.employers: dict[int, set[Client]] = defaultdict(set)
        self.listener: asyncio.Task | None = None

    # Clients -------------------------------------------------------------------------

    def add(self, client: Client) -> None:
        audience = client.audience
        if audience.employer_id is not None:
            self.employers[audience.employer_id].add(client)
        else:
            self.candidates[audience.user_id].add(client)

    def remove(self, client: Client) -> None:
        audience = client.audience
        table, key = (
            (self.employers, audience.employer_id)
            if audience.employer_id is not None
            else (self.candidates, audience.user_id)
        )
        clients = table.get(key)
        if clients is not None:
            clients.discard(client)
            if not clients:
                del table[key]

    @property
    def client_count(self) -> int:
        return sum(map(len, self.candidates.values())) + sum(map(len, self.employers.values()))

    def dispatch(self, envelope: dict) -> None:
        targets = list(self.candidates.get(envelope.get("candidate"), ())) + list(
            self.employers.get(envelope.get("employer"), ())
        )
        if not targets:
            return
        message_id = envelope["data"].get("id", 0) if envelope["event"] == "message" else 0
        line = events.format_envelope(envelope).encode()
        for client in targets:
            try:
                client.queue.put_nowait((message_id, line))
            except asyncio.QueueFull:
                self.remove(client)
                with contextlib.suppress(asyncio.QueueFull):
                    client.queue.get_nowait()
                    client.queue.put_nowait(None)  # tells its writer to end the stream

    # Redis -------------------------------------------------------------------------------

    async def listen(self) -> None:
        """Receive every event of the channel; reconnect after a second when Redis fails."""
        channel = events.channel(self.flask_app)
        while True:
            connection = aioredis.from_url(self.redis_url)
            try:
                pubsub = connection.pubsub(ignore_subscribe_messages=True)
                await pubsub.subscribe(channel)
                async for item in pubsub.listen():
                    if item.get("type") == "message":
                        self.dispatch(json.loads(item["data"]))
            except (aioredis.RedisError, OSError) as exc:
                log.warning("stream: Redis failed (%s); reconnecting", exc)
                await asyncio.sleep(1)
            finally:
                with contextlib.suppress(Exception):
                    await connection.aclose()

    # The Flask side, in a thread --------------------------------------------------------

    async def refused(self, client: Client, idle: bool) -> int | None:
        """The status refusing CLIENT's caller now (None: still allowed), asked through the
        Flask app; an IDLE stream (about to send a keep-alive) asks only once the last
        answer is events.RECHECK_S old."""
        loop = asyncio.get_running_loop()
        if idle and loop.time() - client.checked < events.RECHECK_S:
            return None
        client.checked = loop.time()
        return await loop.run_in_executor(
            None, events.refusal, self.flask_app, client.headers, client.audience
        )

    def replay(self, user_id: int, after: int) -> list[tuple[int, bytes]]:
        from app.extensions import db
        from app.models import User

        with self.flask_app.app_context():
            try:
                user = db.session.get(User, user_id)
                lines = events.backlog(user, after)
            finally:
                db.session.remove()
        return [(int(line.split("\n", 1)[0][4:]), line.encode()) for line in lines]

    # HTTP ----------------------------------------------------------------------------------

    def cors(self, request: web.Request) -> dict[str, str]:
        """Pages of the same host (any port) may read the stream with their cookie."""
        origin = request.headers.get("Origin")
        if not origin or urlsplit(origin).hostname != request.url.host:
            return {}
        return {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Credentials": "true",
            "Access-Control-Allow-Headers": "Authorization, Last-Event-ID",
            "Vary": "Origin",
        }

    async def preflight(self, request: web.Request) -> web.Response:
        return web.Response(status=204, headers=self.cors(request))

    async def stream(self, request: web.Request) -> web.StreamResponse:
        loop = asyncio.get_running_loop()
        headers = {k: v for k, v in request.headers.items() if k.lower() in events.AUTH_HEADERS}
        found = await loop.run_in_executor(
            None, events.identify, self.flask_app, headers, request.query_string
        )
        cors = self.cors(request)
        if isinstance(found, int):
            body = {
                "type": "about:blank",
                "status": found,
                "title": "Unauthorized" if found == 401 else "Forbidden",
            }
            extra = {"WWW-Authenticate": 'Bearer realm="yunpin"'} if found == 401 else {}
            return web.json_response(
                body,
                status=found,
                headers={**cors, **extra},
                content_type="application/problem+json",
            )
        client = Client(found, headers, loop.time())
        self.add(client)  # before the replay, so nothing committed meanwhile is lost
        response = web.StreamResponse(
            headers={
                **cors,
                "Content-Type": "text/event-stream; charset=utf-8",
                "Cache-Control": "no-cache",
                "X-Accel-Buffering": "no",
            }
        )
        try:
            await response.prepare(request)
            await response.write(b"retry: 1000\n\n")
            after = events.resume_point(request.query, request.headers)
            sent = 0
            if after is not None:
                for message_id, line in await loop.run_in_executor(
                    None, self.replay, found.user_id, after
                ):
                    await response.write(line)
                    sent = message_id
            while True:
                try:
                    item = await asyncio.wait_for(client.queue.get(), events.KEEP_ALIVE_S)
                except TimeoutError:
                    item = KEEP_ALIVE
                if item is None:
                    break
                message_id, line = item
                if message_id and message_id <= sent:
                    continue  # already in the replay
                status = await self.refused(client, idle=item is KEEP_ALIVE)
                if status is not None:
                    await response.write(events.ended(status).encode())
                    break
                await response.write(line)
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            self.remove(client)
        return response

    async def start(self, app: web.Application) -> None:
        self.listener = asyncio.create_task(self.listen())

    async def close_clients(self, app: web.Application) -> None:
        """On shutdown every stream ends at once (clients reconnect elsewhere)."""
        for table in (self.candidates, self.employers):
            for clients in list(table.values()):
                for client in list(clients):
                    with contextlib.suppress(asyncio.QueueFull):
                        client.queue.put_nowait(None)

    async def stop(self, app: web.Application) -> None:
        if self.listener is not None:
            self.listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.listener


def make_app(flask_app: Flask, redis_url: str) -> web.Application:
    server = StreamServer(flask_app, redis_url)
    app = web.Application()
    app.router.add_get("/api/v1/events", server.stream)
    app.router.add_route("OPTIONS", "/api/v1/events", server.preflight)
    app.on_startup.append(server.start)
    app.on_shutdown.append(server.close_clients)
    app.on_cleanup.append(server.stop)
    return app


def redis_url_of(flask_app: Flask) -> str:
    """REDIS_URL, or the embedded server's socket (`yunpin run` passes its URL anyway)."""
    if flask_app.config["REDIS_URL"]:
        return flask_app.config["REDIS_URL"]
    from app.redis_store import get_redis

    return f"unix://{get_redis(flask_app).socket_file}"


def serve(flask_app: Flask, host: str, port: int) -> None:
    """Run one stream process until SIGINT/SIGTERM; several may share PORT."""
    from video.eventloop import freeze_start_up_heap, new_event_loop

    loop = new_event_loop()
    asyncio.set_event_loop(loop)
    freeze_start_up_heap()
    web.run_app(
        make_app(flask_app, redis_url_of(flask_app)),
        host=host,
        port=port,
        reuse_port=True,
        print=None,
        access_log=None,
        loop=loop,
        shutdown_timeout=2,
    )
