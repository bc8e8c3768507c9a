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
