"""/shouldistop through SimCord: what the member sees at each step (SPEC §7, TRIAGE.md §5–6)."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import discord
import pytest
import simcord
from simcord.components import walk_components

from cogs.triage import ENDED_TEXT, NOT_YOURS_TEXT, start_triage
from tests.cogs.world import World, build_world, text_of

#: Loaded on top of the bot's own extensions until it is one of them (never twice).

pytestmark = pytest.mark.simcord(settle_timeout=10)

E_LABELS = [
    "Chest pain or pressure",
    "Struggling to breathe",
    "Fainted, or racing heart with dizziness",
    "Face, arm or speech problem",
    "Weakness or tingling spreading up",
    "Back pain with numbness or bladder change",
    "Dark urine or extreme muscle pain",
    "Severe, tight, swollen limb",
    "Confused or collapsed after long or hot exercise",
    "Limb out of shape, numb or cold",
    "Painful lump in groin or belly",
    "Fever and very unwell",
]
APPLIES = "These apply to me"
NOT_SURE = "Not sure about these"
CHECKLIST_BUTTONS = ["Continue", "None of these", "Show the full questions"]
CLINICIAN = "Riverside Sports Clinic, 0123 456 789"
CLINIC_URL = "https://clinic.example/sports"
IDLE_TEXT = "Run `/shouldistop` again any time."
DISCLAIMER = "This is general information to help you decide whether to stop and where to get help."


# -- helpers -----------------------------------------------------------------------------------


def components(message: Any) -> list[dict[str, Any]]:
    """Every component of a message, as the raw payload the member's client renders."""
    rows = message.components
    if rows and not isinstance(rows[0], dict):
        rows = [row.to_dict() for row in rows]
    return [c for c in walk_components(rows) if c.get("type") != 1]


def menu(message: Any, placeholder: str | None = None) -> dict[str, Any]:
    """The screen's select menu (on a checklist, the one with this placeholder)."""
    found = [
        c
        for c in components(message)
        if c.get("type") == 3 and (placeholder is None or c.get("placeholder") == placeholder)
    ]
    assert len(found) == 1, [c.get("placeholder") for c in found]
    return found[0]


def button(message: Any, label: str) -> dict[str, Any]:
    [found] = [c for c in components(message) if c.get("type") == 2 and c.get("label") == label]
    return found


def button_id(message: Any, label: str) -> str:
    [found] = [c["custom_id"] for c in components(message) if c.get("label") == label]
    return str(found)


def button_labels(message: Any) -> list[str]:
    return [c["label"] for c in components(message) if c.get("type") == 2]


def assert_opaque_ids(message: Any) -> None:
    """Custom ids carry no answer: an error report logs them (TRIAGE.md §6, privacy)."""
    for c in components(message):
        assert re.fullmatch(r"repmate:triage:\d+:[0-9a-f]{12}:[0-9a-f]{8}", c["custom_id"]), c["custom_id"]


def option_labels(message: Any, placeholder: str | None = None) -> list[str]:
    return [option["label"] for option in menu(message, placeholder)["options"]]


def marked(message: Any, placeholder: str) -> list[str]:
    """The values a checklist menu shows as chosen."""
    return [o["value"] for o in menu(message, placeholder)["options"] if o.get("default")]


def titles(message: Any) -> list[str]:
    return [embed.title or "" for embed in message.embeds]


def outcome(message: Any) -> discord.Embed:
    assert len(message.embeds) == 1
    return message.embeds[0]


async def pick(actor: Any, message: Any, values: list[str], placeholder: str | None = None) -> Any:
    result = await actor.select(message, values, custom_id=menu(message, placeholder)["custom_id"])
    assert result.acknowledged
    return result.response


async def answer(actor: Any, message: Any, *, yes: list[str] = (), unsure: list[str] = ()) -> Any:  # type: ignore[assignment]
    """Mark a checklist as a member does (either menu, then Continue) and return what it shows next."""
    if yes:
        message = await pick(actor, message, list(yes), APPLIES)
    if unsure:
        message = await pick(actor, message, list(unsure), NOT_SURE)
    return await press(actor, message, "Continue")


async def press(actor: Any, message: Any, label: str) -> Any:
    result = await actor.click(message, label=label)
    assert result.acknowledged
    return result.response


def assert_each_press_answered_once(env: simcord.Env) -> None:
    """No press was answered twice (the open view and the dynamic item never both reply)."""
    callbacks = Counter(r.path for r in env.http_requests if r.path.endswith("/callback"))
    assert callbacks and set(callbacks.values()) == {1}


