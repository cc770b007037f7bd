from __future__ import annotations

import pytest

from tests.cogs.world import build_world, text_of

pytestmark = pytest.mark.simcord(settle_timeout=10)


def _syncs(env) -> int:  # type: ignore[no-untyped-def]
    return sum(1 for r in env.http_requests if r.method == "PUT" and r.path.endswith("/commands"))


async def test_configuration_survives_a_restart_and_commands_are_not_resynced(simcord_env, make_bot):
    env = simcord_env
    w = build_world(env)
    await w.admin.slash(w.general, "setup channels", routines=w.routines, challenges=w.challenges)
    await w.alice.slash(w.general, "settings timezone", zone="Australia/Lord_Howe")
    assert _syncs(env) == 1

    await env.restart_bot(make_bot())

    assert _syncs(env) == 1, "an unchanged command tree must not be synced again"
    shown = await w.admin.slash(w.general, "setup show")
    assert f"<#{w.routines.id}>" in text_of(shown.response)
    mine = await w.alice.slash(w.general, "settings show")
    assert "Australia/Lord_Howe" in text_of(mine.response)
