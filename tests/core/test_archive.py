"""The wrap-up archive's zip: one file when it fits, split by file over volumes when it does
not (each with its own README naming the volume), refused when one file alone is too big."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from bot.core.archive import README, ArchiveFile, ArchivePart, ArchiveTooLarge, collect, volumes

WHEN = datetime(2026, 7, 3, 12, tzinfo=UTC)


def readme(files: Sequence[ArchiveFile], volume: int, count: int) -> str:
    return f"part {volume}/{count}: " + ", ".join(f"{f.filename} {f.rows}" for f in files)


def noise(size: int) -> bytes:
    return os.urandom(size)  # does not compress: sizes stay what they are


async def test_parts_are_collected_in_order_and_fit_in_one_zip() -> None:
    async def one(guild_id: int) -> tuple[bytes, int]:
        return f"guild {guild_id}".encode(), 1

    async def two(guild_id: int) -> tuple[bytes, int]:
        return b"a,b\r\n1,2\r\n", 1

    files = await collect([ArchivePart("a.txt", "k", one), ArchivePart("b.csv", "k", two)], 7)
    (only,) = volumes(files, readme, WHEN, 10 * 1024 * 1024)
    archive = zipfile.ZipFile(io.BytesIO(only))
    assert archive.namelist() == [README, "a.txt", "b.csv"]
    assert archive.read("a.txt") == b"guild 7"
    assert archive.read(README).decode() == "part 1/1: a.txt 1, b.csv 1"
    assert archive.getinfo("a.txt").date_time == (2026, 7, 3, 12, 0, 0)


def test_too_big_for_one_upload_it_is_split_by_file() -> None:
    files = [ArchiveFile(f"f{n}.bin", "k", noise(300_000), n) for n in range(4)]
    parts = volumes(files, readme, WHEN, 700_000)
    assert len(parts) == 2 and all(len(p) <= 700_000 for p in parts)
    names = [zipfile.ZipFile(io.BytesIO(p)).namelist() for p in parts]
    assert names == [[README, "f0.bin", "f1.bin"], [README, "f2.bin", "f3.bin"]]
    second = zipfile.ZipFile(io.BytesIO(parts[1])).read(README).decode()
    assert second.startswith("part 2/2: ")


def test_one_file_too_big_on_its_own_is_refused() -> None:
    files = [ArchiveFile("huge.bin", "k", noise(200_000), 1)]
    with pytest.raises(ArchiveTooLarge) as raised:
        volumes(files, readme, WHEN, 100_000)
    assert raised.value.params["file"] == "huge.bin"
