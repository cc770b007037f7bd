"""The sandbox's only uses of SimCord's private parts, each where SimCord offers no public way.

SimCord's public API is what ``simcord`` exports at its top level (``Env``, the handles,
actors, results and ``Preview``); ``Env.backend``, underscored names and underscored
modules may change in any release, even a patch. The dev dependency pins SimCord's
exact version, and each function below says what it reaches and why, so a SimCord
upgrade knows what to check (``tests/dev`` exercises each of them).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import simcord


def move_clock_before_start(env: simcord.Env, seconds: float) -> None:
    """Start SimCord's virtual clock ``seconds`` after its epoch, before the bot starts.

    Private: ``Env.backend.advance_clock`` (SimCord's ``Backend`` is not public API).
    SimCord has no public way to choose the instant its clock starts at, and the public
    ``Env.advance_time`` needs a running bot: the bot would start at midnight (its uptime
    counting from then) and the hours in between would be played through its timers.
    Before ``env.start()`` no timer exists, so this moves the clock and nothing else.
    """
    env.backend.advance_clock(seconds)


def record_only_real_bugs(
    env: simcord.Env, is_expected: Callable[[BaseException], bool]
) -> list[BaseException]:
    """Keep the bot's expected refusals out of ``env.errors``; returns where they go instead.

    SimCord records every exception that reaches an error handler (the command tree's, a
    view's, a modal's) as a bot failure, and the preview page marks the action that raised
    it with a red "The bot action failed" badge. The bot's error policy raises its
    user-facing errors (a bad time, a missing routine) to exactly those handlers, which
    answer the member: that is a refusal, not a failure. Only errors for which
    ``is_expected`` is false keep reaching ``env.errors``; the others are listed in the
    returned list (the demo's own steps check it).

    Private: ``Env._record_error``, the one place SimCord's error captures report to. Set
    before ``env.start()``, when SimCord binds its captures to it; ``Env`` has no public
    filter for errors a bot handles itself.
    """
    refusals: list[BaseException] = []
    record = env._record_error

    def record_unless_expected(error: BaseException) -> None:
        if is_expected(error):
            refusals.append(error)
        else:
            record(error)

    env._record_error = record_unless_expected  # type: ignore[method-assign]
    return refusals


def clock_can_follow_real_time(env: simcord.Env) -> bool:
    """Whether this SimCord has the path :func:`advance_clock_like_its_timers` takes."""
    return callable(getattr(env, "_advance_to", None))


async def advance_clock_like_its_timers(env: simcord.Env, seconds: float) -> bool:
    """Move the virtual clock ``seconds`` ahead the way SimCord's real-time timer fallbacks do.

    Returns False, doing nothing, while an operation (a page action, a command) or
    another advance is under way: the caller tries again a moment later.

    Private: ``Env._advance_to`` and the state it is guarded by (``_operation_task``,
    ``_advancing``, ``_advance_task``, ``_virtual_time``). The public ``Env.advance_time``
    is an operation, exclusive with every other one: a click in the preview page (or a
    command) landing during a catch-up would fail as overlapping. This is the path SimCord
    runs for a bot timer that comes due in real time, in a short-lived task, which page
    actions and commands already wait for.
    """
    if env._operation_task is not None or env._advancing or env._advance_task is not None:
        return False
    loop = asyncio.get_running_loop()
    target = env._virtual_time + seconds
    await asyncio.ensure_future(env._advance_to(target, loop.time() + env.settle_timeout))
    return True


#: The preview's text fields where Discord's client resolves mentions but SimCord's preview does not.
_EMBED_FIELDS_WITH_MENTIONS = ("embed_description", "embed_field_value")


@contextlib.contextmanager
def discord_like_embed_mentions() -> Iterator[None]:
    """Render mentions in embed descriptions and field values, as Discord's client does.

    Discord resolves ``<#channel>``, ``<@user>`` and ``<@&role>`` in an embed's
    description and field values (not in titles, field names or footers); SimCord's
    preview leaves them as raw ids there, which would put ``<#1456…>`` in the pictures
    of /setup. The preview already resolves the names the viewer may see; this only
    switches their rendering on for those two places while the sandbox runs.

    Private: ``simcord.preview._markdown._FIELD_POLICIES``, the preview's per-field text
    rules. Neither ``Env.preview`` nor ``Preview`` has an option for this.
    """
    try:
        from simcord.preview import _markdown

        policies = [_markdown._FIELD_POLICIES[key] for key in _EMBED_FIELDS_WITH_MENTIONS]
    except (ImportError, AttributeError, KeyError):  # a SimCord that renders them itself, or moved them
        yield
        return
    saved = [policy.get("mentions") for policy in policies]
    for policy in policies:
        policy["mentions"] = True
    try:
        yield
    finally:
        for policy, value in zip(policies, saved, strict=True):
            policy["mentions"] = value  # type: ignore[assignment]