async def configured_world(env: simcord.Env) -> World:
    w = build_world(env)
    await w.admin.slash(w.general, "setup emergency-number", number="999")
    await w.admin.slash(w.general, "setup clinician", text=CLINICIAN, url=CLINIC_URL)
    return w


async def start(w: World) -> Any:
    result = await w.alice.slash(w.general, "shouldistop")
    assert result.ephemeral
    return result.response


async def to_context(actor: Any, message: Any) -> Any:
    message = await press(actor, message, "None of these")
    assert titles(message) == ["Step 2 of 4 · Clinician checklist"]
    return await press(actor, message, "None of these")


# -- (a) an emergency sign ---------------------------------------------------------------------


async def test_emergency_mark_leads_with_the_rules_own_action(simcord_env):
    w = await configured_world(simcord_env)
    message = await start(w)

    intro, step = message.embeds
    assert intro.description is not None
    assert intro.description.splitlines()[0] == "**If you're in danger now, call 999.**"
    assert DISCLAIMER in intro.description
    assert step.title == "Step 1 of 4 · Emergency checklist"
    assert step.description is not None
    # A short checklist: each bold label with the question's first clause, not ten paragraphs.
    assert "**Chest pain or pressure** — Any chest pain, pressure, tightness" in step.description
    assert (
        "**Fever and very unwell** — A fever with any of: confusion, a stiff neck, a rash" in step.description
    )
    assert "Sore chest muscles you trained" not in step.description
    assert option_labels(message, APPLIES) == E_LABELS
    assert option_labels(message, NOT_SURE) == E_LABELS
    first = menu(message, APPLIES)["options"][0]
    assert first["description"].startswith("Any chest pain, pressure")
    assert all(len(o["description"]) <= 100 for o in menu(message, APPLIES)["options"])
    assert menu(message, APPLIES)["max_values"] == 12 and menu(message, APPLIES)["min_values"] == 0
    assert button_labels(message) == CHECKLIST_BUTTONS
    assert button(message, "Continue").get("disabled"), "nothing marked yet: nothing to continue with"

    marked_screen = await pick(w.alice, message, ["E7"], APPLIES)
    assert marked(marked_screen, APPLIES) == ["E7"]
    assert "**These apply to me:** Dark urine or extreme muscle pain" in text_of(marked_screen)
    assert button(marked_screen, "None of these").get("disabled"), "a marked yes can't be dropped"
    shown = await press(w.alice, marked_screen, "Continue")

    assert shown.ephemeral
    embed = outcome(shown)
    assert embed.title is not None and embed.title.startswith("Emergency")
    assert embed.description is not None
    assert embed.description.splitlines()[0] == (
        "**Stop training and get urgent or emergency care today. Say you exercised hard and ask for "
        "a CK blood test. Sip water on the way.**"
    )
    assert "Call 999 or go to an emergency department" not in embed.description, "one action, not two"
    fields = {field.name: field.value or "" for field in embed.fields}
    assert fields["What led here"] == "- Dark urine or extreme muscle pain"
    assert "If it gets worse" not in fields
    care = fields["Where to get help"].splitlines()
    assert care[0] == "Emergency number: 999", "the number comes before the clinician"
    assert CLINICIAN in care[1:] and CLINIC_URL in care[1:]
    assert embed.footer.text is not None and embed.footer.text.startswith(DISCLAIMER)
    assert embed.footer.text.endswith("Rule set 1.1")
    assert embed.colour == discord.Colour(0xD83C3E)
    assert components(shown) == [], "the outcome has nothing left to press"
    assert not simcord_env.bot.get_cog("Triage").flows, "the answers are let go with the outcome"


async def test_chest_pain_says_stop_now_once_and_no_act_now(simcord_env):
    w = await configured_world(simcord_env)
    shown = await answer(w.alice, await start(w), yes=["E1"])
    text = text_of(shown)
    assert text.count("Stop now") == 1
    assert "Act now" not in text
    assert (outcome(shown).description or "").startswith("**Stop now. Sit down and call 999.")


