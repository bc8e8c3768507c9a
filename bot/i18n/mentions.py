"""Commands named in messages the way the reader's client shows them.

A catalog string names a command as `{/attendance me}` and an option as
`{/poster claim:presenter}` (always the English names, as in the code). A command becomes a
Discord command mention, `</attendance me:ID>`, which each client shows in its own language
(`/出席 自分` for a Japanese one) and runs when clicked; that needs the id Discord gave the
command, which the bot learns once at start (and from `workshop-bot sync`). Without an id
(commands not synced yet, the offline CLI) it becomes the command's name in the message's
language, in backticks: `` `/出席 自分` ``. An option becomes its name in the message's language
(Discord has no mention for options; the catalog string quotes it as the language does).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

# `{/name}`, `{/group sub}`, `{/group sub:option}`: Discord's names are lowercase ASCII here.
PLACEHOLDER = re.compile(r"\{/([a-z0-9_-]+(?: [a-z0-9_-]+){0,2})(?::([a-z0-9_-]+))?\}")


@dataclass(frozen=True)
class CommandRef:
    """What a placeholder names: the command's path (`("poster", "claim")`) and an option."""

    path: tuple[str, ...]
    option: str | None = None

    @property
    def qualified_name(self) -> str:
        return " ".join(self.path)


def references(text: str) -> list[CommandRef]:
    """Every command or option a catalog string names."""
    return [CommandRef(tuple(m.group(1).split()), m.group(2)) for m in PLACEHOLDER.finditer(text)]


class CommandIds:
    """The ids Discord gave the top-level commands (subcommands share their command's id)."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}

    def learn(self, ids: Mapping[str, int]) -> None:
        """What Discord says is registered now (replaces what was known)."""
        self._ids = dict(ids)

    def id_of(self, name: str) -> int | None:
        return self._ids.get(name)

    def __len__(self) -> int:
        return len(self._ids)


def resolve(text: str, ids: CommandIds, name_of: Callable[[str], str | None]) -> str:
    """Replace every placeholder of `text`. `name_of(key)` is the catalog's text for a
    `commands.….name` key in the message's language (None: not in the catalogs)."""

    def name(path: tuple[str, ...], suffix: str, fallback: str) -> str:
        return name_of(f"commands.{'.'.join(path)}{suffix}.name") or fallback

    def replace(match: re.Match[str]) -> str:
        ref = CommandRef(tuple(match.group(1).split()), match.group(2))
        if ref.option is not None:
            return name(ref.path, f".options.{ref.option}", ref.option)
        command_id = ids.id_of(ref.path[0])
        if command_id is not None:
            return f"</{ref.qualified_name}:{command_id}>"
        words = [name(ref.path[: i + 1], "", word) for i, word in enumerate(ref.path)]
        return f"`/{' '.join(words)}`"

    return PLACEHOLDER.sub(replace, text) if "{/" in text else text
