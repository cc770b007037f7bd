"""Builders for the virtual server most tests start from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import discord
import simcord


@dataclass
class World:
    env: simcord.Env
    guild: Any
    general: Any
    routines: Any
    challenges: Any
    checkins: Any
    admin: Any
    alice: Any
    bob: Any


def build_world(env: simcord.Env) -> World:
    guild = env.create_guild("Iron Club")
    general = guild.create_text_channel("general")
    routines = guild.create_text_channel("routines")
    challenges = guild.create_text_channel("challenges")
    checkins = guild.create_text_channel("check-ins")
    admins = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    admin = guild.add_member(env.create_user("ada"), roles=[admins])
    alice = guild.add_member(env.create_user("alice"))
    bob = guild.add_member(env.create_user("bob"))
    return World(env, guild, general, routines, challenges, checkins, admin, alice, bob)


def text_of(message: discord.Message | Any) -> str:
    """Everything a member reads in a message: content and every embed's text."""
    parts = [message.content or ""]
    for embed in message.embeds:
        parts += [embed.title or "", embed.description or ""]
        for field in embed.fields:
            parts += [field.name or "", field.value or ""]
        if embed.footer and embed.footer.text:
            parts.append(embed.footer.text)
    return "\n".join(p for p in parts if p)


def user_error(env: simcord.Env, result: Any) -> str:
    """The ephemeral error text a member saw, after checking it came from the error policy.

    SimCord records every error that reaches the command tree; reading them here
    acknowledges the expected one so only unexpected errors fail a test.
    """
    from bot.errors import UserFacingError

    assert result.ephemeral, "errors are shown only to the member"
    simcord.assert_error(env, UserFacingError)
    return text_of(result.response)


async def create_routine(member: Any, channel: Any, name: str, exercises: str, *, tags: str = "") -> Any:
    """Write a routine through `/routine create` and its modal, as a member does."""
    shown = await member.slash(channel, "routine create")
    return await member.submit_modal(
        shown,
        {"routine-name": name, "routine-exercises": exercises, "routine-notes": "", "routine-tags": tags},
    )
