"""The one error policy, as a member meets it when the database or the bot fails."""

from __future__ import annotations

import logging
import re

import pytest
import simcord
from sqlalchemy import exc

from tests.cogs.world import build_world, text_of

pytestmark = pytest.mark.simcord(settle_timeout=10)


def locked() -> exc.OperationalError:
    return exc.OperationalError("UPDATE members SET …", {}, Exception("database is locked"))


async def test_a_locked_database_gets_a_busy_answer_with_a_reference(simcord_env, monkeypatch, caplog):
    env = simcord_env
    w = build_world(env)

    async def fail(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise locked()

    monkeypatch.setattr(env.bot.services.members, "get", fail)
    with caplog.at_level(logging.ERROR):
        result = await w.alice.slash(w.general, "settings show")

    assert result.ephemeral
    text = text_of(result.response)
    assert text.startswith("My database is busy right now, so that didn't go through.")
    [ref] = re.findall(r"ref `([0-9A-F]{6})`", text)
    assert any(ref in record.getMessage() for record in caplog.records), "the log has the same reference"
    simcord.assert_error(env, exc.OperationalError)


async def test_a_bug_gets_an_apology_with_a_reference_not_a_busy_answer(simcord_env, monkeypatch):
    env = simcord_env
    w = build_world(env)

    async def fail(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("a bug")

    monkeypatch.setattr(env.bot.services.members, "get", fail)
    result = await w.alice.slash(w.general, "settings show")

    text = text_of(result.response)
    assert text.startswith("Something went wrong on my side, sorry.")
    assert re.search(r"ref `[0-9A-F]{6}`", text)
    simcord.assert_error(env, RuntimeError)
