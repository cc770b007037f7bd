"""/exercise through SimCord: info by name and alias, autocomplete, search with paging, errors."""

from __future__ import annotations

import pytest
import simcord

from bot.domain.exercises import default_catalogue
from tests.cogs.world import build_world, text_of, user_error

pytestmark = pytest.mark.simcord(settle_timeout=15)


def seen_by(member, channel, message):  # type: ignore[no-untyped-def]
    """The message as the member sees it now (ephemeral replies need a viewer)."""
    return next(m for m in channel.history(viewer=member) if m.id == message.id)


def field(message, name: str) -> str:  # type: ignore[no-untyped-def]
    return next(f.value for f in message.embeds[0].fields if f.name == name)


async def test_info_shows_muscles_equipment_level_cues_mistakes_and_alternatives(simcord_env):
    env = simcord_env
    w = build_world(env)
    result = await w.alice.slash(w.general, "exercise info", name="Back Squat")
    assert result.ephemeral
    message = result.response
    embed = message.embeds[0]
    assert embed.title == "Back Squat"
    assert field(message, "Primary muscles") == "Quads, Glutes"
    assert "Hamstrings" in field(message, "Secondary muscles")
    assert field(message, "Equipment") == "Barbell"
    assert field(message, "Level") == "Intermediate"
    cues = field(message, "Form cues").splitlines()
    assert 3 <= len(cues) <= 5 and all(c.startswith("• ") for c in cues)
    assert "Knees caving inwards" in field(message, "Common mistakes")
    alternatives = field(message, "Alternatives for the same muscles").splitlines()
    assert 1 <= len(alternatives) <= 5
    squat = default_catalogue().lookup("back squat")
    assert squat is not None
    for line in alternatives:
        name = line.split("**")[1]
        other = default_catalogue().lookup(name)
        assert other is not None and set(other.primary) & set(squat.primary), line
    await env.bot.close()


async def test_info_by_alias_names_the_exercise_and_the_alias(simcord_env):
    env = simcord_env
    w = build_world(env)
    result = await w.alice.slash(w.general, "exercise info", name="RDL")
    embed = result.response.embeds[0]
    assert embed.title == "Romanian Deadlift"
    assert "**RDL** is another name" in embed.description
    assert "Hamstrings" in field(result.response, "Primary muscles")
    await env.bot.close()


async def test_autocomplete_matches_names_and_aliases(simcord_env):
    env = simcord_env
    w = build_world(env)
    choices = await w.alice.autocomplete(w.general, "exercise info", "name", "rdl")
    assert choices[0] == {"name": "Romanian Deadlift · RDL", "value": "Romanian Deadlift"}
    assert {"Dumbbell Romanian Deadlift", "Single-Leg Romanian Deadlift"} <= {c["value"] for c in choices}
    by_name = await w.alice.autocomplete(w.general, "exercise info", "name", "bench")
    assert by_name[0]["value"] == "Bench Press" and by_name[0]["name"] == "Bench Press"
    assert len(await w.alice.autocomplete(w.general, "exercise info", "name", "")) == 25
    await env.bot.close()


async def test_unknown_name_suggests_close_matches_with_an_example(simcord_env):
    env = simcord_env
    w = build_world(env)
    result = await w.alice.slash(w.general, "exercise info", name="Benchh Pres")
    text = user_error(env, result)
    assert "`Benchh Pres` isn't in the exercise library" in text
    assert "Did you mean **Bench Press**" in text
    assert "Example: `/exercise info name:Bench Press`" in text

    nothing = await w.alice.slash(w.general, "exercise info", name="Qwzxv")
    text = user_error(env, nothing)
    assert "isn't in the exercise library" in text and "Did you mean" not in text
    assert "Example:" in text and "/exercise search" in text
    await env.bot.close()


async def test_search_by_muscle_pages_ten_at_a_time_primary_first(simcord_env):
    env = simcord_env
    w = build_world(env)
    expected = [e.name for e in default_catalogue().filter(muscle="glutes")]
    pages = -(-len(expected) // 10)
    assert pages > 2

    result = await w.alice.slash(w.general, "exercise search", muscle="glutes")
    assert result.ephemeral
    message = result.response
    embed = message.embeds[0]
    assert embed.title == "Exercises: Glutes"
    assert embed.footer.text.startswith(f"Page 1 of {pages} · {len(expected)} exercises")
    first = [line.split("**")[1] for line in field(message, "Mainly train Glutes").splitlines()]
    assert first == expected[:10]

    seen = list(first)
    for number in range(2, pages + 1):
        paged = await w.alice.click(message, label="Next")
        assert paged.acknowledged and not paged.followups
        message = seen_by(w.alice, w.general, message)
        embed = message.embeds[0]
        assert embed.footer.text.startswith(f"Page {number} of {pages}")
        names = [
            line.split("**")[1]
            for f in embed.fields
            for line in f.value.splitlines()
            if f.name in ("Mainly train Glutes", "Also work Glutes")
        ]
        assert 1 <= len(names) <= 10
        seen += names
    assert seen == expected
    # Primary matches come first: once a page shows helpers, no later page shows a main mover.
    catalogue = default_catalogue()
    primaries = [("glutes" in catalogue.lookup(n).primary) for n in seen]  # type: ignore[union-attr]
    assert primaries == sorted(primaries, reverse=True) and not all(primaries)

    back = await w.alice.click(message, label="Previous")
    assert back.acknowledged
    message = seen_by(w.alice, w.general, message)
    assert message.embeds[0].footer.text.startswith(f"Page {pages - 1} of {pages}")
    await env.bot.close()


async def test_only_the_searcher_can_page(simcord_env):
    env = simcord_env
    w = build_world(env)
    result = await w.alice.slash(w.general, "exercise search", muscle="quads")
    with pytest.raises(simcord.SetupError, match="not visible to this user"):
        # The results are ephemeral: another member can't see them, let alone press their buttons.
        await w.bob.click(result.response, label="Next")
    paged = await w.alice.click(result.response, label="Next")
    assert paged.acknowledged
    await env.bot.close()


async def test_search_with_both_filters_and_no_results_suggests_a_broader_search(simcord_env):
    env = simcord_env
    w = build_world(env)
    both = await w.alice.slash(w.general, "exercise search", muscle="chest", equipment="dumbbell")
    text = text_of(both.response)
    assert "Exercises: Chest · Dumbbell" in text and "Dumbbell Bench Press" in text

    none = await w.alice.slash(w.general, "exercise search", muscle="neck", equipment="rower")
    assert none.ephemeral
    text = text_of(none.response)
    assert "No exercises in the library train **Neck** and use **Rowing machine**" in text
    assert "`/exercise search muscle:Neck`" in text and "`/exercise search equipment:Rowing machine`" in text
    await env.bot.close()


async def test_search_needs_a_filter(simcord_env):
    env = simcord_env
    w = build_world(env)
    result = await w.alice.slash(w.general, "exercise search")
    text = user_error(env, result)
    assert "Choose a muscle group" in text and "Example: `/exercise search muscle:Glutes`" in text
    await env.bot.close()
