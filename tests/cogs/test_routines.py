"""/routine through SimCord: the modal, sharing, the post's buttons, paging, export/import."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import discord
import pytest
import simcord

from bot.domain.exercises import default_catalogue
from bot.services.routines import Routine, SharedPost
from cogs.routine_embeds import post_url, removed_embed, routine_embed
from tests.cogs.world import World, build_world, text_of, user_error

pytestmark = pytest.mark.simcord(settle_timeout=15)

LEG_DAY = "\n".join(
    [
        "Back Squat 3x5 @ 100kg rest 3m",
        "Romanian Deadlift 3x8-10 @ 60kg RPE 8",
        "A1 Pull-up 3xAMRAP",
        "A2 Push-up 3x15",
        "Plank 3x45s",
        "Zercher Hold 3x20s",
    ]
)

NAME, EXERCISES, NOTES, TAGS = "routine-name", "routine-exercises", "routine-notes", "routine-tags"


async def create(w: World, member: Any, name: str, exercises: str = LEG_DAY, **extra: str) -> Any:
    shown = await member.slash(w.general, "routine create")
    return await member.submit_modal(shown, {NAME: name, EXERCISES: exercises, **extra})


async def configure(w: World) -> None:
    await w.admin.slash(w.general, "setup channels", routines=w.routines, challenges=w.challenges)


async def share(w: World, member: Any, name: str) -> discord.Message:
    result = await member.slash(w.general, "routine share", name=name)
    assert "Shared" in text_of(result.response), text_of(result.response)
    post = w.routines.last_message
    assert post is not None
    return post


def buttons(message: discord.Message) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for row in message.components:
        for child in getattr(row, "children", []):
            found[child.custom_id] = child
    return found


def refetch(channel: Any, message: discord.Message) -> discord.Message:
    return next(m for m in channel.history() if m.id == message.id)


def modal_inputs(shown: Any) -> dict[str, dict[str, Any]]:
    inputs: dict[str, dict[str, Any]] = {}

    def walk(components: list[dict[str, Any]]) -> None:
        for component in components:
            if component.get("custom_id") and component.get("type") == 4:
                inputs[component["custom_id"]] = component
            walk(component.get("components", []))
            if isinstance(component.get("component"), dict):
                walk([component["component"]])

    walk(shown.modal["components"])
    return inputs


async def test_create_opens_a_modal_and_previews_the_saved_routine(simcord_env):
    env = simcord_env
    w = build_world(env)
    shown = await w.alice.slash(w.general, "routine create")
    inputs = modal_inputs(shown)
    assert set(inputs) == {NAME, EXERCISES, NOTES, TAGS}
    result = await w.alice.submit_modal(
        shown, {NAME: "Leg Day", EXERCISES: LEG_DAY, NOTES: "Go heavy on squats.", TAGS: "Legs, #strength"}
    )
    assert result.ephemeral
    text = text_of(result.response)
    assert "Saved `Leg Day`" in text
    assert "Zercher Hold" in text and "custom" in text.lower()
    embed = result.response.embeds[0]
    assert embed.title == "Leg Day"
    assert "Go heavy on squats." in embed.description and "#legs" in embed.description
    assert "Romanian Deadlift" in text and "3x8-10 @ 60kg RPE 8" in text
    routine = await env.bot.services.routines.get_own(w.alice.id, "leg day")
    assert routine.tags == ("legs", "strength") and len(routine.lines) == 6
    await env.bot.close()


async def test_bad_notation_saves_nothing_names_the_line_and_offers_the_form_again(simcord_env):
    env = simcord_env
    w = build_world(env)
    bad = "Back Squat 3x5 @ 100kg\nBench Press five sets\nPlank 3x45s"
    result = await create(w, w.alice, "Push Day", bad, **{NOTES: "keep me"})
    assert result.ephemeral
    text = text_of(result.response)
    assert "Line 2" in text and "Bench Press five sets" in text
    assert "nothing was saved" in text and "Example" in text
    assert await env.bot.services.routines.names(w.alice.id, "") == []
    again = await w.alice.click(result.response, label="Edit and try again")
    inputs = modal_inputs(again)
    assert inputs[EXERCISES]["value"] == bad and inputs[NOTES]["value"] == "keep me"
    fixed = await w.alice.submit_modal(again, {NAME: "Push Day", EXERCISES: bad.replace("five sets", "5x5")})
    assert "Saved `Push Day`" in text_of(fixed.response)
    await env.bot.close()


async def test_duplicate_names_and_bad_tags_are_refused_with_an_example(simcord_env):
    env = simcord_env
    w = build_world(env)
    await create(w, w.alice, "Leg Day")
    again = await create(w, w.alice, "  leg   DAY ")
    text = text_of(again.response)
    assert "already have a routine called `Leg Day`" in text and "Example: `leg DAY (2)`" in text
    tags = await create(w, w.alice, "Arms", "Curl 3x10", **{TAGS: "arms, big guns!"})
    assert "tag" in text_of(tags.response) and "Example" in text_of(tags.response)
    too_many = await create(w, w.alice, "Arms", "Curl 3x10", **{TAGS: "a b c d e f"})
    assert "up to 5" in text_of(too_many.response)
    assert await env.bot.services.routines.names(w.alice.id, "") == ["Leg Day"]
    # Another member may use the same name.
    assert "Saved" in text_of((await create(w, w.bob, "Leg Day")).response)
    await env.bot.close()


async def test_sharing_without_a_routines_channel_points_to_setup(simcord_env):
    env = simcord_env
    w = build_world(env)
    await create(w, w.alice, "Leg Day")
    result = await w.alice.slash(w.general, "routine share", name="Leg Day")
    text = user_error(env, result)
    assert "/setup channels" in text and "Example" in text
    assert w.routines.last_message is None
    routine = await env.bot.services.routines.get_own(w.alice.id, "Leg Day")
    assert routine.post is None
    await env.bot.close()


async def test_share_posts_an_embed_with_persistent_buttons_and_once_only(simcord_env):
    env = simcord_env
    w = build_world(env)
    await configure(w)
    await create(w, w.alice, "Leg Day", **{TAGS: "legs"})
    choices = await w.alice.autocomplete(w.general, "routine share", "name", "leg")
    assert [c["value"] for c in choices] == ["Leg Day"]
    post = await share(w, w.alice, "Leg Day")
    assert post.embeds[0].title == "Leg Day"
    assert f"<@{w.alice.id}>" in (post.embeds[0].description or "")
    routine = await env.bot.services.routines.get_own(w.alice.id, "Leg Day")
    ids = buttons(post)
    assert set(ids) == {f"repmate:routine:{a}:{routine.id}" for a in ("save", "log", "like")}
    assert ids[f"repmate:routine:like:{routine.id}"].label == "Like (0)"
    again = await w.alice.slash(w.general, "routine share", name="Leg Day")
    assert "already shared" in text_of(again.response)
    assert len(w.routines.history()) == 1
    await env.bot.close()


async def test_a_post_deleted_by_a_moderator_can_be_shared_again(simcord_env):
    env = simcord_env
    w = build_world(env)
    await configure(w)
    await create(w, w.alice, "Leg Day")
    post = await share(w, w.alice, "Leg Day")
    mods = w.guild.create_role("Mods", permissions=discord.Permissions(manage_messages=True))
    moderator = w.guild.add_member(env.create_user("mod"), roles=[mods])
    await moderator.delete(post)
    second = await share(w, w.alice, "Leg Day")
    assert second.id != post.id
    await env.bot.close()


async def test_liking_counts_once_per_member_and_updates_the_button(simcord_env):
    env = simcord_env
    w = build_world(env)
    await configure(w)
    await create(w, w.alice, "Leg Day")
    post = await share(w, w.alice, "Leg Day")
    routine = await env.bot.services.routines.get_own(w.alice.id, "Leg Day")
    like_id = f"repmate:routine:like:{routine.id}"

    first = await w.bob.click(post, custom_id=like_id)
    assert "You like `Leg Day`" in text_of(first.followups[-1])
    assert first.followups[-1].ephemeral
    assert buttons(refetch(w.routines, post))[like_id].label == "Like (1)"

    cara = w.guild.add_member(env.create_user("cara"))
    await cara.click(post, custom_id=like_id)
    assert buttons(refetch(w.routines, post))[like_id].label == "Like (2)", "one like per member"
    await cara.click(post, custom_id=like_id)  # pressed again: cara's like is taken back
    assert buttons(refetch(w.routines, post))[like_id].label == "Like (1)"

    own = await w.alice.click(post, custom_id=like_id)
    assert "your own routine" in text_of(own.followups[-1])

    await w.admin.click(post, custom_id=like_id)
    assert buttons(refetch(w.routines, post))[like_id].label == "Like (2)"
    await env.bot.close()


async def test_save_a_copy(simcord_env):
    env = simcord_env
    w = build_world(env)
    await configure(w)
    await create(w, w.alice, "Leg Day", **{NOTES: "Alice's notes", TAGS: "legs"})
    post = await share(w, w.alice, "Leg Day")

    own = await w.alice.click(post, label="Save a copy")
    assert "your own routine" in text_of(own.response) and own.ephemeral
    assert await env.bot.services.routines.names(w.alice.id, "") == ["Leg Day"]

    await create(w, w.bob, "Leg Day", "Leg Press 3x10")
    saved = await w.bob.click(post, label="Save a copy")
    assert saved.ephemeral and "Saved a copy" in text_of(saved.response)
    assert "`Leg Day (2)`" in text_of(saved.response)
    copy = await env.bot.services.routines.get_own(w.bob.id, "Leg Day (2)")
    original = await env.bot.services.routines.get_own(w.alice.id, "Leg Day")
    assert copy.notation == original.notation and copy.source_routine_id == original.id
    assert copy.notes == "Alice's notes" and copy.tags == ("legs",) and copy.post is None

    twice = await w.bob.click(post, label="Save a copy")
    assert "already saved" in text_of(twice.response)
    assert sorted(await env.bot.services.routines.names(w.bob.id, "")) == ["Leg Day", "Leg Day (2)"]
    await env.bot.close()


async def test_deleting_a_shared_routine_marks_the_post_removed(simcord_env):
    env = simcord_env
    w = build_world(env)
    await configure(w)
    await create(w, w.alice, "Leg Day")
    post = await share(w, w.alice, "Leg Day")
    not_mine = await w.bob.slash(w.general, "routine delete", name="Leg Day")
    assert "no routine called `Leg Day`" in user_error(env, not_mine)

    result = await w.alice.slash(w.general, "routine delete", name="Leg Day")
    assert "Deleted `Leg Day`" in text_of(result.response) and "removed" in text_of(result.response)
    edited = refetch(w.routines, post)
    assert "removed" in text_of(edited)
    assert all(b.disabled for b in buttons(edited).values())
    with pytest.raises(simcord.SetupError):
        await w.bob.click(edited, label="Log it")
    assert await env.bot.services.routines.names(w.alice.id, "") == []
    await env.bot.close()


async def test_buttons_on_a_routine_removed_without_editing_the_post_answer_politely(simcord_env):
    env = simcord_env
    w = build_world(env)
    await configure(w)
    await create(w, w.alice, "Leg Day")
    post = await share(w, w.alice, "Leg Day")
    # e.g. removed by a data deletion, which doesn't edit posts
    await env.bot.services.routines.delete(w.alice.id, "Leg Day")
    for label in ("Save a copy", "Log it", "Like (0)"):
        result = await w.bob.click(post, label=label)
        reply = result.followups[-1] if result.followups else result.response
        assert "removed by its author" in text_of(reply), label
        assert reply.ephemeral
    assert await env.bot.services.workouts.get_session(1) is None
    await env.bot.close()


async def test_buttons_keep_working_after_a_restart(simcord_env, make_bot):
    env = simcord_env
    w = build_world(env)
    await configure(w)
    await create(w, w.alice, "Leg Day")
    post = await share(w, w.alice, "Leg Day")

    await env.restart_bot(make_bot())

    liked = await w.bob.click(post, label="Like (0)")
    assert "You like" in text_of(liked.followups[-1])
    saved = await w.bob.click(post, label="Save a copy")
    assert "Saved a copy" in text_of(saved.response)
    logged = await w.bob.click(post, label="Log it")
    assert "Workout logged: Leg Day" in text_of(logged.response)
    await env.bot.close()


async def test_a_thirty_exercise_routine_renders_within_discord_limits(simcord_env):
    env = simcord_env
    w = build_world(env)
    await configure(w)
    long_name = "Very Long Custom Exercise Name Number"
    lines = [f"{long_name} {i:02d} 20x8-10 @ 102.25kg RPE 9.5 rest 59m59s" for i in range(30)]
    notes = "n" * 1000
    result = await create(w, w.alice, "X" * 80, "\n".join(lines), **{NOTES: notes, TAGS: "a b c d e"})
    assert "Saved" in text_of(result.response)
    post = await share(w, w.alice, "X" * 80)
    for embed in (result.response.embeds[0], post.embeds[0]):
        assert len(embed) <= 6000
        assert len(embed.description or "") <= 4096
        assert len(embed.fields) <= 25 and all(len(f.value or "") <= 1024 for f in embed.fields)
        shown = text_of_embed(embed)
        assert all(f"{long_name} {i:02d}" in shown for i in range(30))
    view = await w.alice.slash(w.general, "routine view", name="X" * 80)
    assert len(view.response.embeds[0]) <= 6000
    await env.bot.close()


def text_of_embed(embed: discord.Embed) -> str:
    return "\n".join([embed.description or ""] + [f.value or "" for f in embed.fields])


async def test_a_routine_named_everyone_pings_nobody(simcord_env):
    env = simcord_env
    w = build_world(env)
    await configure(w)
    result = await create(w, w.alice, "@everyone <@&1> leg day", "Back Squat 3x5")
    assert "@everyone" in text_of(result.response)
    await share(w, w.alice, "@everyone <@&1> leg day")
    posts = [
        r for r in env.http_requests if r.method == "POST" and r.path == f"/channels/{w.routines.id}/messages"
    ]
    assert posts and all(r.json["allowed_mentions"] == {"parse": []} for r in posts)
    replies = [r for r in env.http_requests if r.method == "POST" and r.path.startswith("/webhooks/")]
    assert replies and all(r.json.get("allowed_mentions") == {"parse": []} for r in replies if r.json)
    for message in w.routines.history() + w.general.history(viewer=w.alice):
        assert not message.mention_everyone and not message.role_mentions
    await env.bot.close()


async def test_view_list_and_export_import_round_trip(simcord_env):
    env = simcord_env
    w = build_world(env)
    await configure(w)
    await create(w, w.alice, "Leg Day")
    await create(w, w.alice, "Arms", "Curl 3x10")
    view = await w.alice.slash(w.general, "routine view", name="leg day")
    assert view.response.embeds[0].title == "Leg Day"
    missing = await w.alice.slash(w.general, "routine view", name="Chest Day")
    assert "no routine called `Chest Day`" in user_error(env, missing)

    mine = await w.alice.slash(w.general, "routine list")
    assert "Leg Day" in text_of(mine.response) and "Arms" in text_of(mine.response)
    # Another member's library is private: only what they shared here shows.
    theirs = await w.bob.slash(w.general, "routine list", member=w.alice)
    assert "hasn't shared" in text_of(theirs.response)
    await share(w, w.alice, "Arms")
    theirs = await w.bob.slash(w.general, "routine list", member=w.alice)
    assert "Arms" in text_of(theirs.response) and "Leg Day" not in text_of(theirs.response)

    exported = await w.alice.slash(w.general, "routine export", name="Leg Day")
    content = exported.response.content
    assert "```" in content and "Back Squat 3x5 @ 100kg rest 3m" in content
    code = content[content.index("```") :]
    shown = await w.bob.slash(w.general, "routine import")
    assert set(modal_inputs(shown)) == {NAME, EXERCISES}
    imported = await w.bob.submit_modal(shown, {NAME: "Alice Legs", EXERCISES: code})
    assert "Imported `Alice Legs`" in text_of(imported.response)
    original = await env.bot.services.routines.get_own(w.alice.id, "Leg Day")
    copy = await env.bot.services.routines.get_own(w.bob.id, "Alice Legs")
    assert copy.notation == original.notation
    await env.bot.close()


async def test_browse_pages_filters_by_tag_and_sorts_by_likes(simcord_env):
    env = simcord_env
    w = build_world(env)
    await configure(w)
    for i in range(7):
        await create(w, w.alice, f"Routine {i}", "Back Squat 3x5", **{TAGS: "legs" if i % 2 == 0 else "arms"})
        await share(w, w.alice, f"Routine {i}")
    first = await w.bob.slash(w.general, "routine browse")
    assert first.ephemeral
    text = text_of(first.response)
    assert "Routine 6" in text and "Routine 2" in text and "Routine 1" not in text
    assert "Page 1 of 2" in text
    second = await w.bob.click(first.response, label="Next")
    assert second.acknowledged
    page_two = next(m for m in w.general.history(viewer=w.bob) if m.id == first.response.id)
    assert (
        "Routine 1" in text_of(page_two)
        and "Routine 0" in text_of(page_two)
        and "Page 2 of 2" in text_of(page_two)
    )

    legs = await w.bob.slash(w.general, "routine browse", tag="#Legs")
    assert [f.name for f in legs.response.embeds[0].fields] == [
        "Routine 6",
        "Routine 4",
        "Routine 2",
        "Routine 0",
    ]

    routine = await env.bot.services.routines.get_own(w.alice.id, "Routine 3")
    await env.bot.services.routines.like(routine.id, w.bob.id)
    top = await w.bob.slash(w.general, "routine browse", sort="top")
    assert top.response.embeds[0].fields[0].name == "Routine 3"

    none = await w.bob.slash(w.general, "routine browse", tag="cardio")
    assert "No routines tagged `#cardio`" in text_of(none.response)
    bad = await w.bob.slash(w.general, "routine browse", tag="no way")
    assert "one tag" in user_error(env, bad)
    await env.bot.close()


def test_even_pathological_routines_stay_within_embed_limits():
    from bot.services.routines import custom_exercises, parse_notation

    lines = "\n".join(
        f"{chr(65 + i % 26)}{'_' * 56} {i:02d} 20x8-10 @ 102.25kg RPE 9.5 rest 59m59s" for i in range(30)
    )
    parsed = parse_notation(lines)
    routine = Routine(
        id=1,
        owner_id=2,
        name="*" * 80,
        notation=lines,
        lines=parsed,
        notes="_" * 1000,
        tags=("a" * 20, "b" * 20, "c" * 20, "d" * 20, "e" * 20),
        custom=custom_exercises(parsed, default_catalogue()),
        source_routine_id=None,
        post=None,
        shared_at=None,
        like_count=0,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    for embed in (routine_embed(routine), routine_embed(routine, shared_by=2), removed_embed()):
        assert len(embed) <= 6000 and len(embed.fields) <= 25
        assert len(embed.title or "") <= 256 and len(embed.description or "") <= 4096
        assert all(len(f.value or "") <= 1024 and len(f.name or "") <= 256 for f in embed.fields)
    shown = routine_embed(routine)
    assert "/routine export" in (shown.fields[-1].value or ""), (
        "what doesn't fit is pointed to, not dropped silently"
    )


def test_a_shared_post_links_to_its_message() -> None:
    assert (
        post_url(SharedPost(guild_id=1, channel_id=2, message_id=3)) == "https://discord.com/channels/1/2/3"
    )


async def test_a_post_removed_by_routine_delete_keeps_no_member_text(simcord_env):
    env = simcord_env
    w = build_world(env)
    await configure(w)
    await create(
        w, w.alice, "Alice Secret Legs", "Zercher Hold 3x20s", **{NOTES: "my knee op", TAGS: "rehab"}
    )
    post = await share(w, w.alice, "Alice Secret Legs")
    await w.alice.slash(w.general, "routine delete", name="Alice Secret Legs")
    edited = refetch(w.routines, post)
    shown = text_of(edited)
    assert edited.embeds[0].title == "A routine that was removed"
    for private in ("Alice Secret Legs", "my knee op", "rehab", "Zercher", str(w.alice.id)):
        assert private not in shown, private
    assert not edited.content
    assert all(b.disabled for b in buttons(edited).values())
    await env.bot.close()


async def test_pressing_like_again_takes_the_like_back(simcord_env):
    env = simcord_env
    w = build_world(env)
    await configure(w)
    await create(w, w.alice, "Leg Day")
    post = await share(w, w.alice, "Leg Day")
    routine = await env.bot.services.routines.get_own(w.alice.id, "Leg Day")
    like_id = f"repmate:routine:like:{routine.id}"

    await w.bob.click(post, custom_id=like_id)
    assert buttons(refetch(w.routines, post))[like_id].label == "Like (1)"
    again = await w.bob.click(post, custom_id=like_id)
    said = again.followups[-1]
    assert said.ephemeral and "Like removed" in text_of(said), text_of(said)
    assert buttons(refetch(w.routines, post))[like_id].label == "Like (0)"
    third = await w.bob.click(post, custom_id=like_id)
    assert "You like `Leg Day`" in text_of(third.followups[-1])
    assert buttons(refetch(w.routines, post))[like_id].label == "Like (1)"
    await env.bot.close()


async def test_tags_in_any_script_are_accepted_and_browsable(simcord_env):
    env = simcord_env
    w = build_world(env)
    await configure(w)
    result = await create(w, w.alice, "Грудь", "Bench Press 3x5", **{TAGS: "Грудь, #Kraft-Übung, 脚, 5x5"})
    assert "Saved" in text_of(result.response), text_of(result.response)
    routine = await env.bot.services.routines.get_own(w.alice.id, "Грудь")
    assert routine.tags == ("грудь", "kraft-übung", "脚", "5x5")
    await share(w, w.alice, "Грудь")
    found = await w.bob.slash(w.general, "routine browse", tag="ГРУДЬ")
    assert [f.name for f in found.response.embeds[0].fields] == ["Грудь"]
    assert "tagged `#грудь`" in (found.response.embeds[0].title or "")
    bad = await create(w, w.alice, "Arms", "Curl 3x10", **{TAGS: "big_guns!"})
    text = text_of(bad.response)
    assert "letters (any alphabet), digits and hyphens" in text, text
    assert "lowercase" not in text and "`грудь`" in text
    await env.bot.close()


async def test_share_answers_with_a_jump_to_post_button(simcord_env):
    env = simcord_env
    w = build_world(env)
    await configure(w)
    await create(w, w.alice, "Leg Day")
    result = await w.alice.slash(w.general, "routine share", name="Leg Day")
    post = w.routines.last_message
    assert "Shared `Leg Day`" in text_of(result.response)
    for answer in (result, await w.alice.slash(w.general, "routine share", name="Leg Day")):
        shown = next(m for m in w.general.history(viewer=w.alice) if m.id == answer.response.id)
        assert post.jump_url not in text_of(shown) and "https://" not in text_of(shown)
        [link] = [c for row in shown.components for c in row.children]
        assert link.label == "Jump to post" and link.style is discord.ButtonStyle.link
        assert link.url == post.jump_url
    assert "already shared" in text_of(answer.response)
    await env.bot.close()


async def test_counts_in_lists_read_in_the_right_number(simcord_env):
    env = simcord_env
    w = build_world(env)
    await create(w, w.alice, "Arms", "Curl 3x10")
    mine = await w.alice.slash(w.general, "routine list")
    text = text_of(mine.response)
    assert "1 exercise ·" in text and "1 exercises" not in text and "1 routine" in text
    await env.bot.close()


async def test_an_old_post_never_reaches_a_routine_that_took_its_id(simcord_env):
    """On SQLite a deleted row's id can go to the next new row: an old post's buttons must not
    save, like or log another member's private routine that happens to get that id."""
    env = simcord_env
    w = build_world(env)
    await configure(w)
    await create(w, w.alice, "Push", "Bench Press 3x5 @ 80kg")
    post = await share(w, w.alice, "Push")
    # The post can't be edited when Alice deletes the routine (a Discord error), so it keeps its buttons.
    env.inject_error("PATCH", f"/channels/{w.routines.id}/messages/{post.id}", status=500, times=None)
    deleted = await w.alice.slash(w.general, "routine delete", name="Push")
    assert "Deleted `Push`." in text_of(deleted.response)
    assert "didn't let me update its shared post" in text_of(deleted.response)
    carol = w.guild.add_member(env.create_user("carol"))
    await create(w, carol, "Carol Rehab", "Zercher Hold 3x20s", **{NOTES: "after knee surgery, physio plan"})

    saved = await w.bob.click(refetch(w.routines, post), label="Save a copy")
    assert "Carol Rehab" not in text_of(saved.response)
    assert "isn't shared any more" in text_of(saved.response) and saved.ephemeral
    liked = await w.bob.click(refetch(w.routines, post), label="Like (0)")
    assert "isn't shared any more" in text_of(liked.followups[-1])
    logged = await w.bob.click(refetch(w.routines, post), label="Log it")
    assert "Carol Rehab" not in text_of(logged.response)
    assert "isn't shared any more" in text_of(logged.response)
    listed = text_of((await w.bob.slash(w.general, "routine list")).response)
    assert "Carol Rehab" not in listed, "nothing of Carol's reached Bob's library"
