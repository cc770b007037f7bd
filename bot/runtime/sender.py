"""The discord.py side of what runs by itself: sending, opening DMs, editing the bot's posts.

Every request goes through the client's partial objects, so a DM to a member whose DM
channel is remembered costs one request (no fetch first). A refusal from Discord is
turned into :class:`~bot.runtime.dispatcher.SendFailed`, which is all the dispatcher and
the timer loop need to know about it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import discord

from bot.runtime.dispatcher import SendFailed
from bot.runtime.kinds import Outgoing


def _retry_after(exc: discord.HTTPException) -> tuple[float | None, bool]:
    """Discord's Retry-After (seconds) and whether the limit was the global one, on a 429."""
    if exc.status != 429:
        return None, False
    headers = getattr(exc.response, "headers", None) or {}
    try:
        retry_after = float(headers.get("Retry-After", "")) if headers.get("Retry-After") else None
    except ValueError:
        retry_after = None
    is_global = str(headers.get("X-RateLimit-Global", "")).lower() == "true" or (
        str(headers.get("X-RateLimit-Scope", "")).lower() == "global"
    )
    return retry_after, is_global


@asynccontextmanager
async def _refusals() -> AsyncIterator[None]:
    try:
        yield
    except discord.RateLimited as exc:
        # discord.py gave up waiting (Retry-After above its max_ratelimit_timeout).
        raise SendFailed(429, 0, str(exc), retry_after=exc.retry_after) from exc
    except discord.HTTPException as exc:
        after, is_global = _retry_after(exc)
        raise SendFailed(exc.status, exc.code, str(exc), retry_after=after, is_global=is_global) from exc
    except (TimeoutError, OSError, aiohttp.ClientError) as exc:
        # No answer at all: the request may or may not have reached Discord.
        raise SendFailed(0, 0, f"network error: {exc!r}") from exc


class DiscordSender:
    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def open_dm(self, user_id: int) -> int:
        async with _refusals():
            data = await self.client.http.start_private_message(user_id)
        return int(data["id"])

    async def send(self, channel_id: int, outgoing: Outgoing, *, nonce: str, private: bool) -> int:
        channel_type = discord.ChannelType.private if private else None
        kwargs: dict[str, Any] = {
            "content": outgoing.content,
            "embed": outgoing.embed,
            "allowed_mentions": outgoing.allowed_mentions,
            "nonce": nonce,
        }
        if outgoing.view is not None:
            kwargs["view"] = outgoing.view
        async with _refusals():
            message = await self.client.get_partial_messageable(channel_id, type=channel_type).send(**kwargs)
        return message.id

    async def ping(self, channel_id: int, text: str, *, user_id: int) -> None:
        async with _refusals():
            await self.client.get_partial_messageable(channel_id).send(
                text, allowed_mentions=discord.AllowedMentions(users=[discord.Object(user_id)])
            )

    async def edit(
        self, channel_id: int, message_id: int, outgoing: Outgoing, *, guild_id: int | None
    ) -> None:
        """Replace a post's embed and buttons (its text too, when ``outgoing`` has any)."""
        kwargs: dict[str, Any] = {"embed": outgoing.embed, "allowed_mentions": outgoing.allowed_mentions}
        if outgoing.content is not None:
            kwargs["content"] = outgoing.content
        if outgoing.view is not None:
            kwargs["view"] = outgoing.view
        message = self.client.get_partial_messageable(channel_id, guild_id=guild_id).get_partial_message(
            message_id
        )
        async with _refusals():
            await message.edit(**kwargs)
