"""Shared pieces of the bot's Discord UI: the reader's language, persistent buttons that decode
their `custom_id` and route every error through the central handler, ◀/▶ page buttons, and
fitting lines into an embed.

Persistent buttons (`discord.ui.DynamicItem`) outlive restarts: their `custom_id` is all they
carry, so a template, once released, is never changed (posted messages still hold the old ids).
"""

from __future__ import annotations

import re
import types
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import discord

from bot.core.checks import member_is_organizer
from bot.core.tree import NotOrganizerCheck, answer_error

if TYPE_CHECKING:
    from typing import Self

    from bot.core.bot import WorkshopBot

NEVER = r"(?!)"  # the template of the bases below: only subclasses match custom ids


def locale_of(interaction: discord.Interaction[Any]) -> str:
    """The language the person who interacted reads in (their Discord client's)."""
    return str(interaction.locale)


def reply_text(interaction: discord.Interaction[WorkshopBot], key: str, **params: Any) -> str:
    """A catalog text in the language of the person who interacted."""
    return interaction.client.catalog.t(key, locale_of(interaction), **params)


B = TypeVar("B", bound="WorkshopButton")


def bind(cls: type[B], template: str, **parts: object) -> type[B]:
    """A subclass of the button `cls` (same custom id template) whose class attributes are
    `parts`: a dynamic button is rebuilt from its custom id alone, so what it needs of one bot
    (its services, its texts) is bound to the class that bot registers."""
    attributes = {"__module__": cls.__module__, **parts}
    return types.new_class(
        cls.__name__, (cls,), {"template": template}, lambda namespace: namespace.update(attributes)
    )


class WorkshopButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=NEVER):
    """A persistent button. A subclass gives `template=` (a regex with named groups),
    `decode(match)` (the button again from its custom id) and `run(interaction)`; anything
    `run` raises is answered by the central error handler (localized, ephemeral)."""

    @classmethod
    def decode(cls, match: re.Match[str]) -> Self:
        raise NotImplementedError

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Button[Any],
        match: re.Match[str],
    ) -> Self:
        return cls.decode(match)

    async def run(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        raise NotImplementedError

    async def callback(self, interaction: discord.Interaction[WorkshopBot]) -> None:  # type: ignore[override]
        try:
            await self.run(interaction)
        except Exception as exc:
            await answer_error(interaction, exc)


class FileDecisionButton(WorkshopButton, template=NEVER):
    """Confirm or Discard under the preview of a file an organizer uploaded (a schedule, a
    registrants list). A subclass gives `PREFIX` and a `template=` matching
    `<PREFIX>:(?P<action>ok|no):(?P<id>\\d+)`, and `run`; only organizers may press."""

    PREFIX: ClassVar[str]

    def __init__(self, action: str, import_id: int, *, label: str = "", disabled: bool = False):
        super().__init__(
            discord.ui.Button(
                label=label or action,
                style=discord.ButtonStyle.success
                if action == "ok"
                else discord.ButtonStyle.secondary,
                custom_id=f"{self.PREFIX}:{action}:{import_id}",
                disabled=disabled,
            )
        )
        self.action, self.import_id = action, import_id

    @classmethod
    def decode(cls, match: re.Match[str]) -> Self:
        return cls(match["action"], int(match["id"]))

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if member_is_organizer(interaction):
            return True
        await answer_error(interaction, NotOrganizerCheck())
        return False


class PageButton(WorkshopButton, template=NEVER):
    """◀ or ▶ of a paged message. A subclass gives `template=`, `decode` and `page(interaction)`
    (the message's embed and view at `self.page`); pressing edits the message in place."""

    LABELS: ClassVar[dict[str, str]] = {"p": "◀", "n": "▶"}

    def __init__(self, custom_id: str, page: int, direction: str, *, disabled: bool = False):
        super().__init__(
            discord.ui.Button(
                label=self.LABELS[direction],
                style=discord.ButtonStyle.secondary,
                custom_id=custom_id,
                disabled=disabled,
            )
        )
        self.page = page

    async def page_message(
        self, interaction: discord.Interaction[WorkshopBot]
    ) -> tuple[discord.Embed, discord.ui.View]:
        raise NotImplementedError

    async def run(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        embed, view = await self.page_message(interaction)
        await interaction.response.edit_message(embed=embed, view=view)


def page_buttons(view: discord.ui.View, make: Any, shown: int, pages: int) -> discord.ui.View:
    """Add ◀ ▶ to `view` when there is more than one page: `make(page, direction, disabled)`
    builds the feature's button for the page it leads to."""
    if pages > 1:
        view.add_item(make(shown - 1, "p", shown == 0))
        view.add_item(make(shown + 1, "n", shown >= pages - 1))
    return view


def fit_lines(lines: list[str], limit: int, more: str) -> str:
    """As many lines as fit in `limit` characters, then `more` (formatted with the rest)."""
    text = ""
    for index, line in enumerate(lines):
        tail = more.format(count=len(lines) - index)
        if len(text) + len(line) + len(tail) + 2 > limit:
            return text + tail
        text += line + "\n"
    return text.strip()
