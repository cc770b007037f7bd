"""/privacy export and /privacy delete (SPEC §8). The daily retention purge is a periodic job
(:func:`bot.wiring.periodic_jobs`)."""

from __future__ import annotations

import io
import logging
import re
from datetime import timedelta
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import RepmateBot
from bot.domain.archive import PackedExport, describe_size
from bot.domain.text import plural
from bot.errors import NotAllowed
from bot.services.privacy import Receipt, describe_counts
from bot.ui import COLOUR_DANGER, reply, run_component
from cogs import ids

log = logging.getLogger(__name__)
Interaction = discord.Interaction[RepmateBot]

CONFIRM_FOR = timedelta(minutes=10)


def confirm_view(user_id: int, expires: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(
        discord.ui.Button(
            label="Delete everything",
            style=discord.ButtonStyle.danger,
            custom_id=ids.privacy("delete", user_id, expires),
        )
    )
    view.add_item(discord.ui.Button(label="Cancel", custom_id=ids.privacy("cancel", user_id, expires)))
    view.stop()  # dispatched by the registered dynamic item: nothing kept per message
    return view


#: Deleting data never touches Discord roles: they belong to the server, and its admins decide.
ROLES_KEPT = (
    "Milestone roles already granted to you stay on your Discord profile: they belong to the server, "
    "so ask an admin to remove them if you wish."
)


def receipt_text(receipt: Receipt) -> str:
    if not receipt.anything:
        return "There was nothing left to delete: Repmate holds no data about you."
    lines = ["**Deleted.** Repmate no longer holds any data about you:"]
    lines += [f"• {item}" for item in describe_counts(receipt.removed)]
    if len(receipt.posts) == 1:
        lines.append("Your shared routine post now says the routine was removed.")
    elif receipt.posts:
        posts = plural(len(receipt.posts), "shared routine post")
        lines.append(f"Your {posts} now say the routines were removed.")
    lines.append("Pending check-ins and reminders are cancelled. Using Repmate again starts afresh.")
    if receipt.removed.get("milestone_grants"):
        lines.append(ROLES_KEPT)
    return "\n".join(lines)


class PrivacyButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=ids.PRIVACY_PATTERN,
):
    def __init__(self, action: str, user_id: int, expires: int) -> None:
        super().__init__(discord.ui.Button(label=action, custom_id=ids.privacy(action, user_id, expires)))
        self.action = action
        self.user_id = user_id
        self.expires = expires

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls, interaction: Interaction, item: discord.ui.Button[Any], match: re.Match[str], /
    ) -> PrivacyButton:
        return cls(match["action"], int(match["user"]), int(match["expires"]))

    async def callback(self, interaction: Interaction) -> None:  # type: ignore[override]
        await run_component(interaction, lambda: self._run(interaction))

    async def _run(self, interaction: Interaction) -> None:
        if interaction.user.id != self.user_id:
            raise NotAllowed("Only the member who asked can confirm deleting their own data.")
        bot = interaction.client
        if self.action == "cancel":
            await interaction.response.edit_message(
                content="Cancelled: nothing was deleted.", embed=None, view=None
            )
            return
        if bot.clock.now().timestamp() > self.expires:
            await interaction.response.edit_message(
                content="This confirmation has expired; nothing was deleted. Run `/privacy delete` again.",
                embed=None,
                view=None,
            )
            return
        await interaction.response.defer()
        receipt = await bot.services.privacy.delete(self.user_id)
        await interaction.edit_original_response(content=receipt_text(receipt), embed=None, view=None)
        await _mark_posts_removed(bot, receipt)


async def _mark_posts_removed(bot: RepmateBot, receipt: Receipt) -> None:
    from cogs.routine_embeds import post_view, removed_embed

    for post in receipt.posts:
        try:
            await bot.pacer.acquire()
            await (
                bot.get_partial_messageable(post.channel_id)
                .get_partial_message(post.message_id)
                .edit(content=None, embed=removed_embed(), view=post_view(post.routine_id, 0, removed=True))
            )
        except discord.HTTPException as exc:
            log.info("Could not mark shared routine %s removed: %s", post.routine_id, exc)


