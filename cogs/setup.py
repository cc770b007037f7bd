"""/setup: where the bot posts, who coaches, where triage points members (SPEC §2)."""

from __future__ import annotations

from collections.abc import Sequence

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import RepmateBot
from bot.domain import localtime
from bot.errors import UserFacingError
from bot.runtime.kinds import Delivery, Outgoing
from bot.services.milestones import Milestone, describe
from bot.services.notices import KIND as NOTICE_KIND
from bot.services.notices import PostProblem
from bot.services.recaps import DAY_KEYS, DAY_NAMES
from bot.services.settings import DEFAULT_EMERGENCY_TEXT, GuildConfig
from bot.ui import COLOUR, Block, clip, discord_time, fit_embed, missing_post_permissions, reply


def check_can_post(channel: discord.abc.GuildChannel, me: discord.Member, purpose: str) -> None:
    missing = missing_post_permissions(channel, me)
    if missing:
        raise UserFacingError(
            f"I can't post {purpose} in {channel.mention}: I'm missing **{', '.join(missing)}** there. "
            "Give my role those permissions in the channel settings, or pick another channel."
        )


def check_can_grant(role: discord.Role, me: discord.Member) -> None:
    """Refuse a role the bot could never grant, before anything is saved."""
    example = "`/setup milestone-role kind:sessions at:50 role:@50 Club`"
    if role.is_default() or role.managed:
        raise UserFacingError(
            f"{role.mention} can't be granted by anyone (it's @everyone or belongs to an integration); "
            "nothing was saved. Pick an ordinary role.",
            example=example,
        )
    if not me.guild_permissions.manage_roles:
        raise UserFacingError(
            "I don't have the **Manage Roles** permission, so I couldn't grant that role; nothing was saved. "
            "Give my role Manage Roles in Server Settings → Roles, then try again.",
            example=example,
        )
    if role >= me.top_role:
        raise UserFacingError(
            f"{role.mention} sits above (or at) my highest role, {me.top_role.mention}, so Discord won't let "
            "me grant it; nothing was saved. Drag my role above it in Server Settings → Roles, or pick a "
            "lower role.",
            example=example,
        )


def render_milestones(found: list[Milestone]) -> discord.Embed:
    embed = discord.Embed(title="Milestone roles", colour=COLOUR)
    if not found:
        embed.description = (
            "None yet. Add one with `/setup milestone-role kind:sessions at:50 role:@50 Club`."
        )
        return embed
    lines = []
    for m in found:
        line = f"**{describe(m.kind, m.threshold)}** → <@&{m.role_id}> · granted {m.granted}"
        if m.problem:
            line += (
                f"\n⚠️ Not granting since {discord_time(m.problem_at, 'R') if m.problem_at else 'recently'}: "
                + m.problem
            )
        lines.append(line)
    embed.set_footer(text="Each role is granted once per member; set a milestone again to replace its role.")
    return fit_embed(embed, [Block("Milestones", lines)])


def _channel(cid: int | None) -> str:
    return f"<#{cid}>" if cid else "not set"


