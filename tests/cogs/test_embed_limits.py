"""Every routine and challenge embed stays within Discord's limits, fed the largest inputs members can give.

The contract guard checks what the suite happens to send; these feed each builder the worst
case — 80-character routine names, 30 exercises with 60-character names, 1,000-character
notes, five 20-character tags, names full of markdown to escape, 25-place leaderboards and
podiums tied many ways — and check the payload Discord would receive.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import discord
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.intervals import parse
from bot.domain.routines import MAX_EXERCISES, format_routine, parse_line
from bot.domain.scoring import PodiumPlace
from bot.services.challenges import Challenge, Leaderboard, Place, Results
from bot.services.routines import Page, Routine, SharedPost
from cogs.challenge_embeds import announcement_embed, leaderboard_embed, results_embed
from cogs.routine_embeds import export_message, list_embed, routine_embed
from tests.contract_guard import Reach, check_request

WORST = "*_~`|>\\#-aé🏋"
NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
PROPERTY = settings(max_examples=20, deadline=None)


def problems(*embeds: discord.Embed, content: str | None = None) -> list[str]:
    payload = {"content": content, "embeds": [embed.to_dict() for embed in embeds]}
    return check_request("POST", "/channels/1/messages", payload, Reach())


def text(size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=WORST, min_size=size, max_size=size)


def routine(name: str, exercise_names: list[str], notes: str, tags: tuple[str, ...], n: int = 1) -> Routine:
    longest = parse_line("X 20x8-10 @ 102.25kg RPE 9.5 rest 59m59s")
    lines = tuple(replace(longest, name=exercise) for exercise in exercise_names[:MAX_EXERCISES])
    return Routine(
        id=n,
        owner_id=10**18 + n,
        name=name,
        notation=format_routine(list(lines)),
        lines=lines,
        notes=notes,
        tags=tags,
        custom=(),
        source_routine_id=None,
        post=SharedPost(10**18, 10**18 + 1, 10**18 + 2),
        shared_at=NOW,
        like_count=999_999,
        created_at=NOW,
    )


@PROPERTY
@given(
    name=text(80),
    exercises=st.lists(
        st.text(alphabet="aé🏋*_~|-#", min_size=59, max_size=59).map("A".__add__), min_size=30, max_size=30
    ),
    notes=st.text(alphabet=WORST + "\n", min_size=1000, max_size=1000),
    tag=text(20),
)
def test_the_largest_routine_fits_its_post_its_list_and_its_export(
    name: str, exercises: list[str], notes: str, tag: str
) -> None:
    biggest = routine(name, exercises, notes, (tag,) * 5)
    assert problems(routine_embed(biggest, shared_by=10**18)) == []
    items = tuple(routine(name, exercises, notes, (tag,) * 5, n) for n in range(10))
    page = Page(items=items, page=1, pages=999, total=9_999)
    assert problems(list_embed(name * 3, page, "none", show_author=True)) == []
    message = export_message(biggest)
    embeds = [message["embed"]] if message.get("embed") is not None else []
    assert problems(*embeds, content=message.get("content")) == []


def challenge(name: str) -> Challenge:
    return Challenge(
        id=1,
        guild_id=2,
        name=name,
        program=parse("8x(20s work, 10s rest)"),
        notation="8x(20s work, 10s rest)",
        scoring="rounds_reps",  # type: ignore[arg-type]
        creator_id=10**18,
        channel_id=10**18 + 1,
        starts_at=NOW,
        ends_at=NOW + timedelta(days=30),
        ended_early=False,
        announce_message_id=None,
        results_message_id=None,
        participant_count=1_000_000,
    )


@PROPERTY
@given(name=text(60), ties=st.integers(1, 200), displays=st.lists(text(40), min_size=25, max_size=25))
def test_the_largest_challenge_fits_its_announcement_leaderboard_and_results(
    name: str, ties: int, displays: list[str]
) -> None:
    item = challenge(name)
    assert problems(announcement_embed(item, late=True)) == []
    places = tuple(Place(i + 1, 10**18 + i, 10**6 - i, displays[i], 999) for i in range(25))
    board = Leaderboard(item, places, places[-1], True, 1_000_000, 1_000_000)
    assert problems(leaderboard_embed(board, 10**18 + 24, NOW)) == []
    podium = tuple(
        PodiumPlace(rank, 100 - rank, tuple(10**18 + i for i in range(ties))) for rank in (1, 2, 3)
    )
    results = Results(item, places, podium, 1_000_000, 1_000_000, tuple(10**18 + i for i in range(500)))
    assert problems(results_embed(results, late=True)) == []
