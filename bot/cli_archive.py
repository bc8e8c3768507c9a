"""`workshop-bot export archive --out FILE`: the wrap-up archive written offline from the
database (`--database FILE`, else the `database` setting), the same files `/workshop wrap-up`
attaches: each feature's `ArchivePart`s and the README.txt, as one zip (no upload limit to fit
offline). Works after a teardown too: the database is kept."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from bot.cli_exit import EXIT_OK, fail
from bot.cli_export import _export_guild, _ExportError, _open_current, _Text
from bot.settings import Settings

NO_LIMIT = 1 << 62


async def _archive(settings: Settings, text: _Text, guild: int | None) -> tuple[int, int, bytes]:
    from bot.app import build_bot
    from bot.features.sessions.repo import SessionRepository
    from bot.features.wrapup.service import WrapUpService

    checked = await _open_current(settings, text)  # refuses an old schema: never migrates
    try:
        guild_id = _export_guild(
            settings, text, guild, await SessionRepository(checked).all_guilds(), "sessions"
        )
    finally:
        await checked.close()
    # Wired but never connected: only the features' archive parts are used (so discord.py's
    # notes about voice support are beside the point here).
    quiet = logging.getLogger("discord.client")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        bot = build_bot(settings)
    finally:
        quiet.setLevel(level)
    await bot.db.open()
    try:
        wrapup = bot.services.get("wrapup", WrapUpService)
        files, (data,) = await wrapup.archive(guild_id, limit=NO_LIMIT)
    finally:
        await bot.db.close()
    return guild_id, len(files), data


def export_archive(settings: Settings, out: Path | None, guild: int | None) -> int:
    text = _Text(settings)
    if out is None:
        return fail(text("archive.needs_out"))
    if not settings.database.is_file():
        return fail(text("no_database"))
    try:
        guild_id, files, data = asyncio.run(_archive(settings, text, guild))
    except _ExportError as exc:
        return fail(str(exc))
    try:
        out.write_bytes(data)
    except OSError as exc:
        return fail(text("cannot_write", out=out, reason=exc.strerror or exc))
    print(
        text("archive.written", out=out, files=files, kib=max(1, len(data) // 1024), guild=guild_id)
    )
    return EXIT_OK