#: Discord's upload limit without a server boost; the interaction may state less, never trust more.
DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024


def export_note(packed: PackedExport, limit: int) -> str:
    """What the member got, when it is not one plain JSON file."""
    if packed.form == "json":
        return ""
    size, allowed = describe_size(packed.json_size), describe_size(limit)
    inner = packed.files[0].name.removesuffix(".zip") + ".json"
    if packed.form == "zip":
        return (
            f"\nAs plain JSON it is {size}, more than Discord lets me attach here ({allowed}), so it "
            f"comes zipped ({describe_size(len(packed.files[0].data))}): open the zip to find `{inner}`."
        )
    return (
        f"\nAs plain JSON it is {size}; even zipped it is more than Discord lets me attach here "
        f"({allowed}), so it comes in {len(packed.files)} zipped parts, this message and the next "
        f"{plural(len(packed.files) - 1, 'one', 'ones')}. Each part is a complete JSON file with some of the "
        "rows; together they hold all of it."
    )


class PrivacyCog(commands.GroupCog, group_name="privacy", group_description="See or delete your data"):
    def __init__(self, bot: RepmateBot) -> None:
        self.bot = bot

    @app_commands.command(name="export", description="Download everything Repmate stores about you (JSON)")
    async def export(self, interaction: Interaction) -> None:
        await interaction.response.defer(ephemeral=True)
        limit = min(interaction.filesize_limit, DEFAULT_UPLOAD_LIMIT)
        packed, counts = await self.bot.services.privacy.export_files(interaction.user.id, limit)
        listed = describe_counts(counts)
        text = "Here is everything Repmate stores about you." + (
            "\nIt holds: " + ", ".join(listed) + "." if listed else "\nIt holds nothing about you."
        )
        files = [discord.File(io.BytesIO(f.data), filename=f.name) for f in packed.files]
        await reply(interaction, text + export_note(packed, limit), file=files[0])
        for n, file in enumerate(files[1:], start=2):
            await interaction.followup.send(f"Part {n} of {len(files)}.", file=file, ephemeral=True)

    @app_commands.command(name="delete", description="Delete everything Repmate stores about you")
    async def delete(self, interaction: Interaction) -> None:
        await interaction.response.defer(ephemeral=True)
        counts = await self.bot.services.privacy.summary(interaction.user.id)
        listed = describe_counts(counts)
        if not listed:
            await reply(interaction, "Repmate holds no data about you; there is nothing to delete.")
            return
        kept = (
            ["Challenges you created stay for the others, without your name."]
            if counts.get("challenges")
            else []
        )
        if counts.get("milestone_grants"):
            kept.append(ROLES_KEPT)
        expires = int((self.bot.clock.now() + CONFIRM_FOR).timestamp())
        embed = discord.Embed(
            title="Delete all your Repmate data?",
            description="\n".join(
                [
                    "This removes, for good:",
                    *[f"• {item}" for item in listed],
                    "",
                    "Your shared routines are unshared (their posts say they were removed), your "
                    "challenge results leave the leaderboards, and pending check-ins and reminders "
                    "are cancelled. Copies other members saved of your routines are theirs and stay.",
                    *kept,
                    "Want a copy first? Run `/privacy export`.",
                ]
            ),
            colour=COLOUR_DANGER,
        )
        embed.set_footer(text="This confirmation is valid for 10 minutes.")
        await reply(interaction, embed=embed, view=confirm_view(interaction.user.id, expires))


async def setup(bot: RepmateBot) -> None:
    bot.add_dynamic_items(PrivacyButton)
    # Confirming a deletion is not a visit: recording it could bring back what was just deleted.
    bot.runtime.activity.skip(PrivacyButton)
    await bot.add_cog(PrivacyCog(bot))


async def teardown(bot: RepmateBot) -> None:
    bot.remove_dynamic_items(PrivacyButton)