async def test_the_full_questions_are_one_tap_away(simcord_env):
    w = await configured_world(simcord_env)
    message = await start(w)

    full = await press(w.alice, message, "Show the full questions")

    step = full.embeds[1].description or ""
    assert "**Chest pain or pressure.** Any chest pain, pressure, tightness or squeezing" in step
    assert "Sore chest muscles you trained" in step and "If you can't tell, choose Not sure." in step
    assert "A head rush on standing up that cleared within seconds is not this." in step
    assert button_labels(full) == ["Continue", "None of these", "Show the short list"]
    short = await press(w.alice, full, "Show the short list")
    assert "Sore chest muscles" not in (short.embeds[1].description or "")


# -- (b) yes and not sure in the same step ----------------------------------------------------


async def test_a_yes_and_a_not_sure_in_one_step_is_an_emergency_with_the_yes_first(simcord_env):
    w = await configured_world(simcord_env)
    message = await start(w)

    message = await pick(w.alice, message, ["E1"], APPLIES)
    message = await pick(w.alice, message, ["E2"], NOT_SURE)
    assert marked(message, APPLIES) == ["E1"] and marked(message, NOT_SURE) == ["E2"]
    shown = await press(w.alice, message, "Continue")

    embed = outcome(shown)
    assert (embed.title or "").startswith("Emergency")
    assert (embed.description or "").splitlines()[0].startswith("**Stop now. Sit down and call 999.")
    fields = {field.name: field.value or "" for field in embed.fields}
    assert fields["What led here"] == "- Chest pain or pressure\n- Struggling to breathe (not sure)"
    assert "nurse line" not in text_of(shown), "no second, weaker instruction in an emergency"


async def test_an_item_marked_in_both_menus_counts_as_yes(simcord_env):
    w = await configured_world(simcord_env)
    shown = await answer(w.alice, await start(w), yes=["E4"], unsure=["E4", "E9"])
    assert (outcome(shown).title or "").startswith("Emergency")
    assert "Face, arm or speech problem (not sure)" not in text_of(shown)
    assert "- Face, arm or speech problem\n" in text_of(shown)


async def test_only_not_sure_about_an_emergency_sign_sees_a_clinician_now(simcord_env):
    w = await configured_world(simcord_env)
    message = await start(w)

    shown = await answer(w.alice, message, unsure=["E2"])

    embed = outcome(shown)
    assert embed.title is not None and embed.title.startswith("See a clinician")
    assert "You weren't sure about: *Struggling to breathe*." in (embed.description or "")
    assert "Call an urgent medical advice line now" in (embed.description or "")
    assert "If it gets worse, call 999." in (embed.description or "")
    assert "Struggling to breathe (not sure)" in text_of(shown)
    assert embed.colour == discord.Colour(0xE8A33D)


async def test_none_of_these_is_refused_while_something_is_marked(simcord_env):
    env = simcord_env
    w = await configured_world(env)
    message = await pick(w.alice, await start(w), ["E3"], APPLIES)

    again = await forged_press(env, w.alice, message, button_id(message, "None of these"))

    assert again.acknowledged
    assert titles(again.response) == ["", "Step 1 of 4 · Emergency checklist"], "the yes was not dropped"
    assert marked(again.response, APPLIES) == ["E3"]
    cleared = await pick(w.alice, again.response, [], APPLIES)
    assert not button(cleared, "None of these").get("disabled")
    assert button(cleared, "Continue").get("disabled")


# -- (c) ordinary soreness ---------------------------------------------------------------------


