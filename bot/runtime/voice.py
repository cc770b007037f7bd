"""Audio cues in a voice channel while a group session's timer runs.

A :class:`Connector` joins a voice channel and hands back a :class:`Player`; the cue task
sleeps (virtual time in tests) until each cue of :func:`bot.domain.sessions.cue_schedule`
and plays its PCM from :mod:`bot.domain.tones`. The discord.py connector needs the
optional voice extra (PyNaCl and davey, plus the system's libopus); without it, or when
Discord refuses the connection or the bot lacks Connect/Speak, :class:`VoiceUnavailable`
says why in a sentence and the text timer runs alone.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

import discord

from bot.domain.sessions import Cue, Sound
from bot.domain.tones import render

log = logging.getLogger(__name__)

#: How long to wait for Discord's voice handshake before giving up.
CONNECT_TIMEOUT_S = 15.0


class VoiceUnavailable(Exception):
    """Cues can't be played; ``str()`` is the reason, written for the session's creator."""


class Player(Protocol):
    async def play(self, sound: Sound, pcm: bytes) -> None: ...

    async def disconnect(self) -> None: ...


class Connector(Protocol):
    async def connect(self, guild_id: int, channel_id: int) -> Player:
        """Join the channel; raise :class:`VoiceUnavailable` with the reason when that can't be done."""
        ...


def voice_support_missing() -> str | None:
    """Why discord.py can't do voice on this install, or None."""
    from discord import voice_client, voice_state

    if not voice_client.has_nacl:
        return "voice support isn't installed on the bot (the `voice` extra: PyNaCl)"
    if not voice_state.has_dave:
        return "voice support isn't installed on the bot (the `voice` extra: davey)"
    if not discord.opus.is_loaded():
        try:
            discord.opus._load_default()
        except Exception:  # pragma: no cover - depends on the system's libraries
            return "the system's Opus library (libopus) isn't installed"
        if not discord.opus.is_loaded():  # pragma: no cover
            return "the system's Opus library (libopus) isn't installed"
    return None


class _DiscordPlayer:
    def __init__(self, client: discord.VoiceClient) -> None:
        self.client = client

    async def play(self, sound: Sound, pcm: bytes) -> None:
        if self.client.is_playing():
            self.client.stop()
        self.client.play(discord.PCMAudio(io.BytesIO(pcm)))

    async def disconnect(self) -> None:
        await self.client.disconnect(force=True)


class DiscordConnector:
    """The real thing: discord.py's voice client over the bot's gateway connection."""

    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def connect(self, guild_id: int, channel_id: int) -> Player:
        missing = voice_support_missing()
        if missing is not None:
            raise VoiceUnavailable(missing)
        guild = self.client.get_guild(guild_id)
        channel = guild.get_channel(channel_id) if guild is not None else None
        if guild is None or not isinstance(channel, discord.VoiceChannel | discord.StageChannel):
            raise VoiceUnavailable("the session's voice channel no longer exists")
        perms = channel.permissions_for(guild.me)
        lacking = [
            label for attr, label in (("connect", "Connect"), ("speak", "Speak")) if not getattr(perms, attr)
        ]
        if lacking:
            raise VoiceUnavailable(f"I'm missing **{', '.join(lacking)}** in {channel.mention}")
        try:
            voice: discord.VoiceClient = await channel.connect(
                timeout=CONNECT_TIMEOUT_S, reconnect=False, self_deaf=True
            )
        except Exception as exc:
            # Whatever the voice handshake raised, the text timer carries on; the reason is told.
            log.warning("Voice connection to %s failed", channel_id, exc_info=True)
            raise VoiceUnavailable(f"connecting to {channel.mention} failed ({type(exc).__name__})") from exc
        return _DiscordPlayer(voice)


class CueRunner:
    """One task per session plays its cues at their times, then leaves the channel."""

    def __init__(
        self,
        *,
        clock: Callable[[], datetime],
        spawn: Callable[..., asyncio.Task[Any]],
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.clock = clock
        self.spawn = spawn
        self.sleep = sleep
        self.tasks: dict[int, asyncio.Task[Any]] = {}

    def launch(self, key: int, player: Player, zero: datetime, cues: list[Cue]) -> None:
        old = self.tasks.pop(key, None)
        if old is not None and not old.done():
            old.cancel()
        task = self.spawn(self._run(player, zero, cues), name=f"session-cues-{key}")
        self.tasks[key] = task
        task.add_done_callback(
            lambda done: self.tasks.pop(key, None) if self.tasks.get(key) is done else None
        )

    async def _run(self, player: Player, zero: datetime, cues: list[Cue]) -> None:
        try:
            for cue in cues:
                at = zero + timedelta(seconds=cue.at_s)
                delay = (at - self.clock()).total_seconds()
                if delay < -1.0:
                    continue  # a cue already well past (a late start): skip it rather than play it late
                if delay > 0:
                    await self.sleep(delay)
                await player.play(cue.sound, render(cue.sound))
        finally:
            try:
                await player.disconnect()
            except Exception:  # pragma: no cover - leaving voice must not raise out of the task
                log.warning("Could not leave the voice channel after the cues", exc_info=True)

    async def stop(self) -> None:
        for task in list(self.tasks.values()):
            task.cancel()
        await asyncio.gather(*self.tasks.values(), return_exceptions=True)
        self.tasks.clear()
