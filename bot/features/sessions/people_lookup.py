"""The members a schedule file's chairs and speakers may name, asked of Discord.

Without the privileged members intent the bot cannot list the server's members; it can ask the
gateway for members whose username starts with a text (op 8, up to 100 per request) and for
members by id. Names are grouped by their first two letters so a file with 200 speakers costs a
few dozen requests, not 200; members the bot has seen (in voice, in commands) count too.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import discord

from bot.features.sessions.domain.people import Person, id_in, search_terms

log = logging.getLogger(__name__)

PREFIX = 2
MAX_REQUESTS = 40
TIMEOUT = 10.0


def person_of(member: discord.Member) -> Person:
    return Person(member.id, member.name, member.global_name, member.nick)


class MemberLookup:
    def __init__(self, client: discord.Client) -> None:
        self._client = client

    async def __call__(self, guild_id: int, names: Sequence[str]) -> list[Person]:
        guild = self._client.get_guild(guild_id)
        if guild is None:
            return []
        found: dict[int, Person] = {m.id: person_of(m) for m in guild.members}
        prefixes: list[str] = []
        for term in search_terms(names):
            prefix = term.casefold()[:PREFIX]
            if prefix not in prefixes:
                prefixes.append(prefix)
        ids = [i for i in (id_in(n) for n in names) if i is not None]
        try:
            async with asyncio.timeout(TIMEOUT):
                for prefix in prefixes[:MAX_REQUESTS]:
                    for member in await guild.query_members(prefix, limit=100, cache=False):
                        found[member.id] = person_of(member)
                for start in range(0, len(ids), 100):
                    chunk = ids[start : start + 100]
                    for member in await guild.query_members(user_ids=chunk, cache=False):
                        found[member.id] = person_of(member)
        except (TimeoutError, discord.HTTPException, discord.ClientException) as exc:
            log.info("member lookup for a schedule stopped early: %s", exc)
        return list(found.values())
