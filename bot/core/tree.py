"""The command tree: one error handler for every command, and the served-guild gate.

Domain, check and transformer errors become a localized ephemeral message; anything else is
logged with its traceback and the user gets a short apology with an error reference to quote.
"""

from __future__ import annotations

import logging
import secrets
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.core.refusal_text import cause_and_fix
from bot.domain.errors import DiscordRefused, DomainError
from bot.domain.text_safety import shown_params

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot

log = logging.getLogger(__name__)


class NotOrganizerCheck(app_commands.CheckFailure):
    """Raised by the server-side organizer check."""


class WrongGuild(app_commands.CheckFailure):
    """A command arrived from a guild this bot does not serve."""


class ShuttingDown(app_commands.CheckFailure):
    """The bot is stopping: it starts no new work."""


async def send_ephemeral(
    interaction: discord.Interaction[Any],
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
) -> None:
    """Answer ephemerally whatever state the interaction is in (fresh, deferred or answered)."""
    kwargs: dict[str, Any] = {"ephemeral": True}
    if content is not None:
        kwargs["content"] = content
    if embed is not None:
        kwargs["embed"] = embed
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)


def describe_error(interaction: discord.Interaction[WorkshopBot], error: Exception) -> str | None:
    """The localized text for an error the user can act on, or None for a bug."""
    catalog = interaction.client.catalog
    locale = str(interaction.locale)
    original: BaseException = error
    if isinstance(error, app_commands.CommandInvokeError):
        original = error.original
    elif isinstance(error, app_commands.TransformerError) and error.__cause__ is not None:
        original = error.__cause__  # e.g. a session that does not exist
    if isinstance(original, DiscordRefused):
        return refusal_text(interaction, original)
    if isinstance(original, DomainError):
        return catalog.t(original.key, locale, **shown_params(original.params))
    if isinstance(original, discord.Forbidden):
        return catalog.t("errors.bot_forbidden", locale, detail=str(original.text)[:200])
    if isinstance(original, discord.RateLimited):
        return catalog.t("errors.rate_limited", locale, seconds=round(original.retry_after))
    if isinstance(error, ShuttingDown):
        return catalog.t("errors.shutting_down", locale)
    if isinstance(error, NotOrganizerCheck):
        return catalog.t("errors.not_organizer", locale)
    if isinstance(error, WrongGuild):
        return catalog.t("errors.wrong_guild", locale)
    if isinstance(error, app_commands.NoPrivateMessage):
        return catalog.t("errors.guild_only", locale)
    if isinstance(error, app_commands.CommandOnCooldown):
        return catalog.t("errors.cooldown", locale, seconds=round(error.retry_after, 1))
    if isinstance(error, app_commands.TransformerError):
        return catalog.t(
            "errors.bad_value", locale, **shown_params({"value": str(error.value)[:100]})
        )
    if isinstance(error, app_commands.MissingPermissions | app_commands.CheckFailure):
        return catalog.t("errors.not_allowed", locale)
    return None


def refusal_text(interaction: discord.Interaction[WorkshopBot], refusal: DiscordRefused) -> str:
    """Discord refused what the command did, which undid itself: the cause, what to do, and
    that nothing was changed (or what is left to remove)."""
    catalog = interaction.client.catalog
    locale = str(interaction.locale)
    cause, fix = cause_and_fix(
        catalog,
        locale,
        refusal.refusal,
        missing=refusal.missing,
        channel_id=refusal.channel_id,
        detail=refusal.detail,
    )
    outcome = catalog.t("refusals.leftovers" if refusal.leftovers else "refusals.undone", locale)
    return f"{catalog.t('refusals.refused', locale, cause=cause, fix=fix)} {outcome}"


async def answer_error(interaction: discord.Interaction[WorkshopBot], error: Exception) -> None:
    """Tell the user what went wrong (ephemerally); log a bug with a reference to quote, and a
    refusal from Discord as one warning line (the cause is on the server, not in the code)."""
    original = getattr(error, "original", error)
    if isinstance(original, DiscordRefused):
        what = interaction.command.qualified_name if interaction.command else "a component"
        log.warning("/%s: Discord refused it, undone: %s", what, original.one_line())
    text = describe_error(interaction, error)
    if text is None:
        reference = secrets.token_hex(4)
        what = interaction.command.qualified_name if interaction.command else "a component"
        cause = getattr(error, "original", error)
        log.error("%s failed (reference %s)", what, reference, exc_info=cause)
        text = interaction.client.catalog.t(
            "errors.internal", str(interaction.locale), reference=reference
        )
    try:
        await send_ephemeral(interaction, text)
    except discord.HTTPException:
        log.warning("could not tell the user about an error", exc_info=True)


class WorkshopTree(app_commands.CommandTree["WorkshopBot"]):
    async def interaction_check(self, interaction: discord.Interaction[WorkshopBot]) -> bool:
        if interaction.client.closing:
            raise ShuttingDown()
        served = interaction.client.settings.guild_id
        if served is not None and interaction.guild_id not in (None, served):
            raise WrongGuild()
        return True

    async def on_error(
        self, interaction: discord.Interaction[WorkshopBot], error: app_commands.AppCommandError
    ) -> None:
        await answer_error(interaction, error)
