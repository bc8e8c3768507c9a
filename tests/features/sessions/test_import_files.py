"""`/session import` with the files organizers really have and the files attackers send, end to
end through the sandbox: a Japanese Excel CSV imported and confirmed, hostile files refused while
everyone else's commands keep being answered, and Discard pressed after the import was applied."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from bot.core.untrusted import Budget, MiB, UntrustedRunner
from bot.features.sessions.imports import WORKER_MODULES
from bot.sandbox.interactions import InteractionResult
from tests.fakes.sessions import buttons, session_channels, upload
from tests.features.sessions.held_worker import held
from tests.features.sessions.test_import import CSV_V1
from tests.features.sessions.test_schedule_hostile import BILLION_LAUGHS
from tests.world import World, eventually

T = TypeVar("T")
MB = 1024 * 1024

# As Excel saves "CSV (comma delimited)" on a Japanese Windows: cp932, CRLF, quoted multi-line
# cells, full-width digits where the organizer typed them with the IME on.
EXCEL_ROWS = [
    "ID,タイトル,開始,終了,時間（分）,種別,トラック,説明,登壇者,ボード数",
    "k1,基調講演：大規模言語モデルの今,2026/7/2 9:30,,６０,基調講演,,,山田太郎,",
    't1,招待講演,2026年7月2日 11:00,2026/7/2 11:45,,講演,A会場,"概要',
    '二行目",髙橋一郎、佐藤花子,',
    "t2,ポスター発表,２０２６/７/２　１３：００,,1時間30分,ポスター,,,,２０",
]
EXCEL_CSV = ("\r\n".join(EXCEL_ROWS) + "\r\n").encode("cp932")


async def test_a_japanese_excel_csv_is_previewed_in_japanese_and_imported(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    result = await sb.invoke(
        world.guild_id,
        world.organizer_id,
        "session import",
        options={"file": ("プログラム.csv", EXCEL_CSV)},
        locale="ja",
    )
    await result.wait_followups(1)
    preview = result.followups[0]
    embed = preview["embeds"][0]
    assert embed["title"] == "インポートのプレビュー：プログラム.csv"
    assert "新規 3" in embed["description"]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["ファイル"].splitlines() == [
        "読み込み：Shift_JIS（cp932、Excel の日本語 CSV） · カンマ区切り",
        "列：ID → ID · タイトル → タイトル · 開始 → 開始 · 終了 → 終了 · 時間（分） → 時間（分）"
        " · 種別 → 種別 · トラック → トラック · 説明 → 説明 · 登壇者 → 登壇者"
        " · ボード数 → ボード数",
    ]
    assert "• 招待講演 — 髙橋一郎, 佐藤花子" in fields["新規"]
    assert "問題" not in " ".join(fields), fields
    assert session_channels(sb, world.guild_id) == set(), "nothing changes before 確定"

    confirm = buttons(preview)["確定"]
    clicked = await sb.click(
        world.guild_id, world.organizer_id, int(preview["id"]), confirm["custom_id"], locale="ja"
    )
    await eventually(lambda: clicked.original is not None and not clicked.components)
    assert len(sb.scheduled_events(world.guild_id)) == 3
    assert session_channels(sb, world.guild_id) == {"基調講演：大規模言語モデルの今", "招待講演"}
    forums = {c["name"] for c in sb.channels(world.guild_id) if c["type"] == 15}
    assert len(forums) == 1, "the poster session got its forum"
    services = world.bots[-1].services
    posters = [
        s for s in await services.sessions.programme(world.guild_id) if s.title == "ポスター発表"
    ]
    assert len(await services.posters.boards(posters[0])) == 20, "and its boards (ボード数)"

    info = await sb.invoke(
        world.guild_id, world.attendee_id, "session info", options={"session": "招待講演"}
    )
    shown = {f["name"]: f["value"] for f in info.embeds[0]["fields"]}
    assert shown["登壇者"] == "髙橋一郎, 佐藤花子"
    assert info.embeds[0]["description"] == "概要\n二行目"


class HeldRunner(UntrustedRunner):
    """The real worker and parser, but the result is held in the worker until `gate` exists."""

    def __init__(self, gate: Path) -> None:
        super().__init__(Budget(seconds=60, memory_bytes=512 * MiB), preload=WORKER_MODULES)
        self.gate = gate

    async def run(self, fn: Callable[..., T], /, *args: Any) -> T:
        return await super().run(held, str(self.gate), fn, *args)


async def invoke_import(world: World, name: str, data: bytes) -> InteractionResult:
    return await world.sb.invoke(
        world.guild_id,
        world.organizer_id,
        "session import",
        options={"file": (name, data)},
        locale="en-US",
    )


async def test_others_are_answered_while_a_hostile_file_is_in_its_worker(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    gate = world.tmp / "gate"
    bot.services.imports.runner = HeldRunner(gate)

    hostile = await invoke_import(world, "laughs.yaml", BILLION_LAUGHS.encode())
    assert hostile.response_type == 5, "deferred: the file is being read"
    # The file has been parsed (and refused) in the worker, which holds on to the outcome until
    # the gate opens: meanwhile other people's commands are answered within the sandbox's
    # (Discord's) 3 s deadline, or `invoke` raises InteractionNotAnswered.
    listing = await sb.invoke(world.guild_id, world.attendee_id, "session list", locale="en-US")
    assert listing.embeds[0]["description"] == "No session yet."
    schedule = await sb.invoke(world.guild_id, world.admin_id, "schedule show", locale="en-US")
    assert schedule.embeds, schedule
    assert hostile.followups == [], "the import is still in its worker"

    gate.touch()
    await hostile.wait_followups(1, timeout=30)
    text = hostile.followups[0]["content"]
    assert text.startswith("The YAML file holds more than 60000 values by line"), text
    assert hostile.followups[0]["flags"] & 64, "ephemeral"
    assert session_channels(sb, world.guild_id) == set()


async def test_hostile_files_are_refused_cleanly_and_nobody_waits(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    digits = (
        '{"schedule": {"conference": {"days": [{"index": 1, "date": "2026-07-02", "rooms": '
        '{"A": [{"title": "T", "start": "10:00", "duration": "' + "9" * 5000 + '"}]}}]}}}'
    )
    files = [
        ("laughs.yaml", BILLION_LAUGHS.encode(), "The YAML file holds more than 60000 values"),
        ("deep.json", b"[" * MB, "The JSON file is nested more than 32 levels deep (line 1)"),
        ("tiny.yaml", b"sessions:\n" + b"- {t: a}\n" * ((MB - 10) // 9), "The YAML file holds"),
        ("tiny.csv", b"title,start,duration\n" + b"a\n" * ((MB - 30) // 2), "The file has 5"),
        ("binary.csv", bytes(range(256)) * 64, "I cannot read this file as text"),
    ]
    imports = [invoke_import(world, name, data) for name, data, _ in files]
    others = [
        sb.invoke(world.guild_id, world.attendee_id, "session list", locale="en-US")
        for _ in range(3)
    ]
    answered = await asyncio.gather(*imports, *others)  # every one within the deadline
    for result, (name, _, expected) in zip(answered, files, strict=False):
        await result.wait_followups(1, timeout=60)
        assert result.followups[0]["content"].startswith(expected), (name, result.followups)
    for listing in answered[len(files) :]:
        assert listing.embeds[0]["description"] == "No session yet."

    # A 5000-digit duration and a year-9999 start are problems of their row or slot.
    slot = await invoke_import(world, "schedule.json", digits.encode())
    await slot.wait_followups(1, timeout=30)
    fields = {f["name"]: f["value"] for f in slot.followups[0]["embeds"][0]["fields"]}
    problems = next(v for k, v in fields.items() if k.startswith("Problems"))
    assert problems.startswith("❌ day 1 / room A / slot 10:00: I could not read the duration")
    year = await invoke_import(world, "y.csv", b"title,start,duration\nX,9999-12-31 23:00,120\n")
    await year.wait_followups(1, timeout=30)
    fields = {f["name"]: f["value"] for f in year.followups[0]["embeds"][0]["fields"]}
    assert fields["Problems (1)"] == (
        "❌ row 2: The year 9999 in “9999-12-31 23:00” is out of range: years 1970–2100 are "
        "accepted."
    )
    assert buttons(year.followups[0])["Confirm"].get("disabled") is True
    assert session_channels(sb, world.guild_id) == set()


async def test_discard_after_the_import_was_applied_says_so(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    result = await upload(world, "programme.csv", CSV_V1.encode())
    preview = result.followups[0]
    ids = {label: b["custom_id"] for label, b in buttons(preview).items()}
    # Discord slows the first channel down: the import is committed, its places are still being
    # made, and the organizer still sees the preview with its buttons.
    sb.inject_fault("POST /guilds/{guild_id}/channels", status=429, retry_after=2.0)
    await sb.click(
        world.guild_id, world.organizer_id, int(preview["id"]), ids["Confirm"], locale="en-US"
    )
    await eventually(lambda: any(r.status == 429 for r in sb.requests))
    discard = await sb.click(
        world.guild_id, world.organizer_id, int(preview["id"]), ids["Discard"], locale="en-US"
    )
    text = discard.content or ""
    assert text.startswith("This file was already imported, so Discard changes nothing"), text
    assert "nothing was changed" not in text
    assert discard.ephemeral
    await eventually(lambda: len(sb.scheduled_events(world.guild_id)) == 4)
    assert len(session_channels(sb, world.guild_id)) == 4, "Discard undid nothing"
    await eventually(
        lambda: (
            (result.followups[0].get("embeds") or [{}])[0].get("title", "").startswith("Imported")
        )
    )

    # Before Confirm, Discard is what it says: nothing changes, and Confirm is refused after it.
    again = await upload(world, "second.csv", b"title,start,duration\nLate,2026-07-03 10:00,30\n")
    second = again.followups[0]
    ids = {label: b["custom_id"] for label, b in buttons(second).items()}
    discarded = await sb.click(
        world.guild_id, world.organizer_id, int(second["id"]), ids["Discard"], locale="en-US"
    )
    assert discarded.content == "Import discarded: nothing was changed."
    assert len(session_channels(sb, world.guild_id)) == 4
