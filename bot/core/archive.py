"""The wrap-up archive: one zip of what the workshop leaves behind, each file given by the
feature that owns its data.

A feature registers `ArchivePart`s in its `Feature.archive` (the core never imports features):
a file name, the catalog key of one line saying what the file is, and `build(guild_id) ->
(bytes, rows)` made from the database alone, so the same zip is written by `/workshop wrap-up`
and offline by `workshop-bot export archive`. The zip adds a README.txt (in the workshop's
language) naming every file, its rows and what it holds.

Discord refuses attachments over the guild's upload limit: `volumes` splits the files over as
many zips as needed (each with its own README naming the volume); one file too big for a zip
of its own is refused (`ArchiveTooLarge`).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.domain.errors import DomainError

README = "README.txt"
# Room for the README and the zip's own headers in a volume.
VOLUME_SLACK = 64 * 1024


@dataclass(frozen=True)
class ArchivePart:
    filename: str
    about: str  # catalog key: one line saying what the file holds
    build: Callable[[int], Awaitable[tuple[bytes, int]]]  # guild id -> (bytes, rows)


@dataclass(frozen=True)
class ArchiveFile:
    filename: str
    about: str
    data: bytes
    rows: int


class ArchiveTooLarge(DomainError):
    key = "errors.wrapup.archive_too_large"


async def collect(parts: Sequence[ArchivePart], guild_id: int) -> list[ArchiveFile]:
    files = []
    for part in parts:
        data, rows = await part.build(guild_id)
        files.append(ArchiveFile(part.filename, part.about, data, rows))
    return files


ReadmeText = Callable[[Sequence[ArchiveFile], int, int], str]  # (files, volume, volumes) -> text


def pack(files: Sequence[ArchiveFile], readme: str, when: datetime) -> bytes:
    """One zip (deflated) of `files` and the README, every entry stamped `when`."""
    stamp = when.timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in (
            (README, readme.encode("utf-8")),
            *((f.filename, f.data) for f in files),
        ):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out.getvalue()


def volumes(
    files: Sequence[ArchiveFile], readme: ReadmeText, when: datetime, limit: int
) -> list[bytes]:
    """The archive as one zip when it fits `limit` bytes, else split by file over several."""
    whole = pack(files, readme(files, 1, 1), when)
    if len(whole) <= limit:
        return [whole]
    groups: list[list[ArchiveFile]] = [[]]
    for file in files:
        alone = len(pack([file], readme([file], 1, 1), when))
        if alone > limit:
            raise ArchiveTooLarge(file=file.filename, limit_mib=limit // (1024 * 1024))
        trial = [*groups[-1], file]
        if groups[-1] and len(pack(trial, readme(trial, 1, 1), when)) + VOLUME_SLACK > limit:
            groups.append([file])
        else:
            groups[-1] = trial
    count = len(groups)
    return [pack(group, readme(group, i + 1, count), when) for i, group in enumerate(groups)]