async def test_usual_soreness_keeps_going_with_care_and_never_says_youre_fine(simcord_env):
    w = await configured_world(simcord_env)
    message = await start(w)

    clinician = await press(w.alice, message, "None of these")
    assert titles(clinician) == ["Step 2 of 4 · Clinician checklist"]
    values = [o["value"] for o in menu(clinician, APPLIES)["options"]]
    assert "S6" not in values
    assert values == ["S1", "S2", "S3", "S4", "S5", "S7", "S8", "S9", "S10", "S11", "S12", "S13"]
    assert "**One calf or leg swollen or warm** — Is one calf or leg (not both) swollen" in (
        clinician.embeds[0].description or ""
    )

    time = await press(w.alice, clinician, "None of these")
    assert titles(time) == ["Step 3 of 4 · Context"]
    assert "Time since the workout" in (time.embeds[0].description or "")
    assert button_labels(time) == [
        "During it",
        "Under 24 h",
        "1–2 days",
        "2–3 days",
        "3–4 days",
        "4–7 days",
        "Over a week",
        "Not sure",
        "Back",
        "Start over",
    ]
    assert {button(time, label).get("style") for label in button_labels(time)} == {2}, "none looks chosen"

    assert_opaque_ids(time)
    improving = await press(w.alice, time, "1–2 days")
    assert "Getting better?" in (improving.embeds[0].description or "")
    where = await press(w.alice, improving, "Better")
    assert "Where is it?" in (where.embeds[0].description or "")
    assert option_labels(where)[0] == "Worked muscles"
    kind = await pick(w.alice, where, ["worked_muscles"])
    assert "What kind of pain?" in (kind.embeds[0].description or "")
    last = await pick(w.alice, kind, ["dull_ache"])

    assert titles(last) == ["Step 4 of 4 · Last questions"]
    assert option_labels(last, APPLIES) == [
        "Sudden sharp pain in one spot",
        "Dizzy, sweaty, sick in the heat",
        "So sore I can't move normally",
        "Usual day-after soreness",
    ], "the burn-during-the-set question is only for a burn"
    assert "None of these" in button_labels(last)
    assert_opaque_ids(last)

    shown = await answer(w.alice, last, yes=["O1"])

    embed = outcome(shown)
    assert embed.title is not None and embed.title.startswith("Keep going, with care")
    text = text_of(shown)
    assert "sounds consistent with ordinary post-workout soreness" in text
    assert text.casefold().count("consistent with ordinary") == 1, "the summary is said once"
    assert "you're fine" not in text.casefold() and "just doms" not in text.casefold()
    fields = {field.name: field.value or "" for field in embed.fields}
    assert fields["What you told us"] == (
        "Time since the workout: 1–2 days\n"
        "Getting better? Better\n"
        "Where is it? Worked muscles\n"
        "What kind of pain? Dull ache"
    )
    assert "When to re-check" in fields and "If it gets worse" in fields
    assert "Emergency number: 999" in fields["Where to get help"]
    assert embed.colour == discord.Colour(0x2F9E72)
    assert_each_press_answered_once(simcord_env)


async def test_one_spot_on_a_bone_sees_a_clinician(simcord_env):
    w = await configured_world(simcord_env)
    time = await to_context(w.alice, await start(w))
    improving = await press(w.alice, time, "2–3 days")
    where = await press(w.alice, improving, "Better")

    shown = await pick(w.alice, where, ["bone_spot"])

    embed = outcome(shown)
    assert (embed.title or "").startswith("See a clinician")
    fields = {field.name: field.value or "" for field in embed.fields}
    assert fields["What led here"] == "- Swollen joint, or pain on one spot of bone"
    assert "Pain in one spot on a bone: see a clinician within a day or two" in (embed.description or "")


async def test_a_burn_during_the_set_offers_only_the_burn_and_a_joint_not_usual_soreness(simcord_env):
    w = await configured_world(simcord_env)
    time = await to_context(w.alice, await start(w))
    where = await press(w.alice, await press(w.alice, time, "Under 24 h"), "Not sure")
    kind = await pick(w.alice, where, ["joint"])
    last = await pick(w.alice, kind, ["burning_during_set"])
    assert option_labels(last, APPLIES) == [
        "Sudden sharp pain in one spot",
        "Dizzy, sweaty, sick in the heat",
        "So sore I can't move normally",
        "Burn during the set only",
    ]


async def test_not_improving_at_three_to_four_days_is_not_yet_lasting(simcord_env):
    w = await configured_world(simcord_env)
    time = await to_context(w.alice, await start(w))
    where = await press(w.alice, await press(w.alice, time, "3–4 days"), "Same or worse")
    last = await pick(w.alice, await pick(w.alice, where, ["worked_muscles"]), ["dull_ache"])
    shown = await answer(w.alice, last, yes=["O1"])
    assert (outcome(shown).title or "").startswith("Rest and monitor"), "84 h worse: no S6, O1 outside 72 h"

    time = await to_context(w.alice, await start(w))
    where = await press(w.alice, await press(w.alice, time, "4–7 days"), "Same or worse")
    last = await pick(w.alice, await pick(w.alice, where, ["worked_muscles"]), ["dull_ache"])
    shown = await answer(w.alice, last, yes=["O1"])
    assert (outcome(shown).title or "").startswith("See a clinician")
    assert "- Lasting longer than usual" in text_of(shown)


# -- (d) back and start over -------------------------------------------------------------------


