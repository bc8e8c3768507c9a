"""The rehearsal's account for organizers: messages as plain text, REST requests against
Discord's limits, --until checked before anything runs, and the example camp as package data."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.rehearsal.options import (
    EXAMPLE_SCHEDULE,
    RehearsalError,
    check_until,
    schedule_file,
)
from bot.rehearsal.requests import load, route_key
from bot.rehearsal.show import Plain
from bot.rehearsal.text import Text
from bot.sandbox.recorder import RecordedRequest
from bot.sandbox.sandbox import Sandbox

REPO = Path(__file__).resolve().parents[2]
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2027, 7, 1, 0, 20, tzinfo=UTC)  # 09:20 in Tokyo
START = int(datetime(2027, 7, 1, 0, 30, tzinfo=UTC).timestamp())


def test_the_example_camp_ships_with_the_bot_identical_to_the_config_copy() -> None:
    assert EXAMPLE_SCHEDULE.read_bytes() == (REPO / "config" / "schedule.example.yaml").read_bytes()
    assert schedule_file(None) == EXAMPLE_SCHEDULE


def test_schedule_file_and_until_are_checked_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert schedule_file(Path("config/schedule.example.yaml")) == EXAMPLE_SCHEDULE  # old path
    own = tmp_path / "camp.yaml"
    own.write_text("sessions: []\n", encoding="utf-8")
    assert schedule_file(own) == own
    with pytest.raises(RehearsalError) as missing:
        schedule_file(Path("camp.csv"))
    assert missing.value.render(Text("ja")) == (
        "camp.csv：スケジュールファイルが見つかりません（SCHEDULE にファイルを指定してください。"
        "指定しなければ例のキャンプをリハーサルします）。"
    )
    for good in ("1", "2/12:00", " 3/9:05 "):
        check_until(good)
    for bad in ("0", "9:00", "1/24:00", "1/12:60", "x", ""):
        with pytest.raises(RehearsalError):
            check_until(bad)


def plain(sb: Sandbox, locale: str = "en") -> tuple[Plain, int]:
    guild = sb.add_guild("Camp")
    return Plain(sb, guild.id, TOKYO, Text(locale)), guild.id


def test_a_message_flattened_to_plain_text() -> None:
    sb = Sandbox()
    flat, guild_id = plain(sb)
    channel = sb.add_channel(guild_id, name="opening-keynote", type=2)
    ana = sb.add_member(guild_id, name="ana", display_name="Ana")
    role = sb.add_role(guild_id, "Organizer")
    message = {
        "content": f"<@&{role['id']}> <@{ana['id']}>",
        "embeds": [
            {
                "title": "**Opening** keynote",
                "description": (
                    f"⏰ starts <t:{START}:R>, <t:{START}:t> — <#{channel['id']}> <#1>\n"
                    "[Interested? Open the event](https://discord.com/events/1/2)"
                ),
                "fields": [
                    {"name": "Presenter", "value": f"<@{ana['id']}>"},
                    {"name": "When", "value": f"<t:{START}:F>\n<t:{START - 7800}:R>"},
                ],
                "footer": {"text": "Session #1 · reminder"},
            }
        ],
        "components": [
            {
                "type": 1,
                "components": [{"type": 2, "label": "Open a room", "emoji": {"name": "➕"}}],
            }
        ],
    }
    assert flat.lines(message, NOW) == [
        "    @Organizer @Ana",
        "    Opening keynote",
        "    ⏰ starts in 10 min, 09:30 — #opening-keynote #deleted-channel",
        "    Interested? Open the event (https://discord.com/events/1/2)",
        "    Presenter: @Ana",
        "    When:",
        "      2027-07-01 09:30",
        "      2 hours ago",
        "    — Session #1 · reminder",
        "    [➕ Open a room]",
    ]
    japanese, _ = plain(Sandbox(), "ja")
    one = {"embeds": [{"fields": [{"name": "発表者", "value": f"<t:{START}:R>"}]}]}
    assert japanese.lines(one, NOW) == ["    発表者：10 分後"]


def request(route: str, at: float) -> RecordedRequest:
    return RecordedRequest("POST", "/x", route, None, [], 200, at)


def test_requests_are_told_against_discords_limits() -> None:
    create = "POST /guilds/{guild_id}/channels"
    edit = "PATCH /channels/{channel_id}"
    requests = [request(create, 60.0 * 10 + i) for i in range(30)]  # 30 in minute 10
    requests += [request(edit, 60.0 * 10 + 5)] * 5 + [request(edit, 60.0 * 11)] * 8
    told = load(requests)
    assert told.total == 43
    busiest = told.busiest
    assert busiest is not None and (busiest.minute, busiest.count) == (10, 35)
    route = told.busiest_route
    assert route is not None and (route.route, route.minute, route.count) == (create, 10, 30)
    assert told.paced() == (5, 5.0, 1)  # about 5 every 5 s: 30 take half a minute
    assert route_key(create) == "create_channel" and route_key("GET /nowhere") is None
    assert load([]).busiest is None and load([]).paced() is None
