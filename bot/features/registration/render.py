"""Registration's embeds and texts. Names come from registrants files: shown as typed, never
markdown, never a mention (bot/domain/text_safety.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

from bot.core.ui import fit_lines
from bot.domain.text_safety import one_line
from bot.features.registration.domain.registrants import MAX_PROBLEMS_SHOWN, Registrant
from bot.features.registration.repo import Link
from bot.features.registration.service import Preview, Registered, Status
from bot.i18n import Catalog

COLOUR = discord.Colour(0x6366F1)
DESCRIPTION_MAX = 4096


class RegistrationRender:
    def __init__(self, catalog: Catalog, workshop_locale: str, *, retention_days: int) -> None:
        self._catalog = catalog
        self.workshop_locale = workshop_locale
        self.retention_days = retention_days

    def t(self, key: str, locale: str | None, /, **params: object) -> str:
        return self._catalog.t(f"registration.{key}", locale, **params)

    def preview(self, preview: Preview, locale: str) -> discord.Embed:
        read, plan = preview.read, preview.plan
        title_key = "applied_title" if preview.applied else "preview_title"
        lines = [
            self.t(
                "preview_counts",
                locale,
                source=self.t(f"source.{read.source.value}", locale),
                encoding=self._catalog.t(f"import.encoding.{read.encoding.value}", locale),
                rows=read.rows,
                tickets=len(read.registrants),
                added=len(plan.added),
                changed=len(plan.changed),
                cancelled=len(plan.cancelled),
                unchanged=plan.unchanged,
            )
        ]
        if preview.applied and preview.roles_removed:
            lines.append(self.t("roles_removed", locale, count=preview.roles_removed))
        if read.problems:
            lines.append("")
            lines.append(f"**{self.t('problems_heading', locale, count=len(read.problems))}**")
            for problem in read.problems[:MAX_PROBLEMS_SHOWN]:
                text = self.t(f"problem.{problem.key}", locale, value=one_line(problem.value, 64))
                lines.append(self.t("problem_line", locale, line=problem.line, text=text))
            if len(read.problems) > MAX_PROBLEMS_SHOWN:
                more = len(read.problems) - MAX_PROBLEMS_SHOWN
                lines.append(self.t("problems_more", locale, count=more))
        return discord.Embed(
            title=self.t(title_key, locale, filename=one_line(preview.filename, 150))[:256],
            description=fit_lines(lines, DESCRIPTION_MAX, "…"),
            colour=COLOUR,
        )

    def status(self, status: Status, locale: str) -> discord.Embed:
        if not status.total and not status.cancelled:
            return discord.Embed(
                title=self.t("status_title", locale),
                description=self.t("status_empty", locale),
                colour=COLOUR,
            )
        lines = [
            self.t(
                "status_line",
                locale,
                registered=status.registered,
                total=status.total,
                members=status.members,
                cancelled=status.cancelled,
            ),
            "",
        ]
        for kind, count in sorted(status.by_type.items()):
            lines.append(
                self.t(
                    "type_line",
                    locale,
                    type=one_line(kind, 100),
                    registered=count.registered,
                    missing=count.total - count.registered,
                )
            )
        if status.refusals:
            lines += ["", f"**{self.t('refusals_heading', locale, count=len(status.refusals))}**"]
            for ticket, who, owner in status.refusals:
                lines.append(
                    self.t(
                        "refusal_line",
                        locale,
                        ticket=one_line(ticket, 64),
                        who=f"<@{who}>",
                        owner=f"<@{owner}>",
                    )
                )
        return discord.Embed(
            title=self.t("status_title", locale),
            description=fit_lines(lines, DESCRIPTION_MAX, "…"),
            colour=COLOUR,
        )

    def lookup(self, member_id: int, found: Sequence[tuple[Registrant, Link]], locale: str) -> str:
        member = f"<@{member_id}>"
        if not found:
            return self.t("lookup_none", locale, member=member)
        return "\n".join(
            self.t(
                "lookup_line",
                locale,
                member=member,
                ticket=one_line(r.ticket, 64),
                types=one_line(", ".join(r.types) or "—", 200),
                name=one_line(r.name, 100),
                manual=self.t("lookup_manual", locale) if link.manual else "",
            )
            for r, link in found
        )

    def role_list(self, role_ids: Sequence[int], locale: str) -> str:
        return ", ".join(f"<@&{r}>" for r in role_ids) or self.t("no_roles", locale)

    def registered(self, done: Registered, locale: str) -> str:
        roles = self.role_list(done.role_ids, locale)
        if done.again:
            text = self.t("registered_again", locale, roles=roles)
        else:
            tickets = ", ".join(
                f"{one_line(t.ticket, 64)} ({one_line(', '.join(t.types) or '—', 100)})"
                for t in done.tickets
            )
            text = self.t("registered", locale, tickets=tickets, roles=roles)
        if done.nick:
            text += "\n" + self.t("nick_set", locale, nick=one_line(done.nick, 64))
        return text

    # -- #welcome --------------------------------------------------------------------------
    def welcome(self) -> discord.Embed:
        """In the workshop's language, the other one below."""
        first = self.workshop_locale
        other = "en" if first == "ja" else "ja"
        days = self.retention_days
        text = (
            f"{self.t('welcome_body', first)}\n\n"
            f"**{self.t('welcome_title', other)}**\n{self.t('welcome_body', other)}\n\n"
            f"-# {self.t('privacy', first, days=days)}\n-# {self.t('privacy', other, days=days)}"
        )
        return discord.Embed(title=self.t("welcome_title", first), description=text, colour=COLOUR)

    def now(
        self,
        running: Sequence[tuple[str, datetime, int | None]],
        upcoming: Sequence[tuple[str, datetime, int | None]],
        locale: str,
    ) -> discord.Embed:
        def where(channel: int | None) -> str:
            return f"<#{channel}>" if channel else ""

        lines = [
            self.t(
                "now_running",
                locale,
                title=one_line(title, 100),
                where=where(ch),
                start=int(start.timestamp()),
            )
            for title, start, ch in running
        ]
        lines += [
            self.t(
                "now_next",
                locale,
                title=one_line(title, 100),
                where=where(ch),
                start=int(start.timestamp()),
            )
            for title, start, ch in upcoming
        ]
        if not lines:
            lines = [self.t("now_empty", locale)]
        lines += ["", self.t("now_more", locale)]
        return discord.Embed(
            title=self.t("now_title", locale),
            description=fit_lines(lines, DESCRIPTION_MAX, "…"),
            colour=COLOUR,
        )

    def agenda(self, items: Sequence[tuple[str, datetime]], locale: str) -> discord.Embed:
        lines = [
            self.t("agenda_line", locale, title=one_line(title, 100), start=int(start.timestamp()))
            for title, start in items
        ] or [self.t("agenda_empty", locale)]
        return discord.Embed(
            title=self.t("agenda_title", locale),
            description=fit_lines(lines, DESCRIPTION_MAX, "…"),
            colour=COLOUR,
        )