async def test_back_and_start_over(simcord_env):
    w = await configured_world(simcord_env)
    message = await start(w)
    assert "Back" not in button_labels(message) and "Start over" not in button_labels(message)

    step2 = await press(w.alice, message, "None of these")
    assert button_labels(step2) == [*CHECKLIST_BUTTONS, "Back", "Start over"]
    step1 = await press(w.alice, step2, "Back")
    assert titles(step1) == ["", "Step 1 of 4 · Emergency checklist"]
    assert step1.embeds[0].description.startswith("**If you're in danger now, call 999.**")

    step2 = await press(w.alice, step1, "None of these")
    marking = await pick(w.alice, step2, ["S9"], NOT_SURE)
    assert marked(marking, NOT_SURE) == ["S9"]
    step1 = await press(w.alice, marking, "Back")
    assert titles(step1) == ["", "Step 1 of 4 · Emergency checklist"], "marks are not a step of their own"
    step2 = await press(w.alice, step1, "None of these")
    assert titles(step2) == ["Step 2 of 4 · Clinician checklist"]
    assert marked(step2, NOT_SURE) == [], "a screen shown again starts unmarked"

    time = await press(w.alice, step2, "None of these")
    improving = await press(w.alice, time, "4–7 days")
    restarted = await press(w.alice, improving, "Start over")
    assert titles(restarted) == ["", "Step 1 of 4 · Emergency checklist"]
    assert button_labels(restarted) == CHECKLIST_BUTTONS

    # Nothing from before the start over survives: the same path asks the time again.
    time = await to_context(w.alice, restarted)
    assert "Time since the workout" in (time.embeds[0].description or "")
    assert_each_press_answered_once(simcord_env)


# -- (e) only the member who started it --------------------------------------------------------


async def forged_press(env: simcord.Env, actor: Any, message: Any, custom_id: str) -> Any:
    """A press by ``actor`` on a message they cannot see (a real client can't, which is the point).

    SimCord refuses to let a member reach someone else's ephemeral message, so this sends the
    same gateway interaction its click would, to show the bot refuses it even then.
    """
    from simcord.actors import _component_interaction

    stored = env.backend.get_message(message.channel_id, message.id)
    data = {"custom_id": custom_id, "component_type": 2}
    return await _component_interaction(actor, stored, data)


async def test_another_member_is_refused_and_nothing_changes(simcord_env):
    env = simcord_env
    w = await configured_world(env)
    message = await start(w)

    with pytest.raises(simcord.SetupError):
        await w.bob.click(message, label="None of these")

    before = text_of(message)
    refused = await forged_press(env, w.bob, message, button_id(message, "None of these"))
    assert refused.ephemeral
    assert text_of(refused.response) == NOT_YOURS_TEXT
    assert text_of(message) == before
    assert titles(message) == ["", "Step 1 of 4 · Emergency checklist"]

    step2 = await press(w.alice, message, "None of these")
    assert titles(step2) == ["Step 2 of 4 · Clinician checklist"]


async def test_a_second_press_on_an_earlier_screen_is_ignored(simcord_env):
    env = simcord_env
    w = await configured_world(env)
    message = await start(w)
    old_none = button_id(message, "None of these")
    step2 = await press(w.alice, message, "None of these")

    again = await forged_press(env, w.alice, step2, old_none)

    assert again.acknowledged
    assert titles(again.response) == ["Step 2 of 4 · Clinician checklist"], "step 2 is not skipped"


# -- (f) idle timeout --------------------------------------------------------------------------


async def test_idle_check_ends_with_the_rule_sets_idle_text(simcord_env):
    env = simcord_env
    w = await configured_world(env)
    message = await start(w)
    step2 = await press(w.alice, message, "None of these")

    await env.advance_time(590)
    assert titles(step2) == ["Step 2 of 4 · Clinician checklist"]
    await env.advance_time(11)

    [shown] = [m for m in w.general.history(viewer=w.alice) if m.id == step2.id]
    assert text_of(shown).endswith(IDLE_TEXT)
    assert "If you're in danger now, call 999." in text_of(shown)
    assert shown.components == []
    assert not env.bot.get_cog("Triage").flows


async def test_idle_check_ends_even_if_nothing_was_pressed(simcord_env):
    env = simcord_env
    w = await configured_world(env)
    message = await start(w)

    await env.advance_time(601)

    [shown] = [m for m in w.general.history(viewer=w.alice) if m.id == message.id]
    assert text_of(shown).endswith(IDLE_TEXT)
    assert shown.components == []