def render_config(config: GuildConfig, problems: Sequence[PostProblem] = ()) -> discord.Embed:
    embed = discord.Embed(title="Repmate setup", colour=COLOUR)
    embed.add_field(name="Routines channel", value=_channel(config.routines_channel_id))
    embed.add_field(name="Challenges channel", value=_channel(config.challenges_channel_id))
    embed.add_field(name="Check-ins fallback", value=_channel(config.checkins_channel_id))
    embed.add_field(
        name="Coach role", value=f"<@&{config.coach_role_id}>" if config.coach_role_id else "not set"
    )
    embed.add_field(name="Emergency number", value=config.emergency_number or DEFAULT_EMERGENCY_TEXT)
    clinician = config.clinician_text or "not set"
    if config.clinician_url:
        clinician += f"\n{config.clinician_url}"
    embed.add_field(name="Clinician", value=clinician, inline=False)
    if problems:
        lines = "\n".join(f"• {p.line}" for p in problems)
        embed.add_field(name="⚠️ Posts Discord refused", value=clip(lines, 1024), inline=False)
    embed.set_footer(text="Change with /setup channels, coach-role, clinician or emergency-number.")
    return embed


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class SetupCog(commands.GroupCog, group_name="setup", group_description="Configure Repmate for this server"):
    def __init__(self, bot: RepmateBot) -> None:
        self.bot = bot

    async def interaction_check(self, interaction: discord.Interaction[RepmateBot]) -> bool:  # type: ignore[override]
        # Discord hides /setup from non-admins by default, but a server can re-grant it;
        # the permission is still required to change anything.
        if not interaction.permissions.manage_guild:
            raise app_commands.CheckFailure(
                "Only members with the **Manage Server** permission can change Repmate's setup."
            )
        return True

    @property
    def guilds(self):  # type: ignore[no-untyped-def]
        return self.bot.services.guilds

    @app_commands.command(name="channels", description="Where shared routines and challenges are posted")
    @app_commands.describe(
        routines="Channel for shared routines",
        challenges="Channel for challenge announcements and results",
        checkins="Fallback channel for a short ping when a member's DMs are closed (optional)",
    )
    async def channels(
        self,
        interaction: discord.Interaction[RepmateBot],
        routines: discord.TextChannel,
        challenges: discord.TextChannel,
        checkins: discord.TextChannel | None = None,
    ) -> None:
        assert interaction.guild is not None
        me = interaction.guild.me
        check_can_post(routines, me, "shared routines")
        check_can_post(challenges, me, "challenge announcements")
        if checkins is not None:
            check_can_post(checkins, me, "check-in pings")
        await interaction.response.defer(ephemeral=True)
        config = await self.guilds.set_channels(
            interaction.guild.id,
            routines_id=routines.id,
            challenges_id=challenges.id,
            checkins_id=checkins.id if checkins else None,
        )
        await self.bot.services.notices.clear(interaction.guild.id)
        await reply(interaction, "Channels saved.", embed=render_config(config))

    @app_commands.command(name="coach-role", description="Members with this role may create challenges")
    @app_commands.describe(role="The coach role")
    async def coach_role(self, interaction: discord.Interaction[RepmateBot], role: discord.Role) -> None:
        assert interaction.guild is not None
        if role.is_default():
            raise UserFacingError(
                "@everyone can't be the coach role; pick a role that only coaches have.",
                example="`/setup coach-role role:@Coaches`",
            )
        await interaction.response.defer(ephemeral=True)
        config = await self.guilds.set_coach_role(interaction.guild.id, role.id)
        await reply(interaction, f"Coach role set to {role.mention}.", embed=render_config(config))

    @app_commands.command(name="clinician", description="Where the triage points members for care")
    @app_commands.describe(
        text="Who to contact, e.g. the club physio or a local sports-medicine clinic (≤300 characters)",
        url="An https link for them (optional)",
    )
    async def clinician(
        self,
        interaction: discord.Interaction[RepmateBot],
        text: app_commands.Range[str, 1, 300],
        url: str | None = None,
    ) -> None:
        assert interaction.guild is not None
        await interaction.response.defer(ephemeral=True)
        config = await self.guilds.set_clinician(interaction.guild.id, text, url)
        await reply(interaction, "Clinician details saved.", embed=render_config(config))

    @app_commands.command(
        name="emergency-number", description="The emergency number the triage tells members to call"
    )
    @app_commands.describe(number="e.g. 911, 999, 112 or 000")
    async def emergency_number(
        self, interaction: discord.Interaction[RepmateBot], number: app_commands.Range[str, 1, 40]
    ) -> None:
        assert interaction.guild is not None
        await interaction.response.defer(ephemeral=True)
        config = await self.guilds.set_emergency_number(interaction.guild.id, number)
        await reply(interaction, "Emergency number saved.", embed=render_config(config))

    # -- streaks, recaps and milestones --

    @app_commands.command(name="timezone", description="The server's time zone, for the weekly recap")
    @app_commands.describe(zone="The server's zone, e.g. Europe/London or America/Chicago")
    async def timezone(self, interaction: discord.Interaction[RepmateBot], zone: str) -> None:
        assert interaction.guild is not None
        await interaction.response.defer(ephemeral=True)
        config = await self.bot.services.recaps.set_timezone(interaction.guild.id, zone)
        note = f"The server's time zone is **{config.timezone}**."
        if config.scheduled:
            due = await self.bot.services.recaps.next_due(config)
            if due is not None:
                note += f" The next weekly recap is {discord_time(due, 'F')}."
        await reply(interaction, note)

    @timezone.autocomplete("zone")
    async def timezone_autocomplete(
        self, interaction: discord.Interaction[RepmateBot], current: str
    ) -> list[app_commands.Choice[str]]:
        names = localtime.zone_suggestions(current, limit=25, now=self.bot.clock.now())
        return [app_commands.Choice(name=z, value=z) for z in names]

    @app_commands.command(name="recap", description="Post a weekly recap of the server's training")
    @app_commands.describe(
        channel="Where the recap is posted",
        day="The day it is posted; it covers the seven days before",
        time="The time, as HH:MM on the 24-hour clock, in the server's time zone (e.g. 09:00)",
    )
    @app_commands.choices(
        day=[app_commands.Choice(name=name, value=key) for key, name in zip(DAY_KEYS, DAY_NAMES, strict=True)]
    )
    async def recap(
        self,
        interaction: discord.Interaction[RepmateBot],
        channel: discord.TextChannel,
        day: app_commands.Choice[str],
        time: str,
    ) -> None:
        assert interaction.guild is not None
        check_can_post(channel, interaction.guild.me, "the weekly recap")
        await interaction.response.defer(ephemeral=True)
        config, due = await self.bot.services.recaps.set_recap(
            interaction.guild.id, channel.id, day.value, time
        )
        await reply(
            interaction,
            f"The weekly recap goes to {channel.mention} every **{day.name}** at **{time.strip()}** "
            f"({config.timezone}). The first one is {discord_time(due, 'F')}. It names members without "
            "pinging them, leaves out anyone who turned `/settings recap-mentions` off, and skips a week "
            "with no sessions.",
        )

    @app_commands.command(
        name="milestone-role", description="Grant a role once when a member reaches a milestone"
    )
    @app_commands.describe(
        kind="Sessions logged in this server, or weeks in a row meeting their weekly target",
        at="The number to reach, e.g. 50 sessions or a 10-week streak",
        role="The role to grant (it must sit below my highest role)",
    )
    @app_commands.choices(
        kind=[
            app_commands.Choice(name="sessions", value="sessions"),
            app_commands.Choice(name="weekly-streak", value="weekly-streak"),
        ]
    )
    async def milestone_role(
        self,
        interaction: discord.Interaction[RepmateBot],
        kind: app_commands.Choice[str],
        at: int,
        role: discord.Role,
    ) -> None:
        assert interaction.guild is not None
        service = self.bot.services.milestones
        service.check(kind.value, at)
        check_can_grant(role, interaction.guild.me)
        await interaction.response.defer(ephemeral=True)
        await service.set(interaction.guild.id, kind.value, at, role.id)
        shown = await service.list(interaction.guild.id)
        await reply(
            interaction,
            f"Members who reach **{describe(kind.value, at)}** get {role.mention}, once. "
            "Removing it from someone is respected: it isn't added back.",
            embed=render_milestones(shown),
        )

    @app_commands.command(name="milestones", description="List this server's milestone roles")
    async def milestones(self, interaction: discord.Interaction[RepmateBot]) -> None:
        assert interaction.guild is not None
        await interaction.response.defer(ephemeral=True)
        await reply(
            interaction,
            embed=render_milestones(await self.bot.services.milestones.list(interaction.guild.id)),
        )

    @app_commands.command(name="show", description="Show this server's Repmate configuration")
    async def show(self, interaction: discord.Interaction[RepmateBot]) -> None:
        assert interaction.guild is not None
        await interaction.response.defer(ephemeral=True)
        guild_id = interaction.guild.id
        problems = await self.bot.services.notices.problems(guild_id)
        await reply(interaction, embed=render_config(await self.guilds.get(guild_id), problems))

    async def render_notice(self, delivery: Delivery, late: bool) -> Outgoing:
        return Outgoing(content=delivery.payload["text"])


async def setup(bot: RepmateBot) -> None:
    cog = SetupCog(bot)
    await bot.add_cog(cog)
    bot.runtime.renderers.add(NOTICE_KIND, cog.render_notice)


async def teardown(bot: RepmateBot) -> None:
    bot.runtime.renderers.remove(NOTICE_KIND)
