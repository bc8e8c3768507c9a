"""The structure feature's embeds: the report of `/workshop setup` and `/workshop status`
(what exists, the bot's missing permissions, open problems, the Community notice)."""

from __future__ import annotations

import discord

from bot.core.owned import Outcome, SetupReport
from bot.core.permissions import Needed
from bot.core.refusal_text import cause_and_fix
from bot.core.ui import fit_lines
from bot.domain.ports import GuildStats
from bot.domain.structure import Purpose, StructureItem
from bot.domain.text_safety import shown_params
from bot.i18n import Catalog
from bot.store.problem_repo import Problem

FIELD_MAX = 1024
GUILD_CHANNEL_LIMIT = 500
COLOR = discord.Colour(0x3B82F6)

_CHANNELS = (
    Purpose.INFO_CATEGORY,
    Purpose.ANNOUNCEMENTS,
    Purpose.LOBBY,
    Purpose.HELP,
)
_ORDER = (*_CHANNELS, Purpose.LOBBY_BOARD, Purpose.HELP_MESSAGE)
# A message's link needs the channel it is in.
_MESSAGE_IN = {Purpose.LOBBY_BOARD: Purpose.LOBBY, Purpose.HELP_MESSAGE: Purpose.HELP}
_ICONS = {
    Outcome.CREATED: "🆕",
    Outcome.RECREATED: "♻️",
    Outcome.ADOPTED: "🔗",
    Outcome.MOVED: "↪️",
    Outcome.FOUND: "✅",
    Outcome.UPDATED: "✏️",
}


def _mention(purpose: str, discord_id: int, guild_id: int, report: SetupReport) -> str:
    channel = report.items.get(_MESSAGE_IN.get(purpose, ""))
    if purpose in _MESSAGE_IN and channel is not None:
        return f"https://discord.com/channels/{guild_id}/{channel[1]}/{discord_id}"
    return f"<#{discord_id}>"


class StructureRenderer:
    """`locale` None means the workshop's own locale."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def t(self, key: str, locale: str | None = None, /, **params: object) -> str:
        return self.catalog.t(key, locale, **params)

    def community_notice(self, embed: discord.Embed, locale: str) -> None:
        """A server without Community: what that changes and how to turn it on."""
        embed.add_field(
            name=self.t("community.title", locale),
            value=self.t("community.body", locale)[:1024],
            inline=False,
        )

    def setup_report(
        self, report: SetupReport, guild_id: int, locale: str, *, community: bool = True
    ) -> discord.Embed:
        lines = []
        for purpose in _ORDER:
            if purpose not in report.items:
                continue
            outcome, discord_id = report.items[purpose]
            lines.append(
                self.t(
                    "setup.line",
                    locale,
                    icon=_ICONS[outcome],
                    what=self.t(f"setup.purpose.{purpose}", locale),
                    where=_mention(purpose, discord_id, guild_id, report),
                    outcome=self.t(f"setup.outcome.{outcome.value}", locale),
                )
            )
        title_key = "setup.title_changed" if report.changed else "setup.title_unchanged"
        embed = discord.Embed(title=self.t(title_key, locale), colour=COLOR)
        embed.description = "\n".join(lines)
        if report.missing_roles:
            embed.add_field(
                name=self.t("setup.missing_roles_title", locale),
                value=self.t("setup.missing_roles", locale, roles=", ".join(report.missing_roles))[
                    :1024
                ],
                inline=False,
            )
        if not community:
            self.community_notice(embed, locale)
        return embed

    def permissions_field(self, embed: discord.Embed, missing: list[Needed], locale: str) -> None:
        """What the bot lacks of its catalogue, and what breaks without it."""
        if missing:
            lines = [
                self.t(
                    "permissions.missing_line",
                    locale,
                    name=self.t(n.name_key, locale),
                    breaks=self.t(n.breaks_key, locale),
                )
                for n in missing
            ]
            lines.append(self.t("permissions.how_to_fix", locale))
            name = self.t("permissions.missing_heading", locale)
            more = self.t("problems.more", locale, count="{count}")
            embed.add_field(name=f"⚠️ {name}", value=fit_field(lines, more), inline=False)
        else:
            embed.add_field(
                name=self.t("permissions.heading", locale),
                value=self.t("permissions.all_present", locale),
                inline=False,
            )

    def problems_field(self, embed: discord.Embed, problems: list[Problem], locale: str) -> None:
        if not problems:
            return
        lines = []
        for problem in problems:
            cause, fix = cause_and_fix(
                self.catalog,
                locale,
                problem.cause,
                missing=problem.missing,
                channel_id=problem.channel_id,
                detail=problem.detail,
            )
            lines.append(
                self.t(
                    "problems.line",
                    locale,
                    what=self.t(problem.what, locale, **shown_params(problem.params)),
                    cause=cause,
                    fix=fix,
                    since=f"<t:{int(problem.since.timestamp())}:R>",
                    attempts=problem.attempts,
                )
            )
        lines.append(self.t("problems.retrying", locale))
        more = self.t("problems.more", locale, count="{count}")
        embed.add_field(
            name=self.t("problems.heading", locale), value=fit_field(lines, more), inline=False
        )

    def status(
        self,
        *,
        items: list[StructureItem],
        stats: GuildStats,
        live_ids: set[int],
        counts: dict[str, int],
        locale: str,
        missing: list[Needed] | None = None,
        problems: list[Problem] | None = None,
        community: bool = True,
    ) -> discord.Embed:
        embed = discord.Embed(title=self.t("status.title", locale), colour=COLOR)
        by_purpose = {item.purpose: item for item in items}
        if not items:
            structure = self.t("status.not_set_up", locale)
        else:
            rows = []
            for purpose in _CHANNELS:
                item = by_purpose.get(purpose)
                ok = item is not None and item.discord_id in live_ids
                where = f"<#{item.discord_id}>" if ok and item else self.t("status.missing", locale)
                rows.append(
                    f"{'✅' if ok else '❌'} {self.t(f'setup.purpose.{purpose}', locale)}: {where}"
                )
            structure = "\n".join(rows)
        embed.add_field(name=self.t("status.structure", locale), value=structure, inline=False)
        embed.add_field(
            name=self.t("status.programme", locale),
            value=self.t("status.programme_counts", locale, **counts),
            inline=False,
        )
        embed.add_field(
            name=self.t("status.channels", locale),
            value=self.t(
                "status.channels_value",
                locale,
                used=stats.channels,
                limit=GUILD_CHANNEL_LIMIT,
                left=GUILD_CHANNEL_LIMIT - stats.channels,
            ),
        )
        embed.add_field(
            name=self.t("status.voice", locale),
            value=self.t(
                "status.voice_value",
                locale,
                people=stats.people_in_voice,
                rooms=stats.voice_channels_in_use,
            ),
        )
        self.permissions_field(embed, missing or [], locale)
        self.problems_field(embed, problems or [], locale)
        if not community:
            self.community_notice(embed, locale)
        return embed


def fit_field(lines: list[str], more: str) -> str:
    """`fit_lines` for an embed field whose last line (a hint) must always show."""
    *body, hint = lines
    return fit_lines(body, FIELD_MAX - len(hint) - 1, more) + "\n" + hint
