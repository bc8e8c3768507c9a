"""README.txt of the wrap-up archive, in the workshop's language: what each file holds."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core.archive import ArchiveFile, ReadmeText
from bot.domain.sheet_time import sheet_time
from bot.domain.text_safety import plain_line
from bot.i18n import Catalog


def readme_text(
    catalog: Catalog,
    locale: str,
    *,
    guild_id: int,
    title: str | None,
    zone: ZoneInfo,
    now: Callable[[], datetime],
) -> ReadmeText:
    def text(files: Sequence[ArchiveFile], volume: int, count: int) -> str:
        t = catalog.t
        lines = [
            t("wrapup.readme_title", locale, title=plain_line(title or "", 200) or "workshop-bot"),
            t(
                "wrapup.readme_made",
                locale,
                guild=guild_id,
                when=sheet_time(now(), zone),
                zone=zone.key,
            ),
        ]
        if count > 1:
            lines.append(t("wrapup.readme_volume", locale, volume=volume, count=count))
        lines.append("")
        for file in files:
            lines.append(
                t(
                    "wrapup.readme_file",
                    locale,
                    file=file.filename,
                    rows=file.rows,
                    about=t(file.about, locale),
                )
            )
        lines += ["", t("wrapup.readme_csv", locale), ""]
        return "\n".join(lines)

    return text
