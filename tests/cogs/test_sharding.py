"""Sharding is configured by settings and every shard's servers are served."""

from __future__ import annotations

import pytest
import simcord
from discord.ext import commands

from bot import Settings, create_bot
from tests.cogs.world import text_of


async def test_sharded_bot_serves_servers_on_its_shards(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bot = create_bot(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/s.db", shard_count=2))
    assert isinstance(bot, commands.AutoShardedBot)
    async with simcord.run(bot, settle_timeout=15) as env:
        for shard in (0, 1):
            guild = env.create_guild(f"Club {shard}", shard_id=shard)
            channel = guild.create_text_channel("general")
            member = guild.add_member(env.create_user(f"m{shard}"))
            result = await member.slash(channel, "help")
            assert "Repmate help" in text_of(result.response)
        assert sorted(bot.shards) == [0, 1]
        await bot.close()


def test_shard_ids_need_a_count_and_must_fit() -> None:
    from bot.errors import ConfigError

    with pytest.raises(ConfigError, match="SHARD_COUNT"):
        Settings(shard_ids=(0,))
    with pytest.raises(ConfigError, match="outside"):
        Settings(shard_count=2, shard_ids=(0, 2))
    assert create_bot(Settings(shard_count=4, shard_ids=(2, 3))).shard_ids == [2, 3]