# -- (g) in DMs --------------------------------------------------------------------------------


async def test_in_dms_the_members_last_server_settings_apply(simcord_env):
    w = await configured_world(simcord_env)
    await w.alice.slash(w.general, "settings show")  # the server the member last used Repmate in

    result = await w.alice.user.slash("shouldistop")

    message = result.response
    assert not message.ephemeral, "a DM is already private"
    assert (message.embeds[0].description or "").startswith("**If you're in danger now, call 999.**")
    shown = await answer(w.alice.user, message, yes=["E1"], unsure=["E12"])
    embed = outcome(shown)
    assert (embed.title or "").startswith("Emergency")
    assert (embed.description or "").splitlines()[0] == (
        "**Stop now. Sit down and call 999. Don't drive yourself. "
        "Get checked straight away, even if it eases.**"
    )
    assert "- Chest pain or pressure\n- Fever and very unwell (not sure)" in text_of(shown)
    assert CLINICIAN in text_of(shown)


async def test_in_dms_without_a_known_server_the_default_wording_applies(simcord_env):
    env = simcord_env
    w = build_world(env)
    carol = w.guild.add_member(env.create_user("carol"))

    result = await carol.user.slash("shouldistop")

    message = result.response
    assert message.embeds[0].description.startswith(
        "**If you're in danger now, call your local emergency number.**"
    )
    shown = await answer(carol.user, message, unsure=["E9"])
    assert (outcome(shown).title or "").startswith("See a clinician")
    assert "If it gets worse, call your local emergency number." in text_of(shown)


# -- the entry point other features call -------------------------------------------------------


class SomethingFeelsWrong(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"probe:triage:(\d+)"):
    """Stands in for the soreness check-in's `Something feels wrong` button."""

    def __init__(self, guild_id: int) -> None:
        super().__init__(
            discord.ui.Button(label="Something feels wrong", custom_id=f"probe:triage:{guild_id}")
        )
        self.guild_id = guild_id

    @classmethod
    async def from_custom_id(cls, interaction, item, match, /):  # type: ignore[no-untyped-def]
        return cls(int(match[1]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await start_triage(interaction, hours_hint=30.0, guild_id=self.guild_id)


async def test_start_triage_from_a_dm_button_skips_the_known_time(simcord_env):
    env = simcord_env
    w = await configured_world(env)
    env.bot.add_dynamic_items(SomethingFeelsWrong)
    view = discord.ui.View(timeout=None)
    view.add_item(SomethingFeelsWrong(w.guild.id))
    user = await env.bot.fetch_user(w.alice.id)
    await user.send("How sore are you today?", view=view)
    [checkin] = [m for m in w.alice.user.dm_channel.history() if m.content.startswith("How sore")]

    opened = await w.alice.user.click(checkin, label="Something feels wrong")

    message = opened.followups[0] if opened.followups else opened.response
    assert message.embeds[0].description.startswith("**If you're in danger now, call 999.**")
    step2 = await press(w.alice.user, message, "None of these")
    improving = await press(w.alice.user, step2, "None of these")
    assert "Getting better?" in (improving.embeds[0].description or ""), "the time came from the check-in"
    where = await press(w.alice.user, improving, "Same or worse")
    kind = await press(w.alice.user, where, "None of these")
    last = await press(w.alice.user, kind, "None of these")
    shown = await answer(w.alice.user, last, yes=["O1"])
    assert (outcome(shown).title or "").startswith("Keep going, with care")
    assert "Time since the workout: 30 h" in text_of(shown)


# -- (h) after a restart -----------------------------------------------------------------------


async def test_old_buttons_answer_politely_after_a_restart(simcord_env, make_bot):
    env = simcord_env
    w = await configured_world(env)
    message = await start(w)
    step2 = await press(w.alice, message, "None of these")

    await env.restart_bot(make_bot())
    assert env.bot.get_cog("Triage") is not None

    result = await w.alice.click(step2, label="Back")

    assert result.acknowledged
    assert text_of(result.response) == ENDED_TEXT
    assert components(result.response) == []
    assert_each_press_answered_once(env)


async def test_an_old_menu_answers_politely_after_a_restart(simcord_env, make_bot):
    env = simcord_env
    w = await configured_world(env)
    message = await start(w)

    await env.restart_bot(make_bot())

    shown = await pick(w.alice, message, ["E3"], APPLIES)
    assert text_of(shown) == ENDED_TEXT
