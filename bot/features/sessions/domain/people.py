"""A session's people named in a schedule file, matched to server members.

CSV/YAML `chair` and `speakers` name members by username or id (`ada`, `@ada`, `<@123>`,
`123456789012345678`); frab `persons` by their public name. A name matches a member when it is
exactly the member's username (usernames are lowercase: compared case-insensitively), global
display name or server nickname, or their id. A name two members share matches nobody: it is
kept as a name and listed as unmatched, like any name that matches no member.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_MENTION = re.compile(r"^<@!?(\d{15,21})>$")
_ID = re.compile(r"^\d{15,21}$")
_SPLIT = re.compile(r"\s*,\s*")


@dataclass(frozen=True)
class Person:
    """A member as the directory knows them."""

    id: int
    username: str
    global_name: str | None = None
    nick: str | None = None


def names_of(text: str | None) -> list[str]:
    """The names of a speakers text (`A, B`) or a chair cell, each once, in order."""
    if not text:
        return []
    found: list[str] = []
    for part in _SPLIT.split(text.strip()):
        name = " ".join(part.split())
        if name and name not in found:
            found.append(name)
    return found


def id_in(name: str) -> int | None:
    """The user id a name spells (`<@123…>` or the digits), or None."""
    match = _MENTION.match(name) or _ID.match(name)
    return int(match.group(1) if match.re is _MENTION else match.group(0)) if match else None


def search_terms(names: Iterable[str]) -> list[str]:
    """What to ask Discord for (usernames start with it): names that are not ids."""
    terms: list[str] = []
    for name in names:
        if id_in(name) is None:
            term = name.removeprefix("@").strip()
            if term and term not in terms:
                terms.append(term)
    return terms


def match(name: str, people: Sequence[Person]) -> int | None:
    """The one member `name` names exactly, or None (no one, or more than one)."""
    wanted = id_in(name)
    if wanted is not None:
        return wanted if any(p.id == wanted for p in people) else None
    bare = name.removeprefix("@")
    hits = {p.id for p in people if p.username.casefold() == bare.casefold()}
    if not hits:
        hits = {p.id for p in people if name in (p.global_name, p.nick)}
    return next(iter(hits)) if len(hits) == 1 else None


def match_all(names: Iterable[str], people: Sequence[Person]) -> tuple[list[int], list[str]]:
    """(the members matched, each once, in order; the names that matched nobody)."""
    ids: list[int] = []
    unmatched: list[str] = []
    for name in names:
        found = match(name, people)
        if found is None:
            unmatched.append(name)
        elif found not in ids:
            ids.append(found)
    return ids, unmatched
