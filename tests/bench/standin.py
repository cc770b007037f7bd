"""A loopback stand-in for Discord's REST API: enough of it for discord.py to send DMs and answer commands.

It listens on 127.0.0.1 and behaves as Discord does where the benchmarks need it to:

- the global limit: more than ``global_limit`` requests (50) in any one second are answered
  ``429`` with Discord's body (``retry_after``, ``global: true``) and headers (``Retry-After``,
  ``X-RateLimit-Global``, ``X-RateLimit-Scope: global``, ``Via``); every answer carries the
  per-route ``X-RateLimit-*`` headers, and a channel's message route allows 5 per 5 s;
- nonces: ``POST /channels/{id}/messages`` with ``nonce`` and ``enforce_nonce`` returns the
  message already created with that nonce in that channel within the window, not a new one;
- faults: an outage (every request answered 503 for N seconds) and create-then-500 (the
  message is created but the answer is a 500, as when Discord fails after writing);
- interaction callbacks are recorded with the instant they arrived (a command's first
  response) and, as on Discord, are not counted against the global limit.

No gateway: a bot logs in (``GET /users/@me``, the application) and runs its ``setup_hook``,
which is all the delivery engine needs. Point discord.py at it with :func:`point_discord_py_at`.
``python -m tests.bench.standin`` runs one and prints its address; ``/_standin/*`` reads and
steers it (stats, faults, reset).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

DISCORD_EPOCH_MS = 1_420_070_400_000
GLOBAL_LIMIT = 50
#: Discord answers a repeated nonce with the existing message for a few minutes.
NONCE_WINDOW_S = 300.0
BOT_ID = 4_000_000_000_000_000_01
APPLICATION_ID = BOT_ID
OWNER_ID = 4_000_000_000_000_000_02
#: A channel's message route: 5 requests per 5 seconds.
CHANNEL_MESSAGES_LIMIT = (5, 5.0)


def _user(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name,
        "discriminator": "0",
        "global_name": None,
        "avatar": None,
        "bot": bot,
        "flags": 0,
    }


@dataclass
class Bucket:
    limit: int
    per: float
    times: deque[float] = field(default_factory=deque)

    def prune(self, now: float) -> None:
        while self.times and self.times[0] <= now - self.per:
            self.times.popleft()

    def remaining(self, now: float) -> int:
        self.prune(now)
        return max(0, self.limit - len(self.times))

    def reset_after(self, now: float) -> float:
        self.prune(now)
        return (self.times[0] + self.per - now) if self.times else self.per


@dataclass
class Message:
    id: int
    channel_id: int
    created: float  # wall clock (time.time), comparable across processes
    nonce: str | None
    body: dict[str, Any]


class StandIn:
    """Discord's REST side, in memory. ``clock`` is monotonic seconds; ``wall`` is epoch seconds."""

    def __init__(
        self,
        *,
        global_limit: int = GLOBAL_LIMIT,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.global_limit = global_limit
        self.clock = clock
        self.wall = wall
        self.reset()

    def reset(self) -> None:
        self._global: deque[float] = deque()
        self._buckets: dict[str, Bucket] = {}
        self._seq = itertools.count(1)
        #: (monotonic time, "METHOD /route", status) for every request that counts against the limit.
        self.requests: list[tuple[float, str, int]] = []
        self.messages: list[Message] = []
        self._by_nonce: dict[tuple[int, str], Message] = {}
        self.dm_channels: dict[int, int] = {}
        self.channel_user: dict[int, int] = {}
        #: interaction id -> wall time its first callback arrived.
        self.first_responses: dict[int, float] = {}
        self.unknown: dict[str, int] = {}
        self.outage_until = 0.0
        self.outage_status = 503
        self.create_then_500 = 0

    # -- ids, limits ---------------------------------------------------------------------------

    def snowflake(self) -> int:
        ms = int(self.wall() * 1000) - DISCORD_EPOCH_MS
        return (ms << 22) | (next(self._seq) & 0x3FFFFF)

    def _over_global(self, now: float) -> float | None:
        """Seconds to wait when the global limit is used up, else None (and the request counts)."""
        window = self._global
        while window and window[0] <= now - 1.0:
            window.popleft()
        if len(window) >= self.global_limit:
            return window[0] + 1.0 - now
        window.append(now)
        return None

    def _bucket(self, key: str, limit: int, per: float) -> Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = Bucket(limit, per)
        return bucket

    @staticmethod
    def _limit_headers(key: str, bucket: Bucket, now: float, wall: float) -> dict[str, str]:
        after = bucket.reset_after(now)
        return {
            "X-RateLimit-Limit": str(bucket.limit),
            "X-RateLimit-Remaining": str(bucket.remaining(now)),
            "X-RateLimit-Reset": f"{wall + after:.3f}",
            "X-RateLimit-Reset-After": f"{after:.3f}",
            "X-RateLimit-Bucket": key.replace(" ", "").replace("/", "")[:32] or "default",
        }

    # -- the request path ------------------------------------------------------------------------

    def gate(
        self, route: str, major: str, limit: tuple[int, float]
    ) -> tuple[int, Any, dict[str, str]] | None:
        """Apply faults and limits; an answer to send instead of handling the request, or None."""
        now, wall = self.clock(), self.wall()
        bucket = self._bucket(f"{route}:{major}", *limit)
        headers = self._limit_headers(route, bucket, now, wall)
        if now < self.outage_until:
            self.requests.append((now, route, self.outage_status))
            return self.outage_status, {"message": "upstream connect error", "code": 0}, {}
        wait = self._over_global(now)
        if wait is not None:
            self.requests.append((now, route, 429))
            body = {"message": "You are being rate limited.", "retry_after": round(wait, 3), "global": True}
            return (
                429,
                body,
                {
                    **headers,
                    "Retry-After": str(max(1, round(wait))),
                    "X-RateLimit-Global": "true",
                    "X-RateLimit-Scope": "global",
                    "Via": "1.1 google",
                },
            )
        bucket.prune(now)
        if len(bucket.times) >= bucket.limit:
            after = bucket.reset_after(now)
            self.requests.append((now, route, 429))
            body = {"message": "You are being rate limited.", "retry_after": round(after, 3), "global": False}
            return (
                429,
                body,
                {
                    **headers,
                    "Retry-After": str(max(1, round(after))),
                    "X-RateLimit-Scope": "user",
                    "Via": "1.1 google",
                },
            )
        bucket.times.append(now)
        self.requests.append((now, route, 200))
        return None

    def headers_for(self, route: str, major: str) -> dict[str, str]:
        bucket = self._buckets[f"{route}:{major}"]
        return self._limit_headers(route, bucket, self.clock(), self.wall())

    def open_dm(self, user_id: int) -> dict[str, Any]:
        channel_id = self.dm_channels.get(user_id)
        if channel_id is None:
            channel_id = self.dm_channels[user_id] = self.snowflake()
            self.channel_user[channel_id] = user_id
        return {
            "id": str(channel_id),
            "type": 1,
            "last_message_id": None,
            "flags": 0,
            "recipients": [_user(user_id, f"member{user_id}")],
        }

    def create_message(self, channel_id: int, body: dict[str, Any]) -> tuple[Message, bool]:
        """The message for this request, and whether it is new (a repeated nonce returns the old one)."""
        nonce = body.get("nonce")
        if nonce is not None and body.get("enforce_nonce"):
            old = self._by_nonce.get((channel_id, str(nonce)))
            if old is not None and self.wall() - old.created <= NONCE_WINDOW_S:
                return old, False
        message = Message(
            self.snowflake(), channel_id, self.wall(), None if nonce is None else str(nonce), body
        )
        self.messages.append(message)
        if nonce is not None:
            self._by_nonce[(channel_id, str(nonce))] = message
        return message, True

    def message_payload(self, message: Message, *, author_id: int = BOT_ID) -> dict[str, Any]:
        body = message.body
        return {
            "id": str(message.id),
            "channel_id": str(message.channel_id),
            "author": _user(author_id, "Repmate", bot=True),
            "content": body.get("content") or "",
            "timestamp": _iso(message.created),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "pinned": False,
            "type": 0,
            "flags": body.get("flags") or 0,
            "nonce": message.nonce,
        }

    # -- figures ---------------------------------------------------------------------------------

    def max_in_window(self, *, statuses: tuple[int, ...] | None = None, width: float = 1.0) -> int:
        times = sorted(t for t, _, s in self.requests if statuses is None or s in statuses)
        best, lo = 0, 0
        for hi, t in enumerate(times):
            while times[lo] <= t - width:
                lo += 1
            best = max(best, hi - lo + 1)
        return best

    def stats(self) -> dict[str, Any]:
        by_status: dict[str, int] = {}
        for _, _, status in self.requests:
            by_status[str(status)] = by_status.get(str(status), 0) + 1
        per_user: dict[str, list[float]] = {}
        for m in self.messages:
            user = self.channel_user.get(m.channel_id, m.channel_id)
            per_user.setdefault(str(user), []).append(m.created)
        return {
            "requests": len(self.requests),
            "by_status": by_status,
            "max_requests_in_1s": self.max_in_window(),
            "max_accepted_in_1s": self.max_in_window(statuses=(200,)),
            "429": by_status.get("429", 0),
            "messages": len(self.messages),
            "messages_by_user": per_user,
            "first_responses": {str(k): v for k, v in self.first_responses.items()},
            "unknown_routes": self.unknown,
        }


def _iso(wall: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(wall, UTC).isoformat()


async def _body(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        data = await request.json()
        return data if isinstance(data, dict) else {}
    if request.content_type.startswith("multipart/"):
        form = await request.post()
        raw = form.get("payload_json")
        return json.loads(raw) if isinstance(raw, str) else {}
    return {}


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> web.Response:
    """Discord's JSON answer: discord.py reads a body as JSON only for exactly this content type."""
    if status == 204:
        return web.Response(status=204, headers=headers)
    return web.Response(
        status=status,
        body=json.dumps(body).encode(),
        headers={**(headers or {}), "Content-Type": "application/json"},
    )


def build_app(standin: StandIn) -> web.Application:
    """The aiohttp application serving ``standin`` under ``/api/v10``."""
    routes = web.RouteTableDef()
    api = "/api/v{version:\\d+}"

    def limited(route: str, major_key: str | None = None, limit: tuple[int, float] = (10_000, 1.0)):  # type: ignore[no-untyped-def]
        def wrap(handler):  # type: ignore[no-untyped-def]
            async def handle(request: web.Request) -> web.StreamResponse:
                major = request.match_info.get(major_key, "") if major_key else ""
                refused = standin.gate(route, major, limit)
                if refused is not None:
                    return _json(*refused)
                counted = len(standin.requests) - 1
                status, body = await handler(request)
                if status != 200:
                    standin.requests[counted] = (*standin.requests[counted][:2], status)
                return _json(status, body, standin.headers_for(route, major))

            return handle

        return wrap

    @routes.get(api + "/users/@me")
    @limited("GET /users/@me")
    async def me(request: web.Request) -> tuple[int, Any]:
        return 200, _user(BOT_ID, "Repmate", bot=True)

    @routes.get(api + "/oauth2/applications/@me")
    @limited("GET /oauth2/applications/@me")
    async def application(request: web.Request) -> tuple[int, Any]:
        return 200, {
            "id": str(APPLICATION_ID),
            "name": "Repmate",
            "description": "",
            "icon": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": _user(OWNER_ID, "owner"),
            "team": None,
            "verify_key": "0" * 64,
            "flags": 0,
        }

    async def sync(request: web.Request) -> tuple[int, Any]:
        commands = await request.json()
        return 200, [
            {**c, "id": str(standin.snowflake()), "application_id": str(APPLICATION_ID), "version": "1"}
            for c in commands
        ]

    routes.put(api + "/applications/{app}/commands")(limited("PUT /applications/{app}/commands")(sync))
    routes.put(api + "/applications/{app}/guilds/{guild}/commands")(
        limited("PUT /applications/{app}/guilds/{guild}/commands", "guild")(sync)
    )

    @routes.post(api + "/users/@me/channels")
    @limited("POST /users/@me/channels")
    async def open_dm(request: web.Request) -> tuple[int, Any]:
        body = await _body(request)
        return 200, standin.open_dm(int(body["recipient_id"]))

    @routes.post(api + "/channels/{channel}/messages")
    @limited("POST /channels/{channel}/messages", "channel", CHANNEL_MESSAGES_LIMIT)
    async def send(request: web.Request) -> tuple[int, Any]:
        channel_id = int(request.match_info["channel"])
        message, new = standin.create_message(channel_id, await _body(request))
        if new and standin.create_then_500 > 0:
            standin.create_then_500 -= 1
            return 500, {"message": "500: Internal Server Error", "code": 0}
        return 200, standin.message_payload(message)

    @routes.patch(api + "/channels/{channel}/messages/{message}")
    @limited("PATCH /channels/{channel}/messages/{message}", "channel", CHANNEL_MESSAGES_LIMIT)
    async def edit(request: web.Request) -> tuple[int, Any]:
        channel_id, message_id = int(request.match_info["channel"]), int(request.match_info["message"])
        body = await _body(request)
        return 200, standin.message_payload(Message(message_id, channel_id, standin.wall(), None, body))

    # Interaction responses: not counted against the global limit (as on Discord).
    @routes.post(api + "/interactions/{interaction}/{token}/callback")
    async def callback(request: web.Request) -> web.StreamResponse:
        interaction_id = int(request.match_info["interaction"])
        standin.first_responses.setdefault(interaction_id, standin.wall())
        body = await _body(request)
        if request.query.get("with_response") not in ("1", "true"):
            return web.Response(status=204)
        kind = int(body.get("type", 4))
        data = body.get("data") or {}
        message = Message(standin.snowflake(), 0, standin.wall(), None, data)
        answer: dict[str, Any] = {
            "interaction": {
                "id": str(interaction_id),
                "type": 2,
                "response_message_id": str(message.id),
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool((data.get("flags") or 0) & 64),
            }
        }
        if kind in (4, 5, 7):
            answer["resource"] = {
                "type": kind,
                "message": standin.message_payload(message, author_id=APPLICATION_ID),
            }
        return _json(200, answer)

    async def webhook_message(request: web.Request) -> web.StreamResponse:
        body = await _body(request)
        message = Message(
            standin.snowflake(), int(request.match_info.get("channel", 0)), standin.wall(), None, body
        )
        return _json(200, standin.message_payload(message, author_id=APPLICATION_ID))

    routes.post(api + "/webhooks/{app}/{token}")(webhook_message)
    routes.patch(api + "/webhooks/{app}/{token}/messages/{message}")(webhook_message)
    routes.get(api + "/webhooks/{app}/{token}/messages/{message}")(webhook_message)

    @routes.get("/_standin/stats")
    async def stats(request: web.Request) -> web.StreamResponse:
        return web.json_response(standin.stats())

    @routes.post("/_standin/reset")
    async def reset(request: web.Request) -> web.StreamResponse:
        standin.reset()
        return web.json_response({})

    @routes.post("/_standin/fault")
    async def fault(request: web.Request) -> web.StreamResponse:
        body = await request.json()
        if body["kind"] == "outage":
            standin.outage_status = int(body.get("status", 503))
            standin.outage_until = standin.clock() + float(body["seconds"])
        elif body["kind"] == "create_then_500":
            standin.create_then_500 = int(body.get("count", 1))
        else:
            return web.json_response({"error": "unknown fault"}, status=400)
        return web.json_response({})

    app = web.Application()
    app.add_routes(routes)

    async def not_found(request: web.Request) -> web.StreamResponse:
        key = f"{request.method} {request.path}"
        standin.unknown[key] = standin.unknown.get(key, 0) + 1
        return web.json_response({"message": "404: Not Found", "code": 0}, status=404)

    app.router.add_route("*", "/{tail:.*}", not_found)
    return app


async def serve(standin: StandIn, port: int = 0) -> tuple[web.AppRunner, str]:
    """Start serving on 127.0.0.1; the runner (to clean up) and the base URL."""
    runner = web.AppRunner(build_app(standin), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    server = site._server
    assert server is not None
    bound = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{bound}"


def point_discord_py_at(base_url: str) -> None:
    """Every discord.py request in this process goes to the stand-in at ``base_url``."""
    import discord.http

    discord.http.Route.BASE = f"{base_url}/api/v10"


def main() -> None:
    parser = argparse.ArgumentParser(description="A loopback stand-in for Discord's REST API")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()

    async def run() -> None:
        _, url = await serve(StandIn(), args.port)
        print(url, flush=True)
        await asyncio.Event().wait()

    asyncio.run(run())


if __name__ == "__main__":
    main()
