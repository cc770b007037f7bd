"""Delivery kinds: a service's lifecycle joined, in one place, with an adapter's renderer.

The wiring registers each kind's :class:`Lifecycle` (staleness, what follows it) from the
services; a cog registers only how the kind looks — ``bot.runtime.renderers.add(KIND,
render)`` — returning an :class:`Outgoing`. The dispatcher asks :class:`DeliveryKinds`
for the joined :class:`Kind`. A kind with a lifecycle but no renderer yet is left pending
(see ``Dispatcher.prepare``), so an adapter that is being reloaded loses nothing.

``Delivery``, ``Lifecycle`` and ``Settled`` are re-exported for the cogs, which never reach
the database or the dispatcher directly.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

import discord

from bot.db.repositories.deliveries import Delivery
from bot.scheduling.lifecycle import Lifecycle, OnSettled, Settled

__all__ = [
    "Delivery",
    "DeliveryKinds",
    "Kind",
    "Lifecycle",
    "Outgoing",
    "Render",
    "Renderer",
    "Renderers",
    "Settled",
]


@dataclass(frozen=True)
class Outgoing:
    """What a delivery turns into when it is sent."""

    content: str | None = None
    embed: discord.Embed | None = None
    view: discord.ui.View | None = None
    allowed_mentions: discord.AllowedMentions = field(default_factory=discord.AllowedMentions.none)


#: ``(delivery, late) -> Outgoing``, or None when there is nothing left to send.
Render = Callable[[Delivery, bool], Awaitable[Outgoing | None]]


@dataclass(frozen=True)
class Renderer:
    """How an adapter shows a kind, and (optionally) what it does on screen once it is settled.

    ``after`` runs after the lifecycle's ``settled``, for follow-ups that are Discord's
    business alone (e.g. switching off the Join button of the post a result replaces).
    """

    render: Render
    after: OnSettled | None = None


@dataclass(frozen=True)
class Kind:
    name: str
    lifecycle: Lifecycle
    renderer: Renderer | None


class Renderers:
    """The renderers the loaded adapters registered, by kind."""

    def __init__(self) -> None:
        self._by_kind: dict[str, Renderer] = {}

    def add(self, kind: str, render: Render, *, after: OnSettled | None = None) -> None:
        self._by_kind[kind] = Renderer(render, after)

    def remove(self, kind: str) -> None:
        self._by_kind.pop(kind, None)

    def get(self, kind: str) -> Renderer | None:
        return self._by_kind.get(kind)


class DeliveryKinds:
    """Every kind the dispatcher knows: lifecycles from the services, renderers from the adapters."""

    def __init__(self, lifecycles: Mapping[str, Lifecycle] | None = None) -> None:
        self._lifecycles: dict[str, Lifecycle] = dict(lifecycles or {})
        self.renderers = Renderers()

    def add_lifecycle(self, kind: str, lifecycle: Lifecycle) -> None:
        self._lifecycles[kind] = lifecycle

    def get(self, kind: str) -> Kind | None:
        """The joined kind; None when nothing at all is known about it."""
        lifecycle = self._lifecycles.get(kind)
        renderer = self.renderers.get(kind)
        if lifecycle is None and renderer is None:
            return None
        return Kind(kind, lifecycle or Lifecycle(), renderer)
