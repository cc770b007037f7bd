"""/help and /about (SPEC §8)."""

from __future__ import annotations

from dataclasses import dataclass

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import RepmateBot
from bot.ui import COLOUR, clip, reply

NOT_MEDICAL_ADVICE = (
    "Repmate is not a medical service. Its check-ins and the `/shouldistop` triage give general "
    "information to help you decide whether to stop and where to get help; they are not a diagnosis "
    "or treatment. If you're worried, contact a clinician. In an emergency, call your local emergency number."
)


@dataclass(frozen=True)
class Topic:
    title: str
    blurb: str
    commands: tuple[str, ...]


TOPICS: dict[str, Topic] = {
    "start": Topic(
        "Getting started",
        "Set your time zone first so reminders and check-ins arrive at your local times. "
        "Everything you do with Repmate is private to you unless you share it.",
        ("settings", "help", "about"),
    ),
    "routines": Topic(
        "Routines and workout log",
        "Write routines in plain text (`Back Squat 3x5 @ 100kg rest 3m`), share them with the server, "
        "and log what you trained to track personal records and weekly volume.",
        ("routine", "log", "exercise", "plan"),
    ),
    "checkins": Topic(
        "Check-ins and reminders",
        "After you log a workout, Repmate asks by DM how sore you are 24 and 48 hours later, "
        "outside your quiet hours. Daily reminders arrive at the local time you set, "
        "even inside your quiet hours.",
        ("soreness", "remind"),
    ),
    "challenges": Topic(
        "Intervals and challenges",
        "Run a live interval timer (Tabata, EMOM, AMRAP, for-time or your own program) and "
        "compete in the server's challenges.",
        ("interval", "challenge"),
    ),
    "triage": Topic(
        "Should I stop?",
        "A short check that helps you tell ordinary soreness from warning signs and points you to "
        "a clinician, or to emergency care, when those appear. Your answers are never stored.",
        ("shouldistop",),
    ),
    "privacy": Topic(
        "Your data",
        "See everything Repmate stores about you, or delete all of it.",
        ("privacy",),
    ),
    "admins": Topic(
        "For server admins",
        "Choose the channels Repmate posts in, the coach role, and where the triage points members.",
        ("setup", "admin"),
    ),
}


def command_lines(tree: app_commands.CommandTree[RepmateBot], names: tuple[str, ...]) -> list[str]:
    """The live commands of a topic, read from the tree so help never lists a missing command."""
    lines: list[str] = []
    for name in names:
        command = tree.get_command(name)
        if command is None:
            continue
        if isinstance(command, app_commands.Group):
            for sub in command.commands:
                lines.append(f"`/{sub.qualified_name}` — {sub.description}")
        else:
            lines.append(f"`/{command.qualified_name}` — {command.description}")
    return lines


def render_help(tree: app_commands.CommandTree[RepmateBot], topic: str | None) -> discord.Embed:
    if topic is not None:
        entry = TOPICS[topic]
        embed = discord.Embed(title=f"Repmate help · {entry.title}", description=entry.blurb, colour=COLOUR)
        lines = command_lines(tree, entry.commands)
        embed.add_field(name="Commands", value=clip("\n".join(lines) or "None yet.", 1024), inline=False)
        return embed
    embed = discord.Embed(
        title="Repmate help",
        description=(
            "Repmate helps this community train together: share routines, log workouts, get soreness "
            "check-ins and reminders by DM, join interval challenges, and check whether you should stop "
            "when something hurts. Pick a topic with `/help topic:` for details."
        ),
        colour=COLOUR,
    )
    for key, entry in TOPICS.items():
        lines = command_lines(tree, entry.commands)
        if lines:
            names = sorted({line.split("`")[1].split(" ")[0] for line in lines})
            embed.add_field(name=f"{entry.title} (`{key}`)", value=" ".join(names), inline=False)
    embed.set_footer(text="Not medical advice: see /about.")
    return embed


def format_uptime(seconds: float) -> str:
    seconds = int(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


class MetaCog(commands.Cog):
    def __init__(self, bot: RepmateBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="What Repmate does and its commands, by topic")
    @app_commands.describe(topic="A topic to show in detail")
    @app_commands.choices(topic=[app_commands.Choice(name=t.title, value=key) for key, t in TOPICS.items()])
    async def help(self, interaction: discord.Interaction[RepmateBot], topic: str | None = None) -> None:
        await reply(interaction, embed=render_help(self.bot.tree, topic))

    @app_commands.command(name="about", description="Version, uptime and what Repmate is not")
    async def about(self, interaction: discord.Interaction[RepmateBot]) -> None:
        started = self.bot.started_at or self.bot.clock.now()
        uptime = (self.bot.clock.now() - started).total_seconds()
        embed = discord.Embed(title="About Repmate", colour=COLOUR, description=NOT_MEDICAL_ADVICE)
        embed.add_field(name="Version", value=self.bot.version)
        embed.add_field(name="Uptime", value=format_uptime(uptime))
        embed.add_field(name="Servers", value=str(len(self.bot.guilds)))
        await reply(interaction, embed=embed)


async def setup(bot: RepmateBot) -> None:
    await bot.add_cog(MetaCog(bot))
