"""Application command registration is validated like Discord does (raw requests)."""

from __future__ import annotations

from typing import Any

import aiohttp

from bot.sandbox import Sandbox, SandboxGuild


async def _put(sb: Sandbox, path: str, body: Any) -> tuple[int, Any]:
    headers = {"Authorization": f"Bot {sb.token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.put(sb.api_base + path, json=body, headers=headers) as resp,
    ):
        return resp.status, await resp.json()


def _cmd(**overrides: Any) -> dict[str, Any]:
    cmd: dict[str, Any] = {"name": "room", "description": "Topic rooms", "type": 1, "options": []}
    cmd.update(overrides)
    return cmd


async def test_valid_bulk_overwrite_keeps_ids(sb: Sandbox, guild: SandboxGuild) -> None:
    path = f"/applications/{sb.application_id}/guilds/{guild.id}/commands"
    localized = _cmd(
        name_localizations={"ja": "部屋"}, description_localizations={"ja": "部屋の操作"}
    )
    status, first = await _put(sb, path, [localized])
    assert status == 200 and first[0]["name_localizations"] == {"ja": "部屋"}
    status, again = await _put(sb, path, [localized, _cmd(name="session", description="Sessions")])
    assert status == 200 and again[0]["id"] == first[0]["id"]
    assert {c["name"] for c in sb.commands(guild.id)} == {"room", "session"}


async def test_invalid_commands_are_refused(sb: Sandbox, guild: SandboxGuild) -> None:
    path = f"/applications/{sb.application_id}/commands"
    bad: list[dict[str, Any]] = [
        _cmd(name="Room"),
        _cmd(description=""),
        _cmd(name_localizations={"xx-YY": "room"}),
        _cmd(name_localizations={"ja": "Bad Name"}),
        _cmd(options=[{"type": 3, "name": f"o{i}", "description": "d"} for i in range(26)]),
        _cmd(
            options=[
                {
                    "type": 3,
                    "name": "o",
                    "description": "d",
                    "choices": [{"name": str(i), "value": str(i)} for i in range(26)],
                }
            ]
        ),
        _cmd(
            options=[
                {"type": 3, "name": "a", "description": "d"},
                {"type": 3, "name": "b", "description": "d", "required": True},
            ]
        ),
    ]
    validator = sb.validator
    for spec in (validator, None):  # the sandbox's own rules hold without the spec too
        sb.validator = spec
        for cmd in bad:
            status, body = await _put(sb, path, [cmd])
            assert status == 400, cmd
            assert body["code"] == 50035 and "0" in body["errors"], body
    sb.validator = validator
    status, body = await _put(sb, path, [_cmd(), _cmd()])
    assert status == 400
    assert sb.commands() == []


async def _get(sb: Sandbox, path: str) -> tuple[int, Any]:
    headers = {"Authorization": f"Bot {sb.token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.get(sb.api_base + path, headers=headers) as resp,
    ):
        return resp.status, await resp.json()


async def test_listing_leaves_localizations_out_unless_asked(
    sb: Sandbox, guild: SandboxGuild
) -> None:
    """Like Discord: GET …/commands has no localization dictionaries (not in options or choices
    either) unless `with_localizations=true`."""
    option = {
        "type": 3,
        "name": "kind",
        "description": "Kind",
        "name_localizations": {"ja": "種類"},
        "description_localizations": {"ja": "種類"},
        "choices": [{"name": "Talk", "value": "talk", "name_localizations": {"ja": "講演"}}],
    }
    localized = _cmd(
        name_localizations={"ja": "部屋"},
        description_localizations={"ja": "部屋の操作"},
        options=[option],
    )
    for path in (
        f"/applications/{sb.application_id}/guilds/{guild.id}/commands",
        f"/applications/{sb.application_id}/commands",
    ):
        status, (stored,) = await _put(sb, path, [localized])
        assert status == 200
        status, (plain,) = await _get(sb, path)
        assert status == 200 and plain["id"] == stored["id"] and plain["name"] == "room"
        assert "name_localizations" not in plain and "description_localizations" not in plain
        assert "name_localizations" not in plain["options"][0]
        assert "name_localizations" not in plain["options"][0]["choices"][0]
        status, (full,) = await _get(sb, path + "?with_localizations=true")
        assert status == 200 and full["name_localizations"] == {"ja": "部屋"}
        assert full["options"][0]["choices"][0]["name_localizations"] == {"ja": "講演"}
        status, (plain_again,) = await _get(sb, path + "?with_localizations=false")
        assert "name_localizations" not in plain_again
        status, body = await _get(sb, path + "?with_localizations=maybe")
        assert status == 400 and body["code"] == 50035
