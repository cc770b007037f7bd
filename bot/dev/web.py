"""The sandbox page: the sandbox bar beside SimCord's preview, at one address for the whole run.

``GET /sandbox#<key>`` is the page a person opens. Its bar (``static/sandbox.js``) calls
``/sandbox/api/...``, which is :class:`~bot.dev.console.Console`; beside it, a frame shows
SimCord's preview page of the current channel. Every other path is passed on to that
preview's own loopback server, so its page runs unchanged (same origin as the bar): the
preview changes with each channel switch, but the page's address, and the key in it, stay
the same, and a tab left open from the last run finds the next one at the same address.

The key is the page's credential, as the preview's own URL is: every request must carry it
(the preview page sends it as its capability, which is swapped for the current preview's).
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from bot.dev.console import Console, NotAvailable

if TYPE_CHECKING:
    from aiohttp import web

log = logging.getLogger(__name__)

STATIC = Path(__file__).with_name("static")
KEY_HEADER = "X-Sandbox-Key"
CAPABILITY_HEADER = "X-Simcord-Capability"
#: Headers that belong to one hop, or that the proxy sets itself.
_HOP = frozenset(
    h.lower()
    for h in (
        "Connection",
        "Keep-Alive",
        "Transfer-Encoding",
        "Upgrade",
        "Host",
        "Origin",
        "Content-Length",
        "Content-Encoding",
        CAPABILITY_HEADER,
        KEY_HEADER,
    )
)
_FRAME_ANCESTORS = re.compile(r"frame-ancestors[^;]*")


class SandboxSite:
    """The sandbox page's loopback server for one :class:`Console`."""

    def __init__(self, console: Console, key: str) -> None:
        self.console = console
        self.key = key
        self.port: int | None = None
        self._runner: Any = None
        self._client: Any = None

    @property
    def url(self) -> str:
        if self.port is None:
            raise RuntimeError("the sandbox page is not serving")
        return f"http://127.0.0.1:{self.port}/sandbox#{self.key}"

    async def start(self, port: int | None) -> None:
        """Listen on 127.0.0.1 at ``port`` (None or 0: any free one); OSError when it is taken."""
        import aiohttp
        from aiohttp import web

        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_get("/sandbox", self._file("sandbox.html", "text/html"))
        app.router.add_get("/sandbox/sandbox.js", self._file("sandbox.js", "application/javascript"))
        app.router.add_get("/sandbox/sandbox.css", self._file("sandbox.css", "text/css"))
        app.router.add_get("/sandbox/frame.css", self._file("frame.css", "text/css"))
        app.router.add_get("/sandbox/api/state", self._state)
        app.router.add_post("/sandbox/api/go", self._go)
        app.router.add_post("/sandbox/api/skip", self._skip)
        app.router.add_route("*", "/{tail:.*}", self._pass_on)
        self._client = aiohttp.ClientSession(auto_decompress=False)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", port or 0)
        try:
            await site.start()
        except OSError:
            await runner.cleanup()
            await self._client.close()
            raise
        self._runner = runner
        self.port = int(runner.addresses[0][1])

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._client is not None:
            await self._client.close()
            self._client = None

    # -- the bar ------------------------------------------------------------------------------------

    def _file(self, name: str, content_type: str) -> Any:
        from aiohttp import web

        async def serve(_request: web.Request) -> web.StreamResponse:
            return web.Response(
                text=(STATIC / name).read_text(encoding="utf-8"),
                content_type=content_type,
                headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
            )

        return serve

    def _check(self, request: web.Request) -> None:
        from aiohttp import web

        if request.headers.get(KEY_HEADER) != self.key:
            raise web.HTTPForbidden(text="This sandbox page's key is missing or from another run.")

    async def _state(self, request: web.Request) -> web.StreamResponse:
        from aiohttp import web

        self._check(request)
        return web.json_response(await self.console.state())

    async def _go(self, request: web.Request) -> web.StreamResponse:
        from aiohttp import web

        self._check(request)
        body = await _json(request)
        place, acting = body.get("place"), body.get("acting")
        message_id = None
        link = body.get("link")
        try:
            if isinstance(link, str):
                place, message_id = self._place_of_link(link)
            if not isinstance(place, str) or (acting is not None and not isinstance(acting, str)):
                raise NotAvailable("Say where to go: a channel, or dm.")
            await self.console.go(place, acting, message_id=message_id)
        except NotAvailable as exc:
            return web.json_response({"error": str(exc)}, status=409)
        return web.json_response(await self.console.state())

    def _place_of_link(self, link: str) -> tuple[str, int | None]:
        """A Discord message link (a "Jump to post" button's) as a place in the sandbox."""
        match = re.fullmatch(r"https://(?:\w+\.)?discord\.com/channels/(?:\d+|@me)/(\d+)(?:/(\d+))?", link)
        place = self.console.place_of(int(match.group(1))) if match else None
        if match is None or place is None:
            raise NotAvailable("That link leads outside the sandbox's server.")
        return place, int(match.group(2)) if match.group(2) else None

    async def _skip(self, request: web.Request) -> web.StreamResponse:
        from aiohttp import web

        self._check(request)
        body = await _json(request)
        try:
            skipped = await self.console.skip(str(body.get("by")))
        except NotAvailable as exc:
            return web.json_response({"error": str(exc)}, status=409)
        state = await self.console.state()
        state["arrived"] = list(skipped.arrived)
        return web.json_response(state)

    # -- the preview --------------------------------------------------------------------------------

    async def _pass_on(self, request: web.Request) -> web.StreamResponse:
        """Hand a request of the preview's page to the current preview's server, and back."""
        from aiohttp import web

        if self.console.preview is None:  # between two channels: wait for the switch to finish
            async with self.console.page_action():
                pass
        preview = self.console.preview
        if preview is None:
            raise web.HTTPServiceUnavailable(text="The sandbox is switching channels; try again.")
        target = urlsplit(preview.url)
        origin = f"{target.scheme}://{target.netloc}"
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP}
        if request.headers.get(CAPABILITY_HEADER) == self.key:
            headers[CAPABILITY_HEADER] = target.fragment
        if "Origin" in request.headers:
            headers["Origin"] = origin
        body = await request.read()
        # The page's actions wait for a skip or a switch to finish instead of overlapping it.
        hold = self.console.page_action() if request.method != "GET" else contextlib.nullcontext()
        try:
            async with hold:
                if self.console.preview is not preview:  # the bar moved on meanwhile: say so
                    raise web.HTTPServiceUnavailable(text="The sandbox switched channels; try again.")
                status, payload, out = await self._send(
                    request.method, origin + request.path_qs, headers, body
                )
                if request.path == "/api/action" and _stale_revision(payload):
                    retried = await self._again_at_current_revision(origin, headers, body)
                    if retried is not None:
                        status, payload, out = retried
        except (OSError, TimeoutError) as exc:
            raise web.HTTPServiceUnavailable(text="The preview is restarting; try again.") from exc
        # The preview may not be framed by anyone; the sandbox page (same origin) frames it.
        out.pop("X-Frame-Options", None)
        out["X-Frame-Options"] = "SAMEORIGIN"
        if "Content-Security-Policy" in out:
            out["Content-Security-Policy"] = _FRAME_ANCESTORS.sub(
                "frame-ancestors 'self'", out["Content-Security-Policy"]
            )
        return web.Response(status=status, body=payload, headers=out)

    async def _send(
        self, method: str, url: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, bytes, dict[str, str]]:
        async with self._client.request(method, url, headers=headers, data=body or None) as upstream:
            payload = await upstream.read()
            out = {k: v for k, v in upstream.headers.items() if k.lower() not in _HOP}
            return upstream.status, payload, out

    async def _again_at_current_revision(
        self, origin: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, bytes, dict[str, str]] | None:
        """Send a page action refused as stale once more, when the sandbox made it stale.

        SimCord refuses a page action made on an older publication of the page. The sandbox
        republishes the page by itself (the clock moved, a timer ticked), so an action can be
        refused although the person saw what is there: the page's own settings, a command, or
        any action after a republication that changed no message, is sent again at the page's
        current publication. A click after the bot changed something is left refused (the
        page says so), since what was clicked may have changed.
        """
        try:
            action = json.loads(body)
        except ValueError:  # an upload (multipart): left as it is
            return None
        if not isinstance(action, dict):
            return None
        if action.get("kind") in {"click", "select", "modal_submit"} and not self.console.quietly_republished:
            return None
        state_headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
        status, payload, _ = await self._send("GET", origin + "/api/state", state_headers, b"")
        try:
            revision = json.loads(payload)["publishedRevision"]
        except (ValueError, KeyError, TypeError):
            return None
        if status != 200 or revision == action.get("published_revision"):
            return None
        action["published_revision"] = revision
        return await self._send("POST", origin + "/api/action", headers, json.dumps(action).encode())


def _stale_revision(payload: bytes) -> bool:
    try:
        answer = json.loads(payload)
    except ValueError:
        return False
    return (
        isinstance(answer, dict)
        and answer.get("rejected") is True
        and any(
            d.get("code") == "stale-revision" for d in answer.get("diagnostics") or [] if isinstance(d, dict)
        )
    )


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.read() or b"{}")
    except ValueError:
        body = None
    return body if isinstance(body, dict) else {}
