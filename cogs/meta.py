"""/help and /about (SPEC §8)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import RepmateBot
from bot.services.settings import DEFAULT_EMERGENCY_TEXT
from bot.ui import COLOUR, FIELD_MAX, RepmateView, clip, reply

Interaction = discord.Interaction[RepmateBot]

NOT_MEDICAL_ADVICE = (
    "Repmate is not a medical service. Its check-ins and the `/shouldistop` triage give general "
    "information to help you decide whether to stop and where to get help; they are not a diagnosis "
    "or treatment. If you're worried, contact a clinician. In an emergency, call {emergency_number}."
)

#: Top-level commands only the bot's owners can run (``/admin`` checks ``is_owner``), so
#: help never shows them to anyone else.
OWNER_ONLY = frozenset({"admin"})


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
        "and log what you trained to track personal records and weekly volume. After a workout and in "
        '`/routine view` you get a "next time" line per exercise (`/settings progression` turns them off). '
        "`/program start` runs 5/3/1, GZCLP, PPL or Couch to 5K: it builds your routines and weekly plan, "
        "and logging the day's session moves the program on. `/log import` brings "
        "in your history from a Strong or Hevy CSV export, or the CSV `/log export` writes "
        "(its columns are in the README). `/readiness` draws how "
        "recovered each muscle group is from your log and soreness ratings, and what to train today "
        "(a training aid, not a medical measure). `/streak` counts the "
        "weeks you meet your weekly target and, with a plan, your training days, on your own local days.",
        ("routine", "log", "exercise", "plan", "program", "readiness", "streak"),
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
    "sessions": Topic(
        "Group sessions",
        "Classes and group runs that admins and coaches schedule, also listed in Discord's Events. "
        "Press **I'm in** (or Interested) for a DM 30 minutes before; the live timer starts on its own, "
        "with audio cues in the voice channel when the bot can speak there. Half the session in its voice "
        "channel, or **I was there** within two hours of the end, logs it as a workout.",
        ("session",),
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
        "Choose the channels Repmate posts in, the coach role, and where the triage points members; "
        "set the server's time zone, a weekly recap post and milestone roles. "
        "These commands need the **Manage Server** permission.",
        ("setup", "admin"),
    ),
}


@dataclass(frozen=True)
class Viewer:
    """Who is reading help, for showing only the commands they can use."""

    permissions: discord.Permissions
    in_guild: bool
    owner: bool

    @classmethod
    async def of(cls, interaction: Interaction) -> Viewer:
        return cls(
            permissions=interaction.permissions,
            in_guild=interaction.guild_id is not None,
            owner=await interaction.client.is_owner(interaction.user),
        )

    def can_use(self, command: app_commands.Command[Any, ..., Any] | app_commands.Group) -> bool:
        """Owner-only commands for owners; ``default_permissions`` (which Discord also uses to
        hide a command) for members who have them; server-only commands only in a server.

        A server can grant a command to other roles in its integration settings; help doesn't
        read those overrides, so it errs on the side of not listing.
        """
        if command.name in OWNER_ONLY:
            # Its default permission only hides it from most members; ownership is the real gate.
            return self.owner
        if command.guild_only and not self.in_guild:
            return False
        needed = command.default_permissions
        if needed is None or self.permissions.administrator:
            return True
        return needed.value & ~self.permissions.value == 0


def command_lines(
    tree: app_commands.CommandTree[RepmateBot], names: tuple[str, ...], viewer: Viewer
) -> list[str]:
    """The live commands of a topic that the viewer can use, read from the tree so help never
    lists a missing command (nor one the member would be refused)."""
    lines: list[str] = []
    for name in names:
        command = tree.get_command(name)
        if command is None or isinstance(command, app_commands.ContextMenu) or not viewer.can_use(command):
            continue
        if isinstance(command, app_commands.Group):
            for sub in command.commands:
                lines.append(f"`/{sub.qualified_name}` — {sub.description}")
        else:
            lines.append(f"`/{command.qualified_name}` — {command.description}")
    return lines


def visible_topics(tree: app_commands.CommandTree[RepmateBot], viewer: Viewer) -> list[str]:
    """Topics with at least one command the viewer can use, in menu order."""
    return [key for key, entry in TOPICS.items() if command_lines(tree, entry.commands, viewer)]


def render_help(
    tree: app_commands.CommandTree[RepmateBot], topic: str | None, viewer: Viewer
) -> discord.Embed:
    if topic is not None:
        entry = TOPICS[topic]
        embed = discord.Embed(title=f"Repmate help · {entry.title}", description=entry.blurb, colour=COLOUR)
        lines = command_lines(tree, entry.commands, viewer)
        empty = "None you can use here." if viewer.in_guild else "None you can use in DMs; try in a server."
        embed.add_field(name="Commands", value=clip("\n".join(lines) or empty, FIELD_MAX), inline=False)
        return embed
    embed = discord.Embed(
        title="Repmate help",
        description=(
            "Repmate helps this community train together: share routines, log workouts, get soreness "
            "check-ins and reminders by DM, join interval challenges, and check whether you should stop "
            "when something hurts. Pick a topic in the menu below, or with `/help topic:`, for details."
        ),
        colour=COLOUR,
    )
    for key in visible_topics(tree, viewer):
        entry = TOPICS[key]
        lines = command_lines(tree, entry.commands, viewer)
        names = sorted({line.split("`")[1].split(" ")[0] for line in lines})
        embed.add_field(name=entry.title, value=" ".join(names), inline=False)
    embed.set_footer(text="Not medical advice: see /about.")
    return embed


class TopicSelect(discord.ui.Select["TopicMenu"]):
    def __init__(self, topics: list[str], chosen: str | None) -> None:
        super().__init__(
            placeholder="Pick a topic",
            options=[
                discord.SelectOption(label=TOPICS[key].title, value=key, default=key == chosen)
                for key in topics
            ],
        )

    async def callback(self, interaction: Interaction) -> None:  # type: ignore[override]
        assert self.view is not None
        topic = self.values[0]
        viewer = await Viewer.of(interaction)
        tree = interaction.client.tree
        menu = TopicMenu(self.view.owner_id, visible_topics(tree, viewer), topic)
        await interaction.response.edit_message(embed=render_help(tree, topic, viewer), view=menu)


class TopicMenu(RepmateView):
    """The overview's topic menu: the same labels as the ``topic`` option, for the member who asked."""

    def __init__(self, owner_id: int, topics: list[str], chosen: str | None = None) -> None:
        super().__init__(timeout=10 * 60)
        self.owner_id = owner_id
        self.add_item(TopicSelect(topics, chosen))

    async def interaction_check(self, interaction: Interaction) -> bool:  # type: ignore[override]
        if interaction.user.id != self.owner_id:
            await reply(interaction, "This menu belongs to whoever ran `/help`; run it yourself.")
            return False
        return True


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
    async def help(self, interaction: Interaction, topic: str | None = None) -> None:
        viewer = await Viewer.of(interaction)
        if topic is not None:
            await reply(interaction, embed=render_help(self.bot.tree, topic, viewer))
            return
        topics = visible_topics(self.bot.tree, viewer)
        embed = render_help(self.bot.tree, None, viewer)
        if topics:
            await reply(interaction, embed=embed, view=TopicMenu(interaction.user.id, topics))
        else:
            await reply(interaction, embed=embed)

    @app_commands.command(name="about", description="Version, uptime and what Repmate is not")
    async def about(self, interaction: Interaction) -> None:
        await interaction.response.defer(ephemeral=True)
        started = self.bot.started_at or self.bot.clock.now()
        uptime = (self.bot.clock.now() - started).total_seconds()
        number = await self._emergency_number(interaction)
        embed = discord.Embed(
            title="About Repmate",
            colour=COLOUR,
            description=NOT_MEDICAL_ADVICE.format(emergency_number=number),
        )
        embed.add_field(name="Version", value=self.bot.version)
        embed.add_field(name="Uptime", value=format_uptime(uptime))
        if await self.bot.is_owner(interaction.user):
            embed.add_field(name="Servers", value=str(len(self.bot.guilds)))
        await reply(interaction, embed=embed)

    async def _emergency_number(self, interaction: Interaction) -> str:
        """The server's emergency number; in DMs, that of the server the member last used
        Repmate in — the same server /shouldistop's care details come from."""
        guild_id = interaction.guild_id
        if guild_id is None:
            guild_id = (await self.bot.services.members.get(interaction.user.id)).last_guild_id
        if guild_id is None:
            return DEFAULT_EMERGENCY_TEXT
        return (await self.bot.services.guilds.get(guild_id)).emergency_number or DEFAULT_EMERGENCY_TEXT


async def setup(bot: RepmateBot) -> None:
    await bot.add_cog(MetaCog(bot))
