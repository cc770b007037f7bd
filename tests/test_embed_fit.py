"""The one embed fitter: whatever members wrote, an embed stays within every one of Discord's limits."""

from __future__ import annotations

import dataclasses
import re

import discord
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.ui import (
    EMBED_MAX,
    FIELD_MAX,
    FIELDS_MAX,
    LEFT_OUT,
    Block,
    Field,
    and_more,
    clip,
    fit_embed,
)

TEXT = st.text(alphabet="ab *\n…é🏋", max_size=60)
LINE = st.text(alphabet="ab *…é🏋", min_size=1, max_size=60)
LONG = st.one_of(TEXT, st.text(alphabet="xy \n", min_size=0, max_size=5000))


def assert_within_limits(embed: discord.Embed, beside: int = 0) -> None:
    assert len(embed) + beside <= EMBED_MAX
    assert len(embed.title or "") <= 256 and len(embed.description or "") <= 4096
    assert len(embed.footer.text or "") <= 2048 and len(embed.author.name or "") <= 256
    assert len(embed.fields) <= FIELDS_MAX
    for field in embed.fields:
        assert len(field.name or "") <= 256 and len(field.value or "") <= FIELD_MAX


def blocks() -> st.SearchStrategy[Block]:
    return st.builds(
        lambda name, lines, extra, priority: Block(name, lines, total=len(lines) + extra, priority=priority),
        TEXT,
        st.lists(st.one_of(LINE, st.text(alphabet="z", min_size=900, max_size=1100)), max_size=120),
        st.integers(0, 3) | st.integers(0, 10_000),
        st.integers(0, 2),
    )


def fields() -> st.SearchStrategy[Field]:
    return st.builds(
        lambda name, value, priority: Field(name, value or "v", priority=priority),
        st.one_of(TEXT, st.text(alphabet="q", min_size=250, max_size=300)),
        LONG,
        st.integers(0, 2),
    )


@settings(max_examples=300, deadline=None)
@given(
    title=st.one_of(TEXT, st.text(alphabet="t", max_size=400)),
    description=LONG,
    footer=st.one_of(TEXT, st.text(alphabet="f", max_size=2500)),
    author=st.one_of(TEXT, st.text(alphabet="a", max_size=400)),
    parts=st.lists(st.one_of(blocks(), fields()), max_size=FIELDS_MAX),
    beside=st.integers(0, 3000),
)
def test_any_embed_fits_and_says_what_it_left_out(
    title: str, description: str, footer: str, author: str, parts: list[Field | Block], beside: int
) -> None:
    # Names say which part a field belongs to, whatever text the part was given.
    parts = [dataclasses.replace(p, name=f"{i}:{p.name}") for i, p in enumerate(parts)]
    embed = discord.Embed(title=title or None, description=description or None)
    if footer:
        embed.set_footer(text=footer)
    if author:
        embed.set_author(name=author)
    others = [discord.Embed(description="o" * beside)] if beside else []
    fit_embed(embed, parts, beside=others)
    assert_within_limits(embed, beside)

    shown = list(embed.fields)
    for part in parts:
        if isinstance(part, Field):
            field = shown.pop(0)
            assert field.name == clip(part.name, 256)
            assert part.value.startswith((field.value or "").removesuffix("…").rstrip())
            continue
        total = part.total if part.total is not None else len(part.lines)
        if not total:
            continue
        names = {clip(part.name, 256), clip(f"{part.name} (continued)", 256)}
        lines_shown = 0
        while shown and shown[0].name in names:
            value = shown.pop(0).value or ""
            lines_shown += len(value.split("\n"))
            assert (
                value.split("\n")
                == [clip(line, FIELD_MAX) for line in part.lines[:lines_shown]][-len(value.split("\n")) :]
            )
        if lines_shown < total:
            left_out = shown.pop(0)
            assert left_out.name == LEFT_OUT and left_out.value == and_more(total - lines_shown)
    assert not shown, "every field belongs to a part"


def test_what_fits_is_shown_as_is() -> None:
    embed = discord.Embed(title="Title", description="Words.")
    embed.set_footer(text="Footer")
    fit_embed(embed, [Field("One", "1"), Block("Lines", ["a", "b"]), Field("Two", "2", inline=True)])
    assert [(f.name, f.value, f.inline) for f in embed.fields] == [
        ("One", "1", False),
        ("Lines", "a\nb", False),
        ("Two", "2", True),
    ]
    assert (embed.title, embed.description, embed.footer.text) == ("Title", "Words.", "Footer")


def test_lines_pack_into_fields_and_continue() -> None:
    lines = ["x" * 600, "y" * 300, "z" * 300]
    embed = fit_embed(discord.Embed(), [Block("Exercises", lines)])
    assert [(f.name, f.value) for f in embed.fields] == [
        ("Exercises", "x" * 600 + "\n" + "y" * 300),
        ("Exercises (continued)", "z" * 300),
    ]


def test_a_long_list_is_cut_and_counted() -> None:
    lines = [f"line {i:04d} " + "w" * 40 for i in range(500)]
    embed = fit_embed(discord.Embed(title="T"), [Block("All", lines, lambda n: f"{n} more, see /more")])
    assert_within_limits(embed)
    last = embed.fields[-1]
    shown = sum(len((f.value or "").split("\n")) for f in embed.fields[:-1])
    assert last.name == LEFT_OUT and last.value == f"{500 - shown} more, see /more"
    assert len(embed) > EMBED_MAX - 60, "the room is used, not left empty"


def test_a_list_the_caller_cut_says_how_many_more_there_are() -> None:
    embed = fit_embed(discord.Embed(), [Block("Top", ["a", "b"], total=1000)])
    assert [(f.name, f.value) for f in embed.fields] == [("Top", "a\nb"), (LEFT_OUT, "…and 998 more.")]


def test_priority_keeps_a_short_field_after_a_long_list() -> None:
    lines = ["p" * 100] * 200
    embed = fit_embed(
        discord.Embed(), [Block("Best", lines), Field("Joined, no result", "m" * 1000, priority=1)]
    )
    assert embed.fields[-1].name == "Joined, no result" and embed.fields[-1].value == "m" * 1000
    assert embed.fields[-2].name == LEFT_OUT


def test_the_text_set_first_is_shortened_to_leave_room_to_say_what_was_left_out() -> None:
    embed = discord.Embed(title="t" * 300, description="d" * 5000)
    embed.set_footer(text="f" * 2100)
    fit_embed(embed, [Block("Lines", ["l" * 1000] * 3)])
    assert_within_limits(embed)
    assert (embed.description or "").endswith("…") and len(embed.footer.text or "") == 2048
    assert [(f.name, f.value) for f in embed.fields] == [(LEFT_OUT, "…and 3 more.")]


def test_other_embeds_of_the_message_count() -> None:
    other = discord.Embed(description="o" * 4000)
    embed = fit_embed(discord.Embed(), [Block("Lines", ["l" * 100] * 40)], beside=[other])
    assert len(embed) + len(other) <= EMBED_MAX


def test_too_many_parts_is_a_mistake() -> None:
    with pytest.raises(ValueError, match="free fields"):
        fit_embed(discord.Embed(), [Field(str(i), "v") for i in range(FIELDS_MAX + 1)])


def test_and_more_counts_with_separators() -> None:
    assert re.fullmatch(r"…and 1,204 more\.", and_more(1204))
