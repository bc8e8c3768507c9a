"""`run` and `sync` when Discord cannot be reached: one line naming the cause and what to check,
exit 2, no traceback (no real network needed: a closed loopback port refuses at once, a `.invalid`
host name never resolves, a plain TCP server breaks a TLS handshake). And no voice warnings."""

from __future__ import annotations

import asyncio
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import discord
import pytest

from bot.cli_start import explain
from bot.i18n import Catalog
from tests.e2e.test_process import REPO, bot_env
from tests.world import World

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.Gabcde.abcdefghijklmnopqrstuvwxyz0123456789ab"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def cli(tmp: Path, *args: str, env: dict[str, str]) -> tuple[int, str, str]:
    import os

    clean = {k: v for k, v in os.environ.items() if not k.startswith(("WORKSHOP_", "DISCORD_"))}
    clean.update(
        {
            "PYTHONPATH": str(REPO),
            "PYTHONIOENCODING": "utf-8",
            "DISCORD_TOKEN": TOKEN,
            "WORKSHOP_DATABASE": str(tmp / "workshop.db"),
            **env,
        }
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=tmp,
        env=clean,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(proc.communicate(), 90)
    assert proc.returncode is not None
    return proc.returncode, stdout.decode(), stderr.decode()


def the_one_line(code: int, stdout: str, stderr: str) -> str:
    assert code == 2, stdout + stderr
    assert "Traceback" not in stdout + stderr
    assert "voice will NOT be supported" not in stdout + stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("workshop-bot: error: ")
    return lines[0]


@pytest.mark.parametrize("command", ["run", "sync"])
async def test_a_closed_port_and_an_unknown_host_are_named(tmp_path: Path, command: str) -> None:
    port = closed_port()
    refused = the_one_line(
        *await cli(tmp_path, command, env={"DISCORD_API_BASE": f"http://127.0.0.1:{port}/api/v10"})
    )
    assert f"127.0.0.1:{port} refused the connection" in refused
    assert f"DISCORD_API_BASE = http://127.0.0.1:{port}/api/v10" in refused
    assert "firewall" in refused

    unknown = the_one_line(
        *await cli(
            tmp_path,
            command,
            env={"DISCORD_API_BASE": "https://discord.invalid/api/v10", "WORKSHOP_LOCALE": "ja"},
        )
    )
    assert "Discord に接続できません：ホスト名 discord.invalid の名前解決ができません" in unknown
    assert "DNS" in unknown and "DISCORD_API_BASE" in unknown


@pytest.fixture
async def not_tls() -> AsyncIterator[int]:
    """A loopback server that answers a TLS handshake with plain HTTP."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    yield int(server.sockets[0].getsockname()[1])
    server.close()
    await server.wait_closed()


async def test_a_failed_tls_handshake_is_named(tmp_path: Path, not_tls: int) -> None:
    line = the_one_line(
        *await cli(tmp_path, "sync", env={"DISCORD_API_BASE": f"https://127.0.0.1:{not_tls}/api"})
    )
    assert "the secure (TLS) connection to 127.0.0.1 failed" in line
    assert "CA certificates" in line and "clock" in line


async def test_run_names_an_unreachable_gateway_before_connecting(world: World) -> None:
    """REST answers (the sandbox), the gateway does not: `run` says so instead of letting
    discord.py crash on its first connection."""
    env = bot_env(world)
    for gateway, expected in (
        (f"ws://127.0.0.1:{closed_port()}/", "refused the connection (DISCORD_GATEWAY_URL = ws://"),
        ("wss://gateway.invalid/", "the host name gateway.invalid (DISCORD_GATEWAY_URL"),
    ):
        env["DISCORD_GATEWAY_URL"] = gateway
        line = the_one_line(*await cli(world.tmp, "run", env=env))
        assert expected in line
    assert world.sb.count("GET /users/@me") == 2  # it logged in, then found no gateway


async def test_run_connects_once_the_gateway_answers(world: World) -> None:
    """The probe of the gateway costs one WebSocket opened and closed before IDENTIFY; the bot
    then connects as usual (one IDENTIFY, one READY)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=world.tmp,
        env=bot_env(world),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        for _ in range(3000):
            if any(t == "READY" for _op, t, _d in world.sb.gateway_events):
                break
            await asyncio.sleep(0.01)
    finally:
        proc.terminate()
        output, _ = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, output.decode()
    hellos = sum(1 for op, _t, _d in world.sb.gateway_events if op == 10)
    readies = sum(1 for _op, t, _d in world.sb.gateway_events if t == "READY")
    assert (hellos, readies) == (2, 1)
    text = output.decode()
    assert "Traceback" not in text and "voice will NOT be supported" not in text


CATALOG = Catalog.load()


def line(exc: BaseException, url: str = "https://discord.com/api/v10") -> str | None:
    return explain(exc, url, "DISCORD_API_BASE", CATALOG, "en")


class _Response:
    status = 503
    reason = "Service Unavailable"


def test_the_causes_map_to_their_lines() -> None:
    assert "did not answer in time" in (line(aiohttp.ConnectionTimeoutError()) or "")
    assert "did not answer in time" in (line(TimeoutError()) or "")
    server = discord.DiscordServerError(_Response(), "down")  # type: ignore[arg-type]
    assert "Discord answered 503 (a problem on Discord's side)" in (line(server) or "")
    missing = aiohttp.ClientResponseError(None, (), status=404)  # type: ignore[arg-type]
    assert "does not look like Discord's API" in (line(missing) or "")
    handshake = aiohttp.WSServerHandshakeError(None, (), status=403)  # type: ignore[arg-type]
    gateway = explain(handshake, "wss://x.example/", "DISCORD_GATEWAY_URL", CATALOG, "ja")
    assert gateway is not None and "WebSocket 接続を拒否されました（HTTP 403）" in gateway
    # Not the network: a file the database could not write, a bug.
    assert line(PermissionError(13, "Permission denied")) is None
    assert line(ValueError("x")) is None


async def test_sync_and_refusals_speak_the_workshop_locale(world: World) -> None:
    """`sync` reports in Japanese; a token Discord refuses and a database that is no database
    are one line each, in Japanese, with no traceback."""
    env = {**bot_env(world), "WORKSHOP_LOCALE": "ja", "PYTHONIOENCODING": "utf-8"}
    code, stdout, stderr = await cli(world.tmp, "sync", "--guild", str(world.guild_id), env=env)
    assert code == 0, stdout + stderr
    names = "、".join(
        [
            "/agenda",
            "/ask",
            "/attendance",
            "/breakout",
            "/feedback",
            "/hallway",
            "/help",
            "/poster",
            "/questions",
            "/registration",
            "/room",
            "/schedule",
            "/session",
            "/workshop",
        ]
    )
    assert stdout.strip().splitlines()[-1] == (
        f"サーバー {world.guild_id} にコマンドを 14 個登録しました：{names}"
    )

    wrong = {**env, "DISCORD_TOKEN": "not-the-sandbox-token"}
    logins = world.sb.count("GET /users/@me")
    for command in ("run", "sync"):
        line = the_one_line(*await cli(world.tmp, command, env=wrong))
        assert line == (
            "workshop-bot: error: Discord が DISCORD_TOKEN を受け付けませんでした。"
            "ボットのトークンを確認してください。"
        )
    assert world.sb.count("GET /users/@me") == logins + 2

    notes = world.tmp / "notes.db"
    notes.write_text("not a database\n", encoding="utf-8")
    for command in ("run", "sync"):
        line = the_one_line(
            *await cli(world.tmp, command, env={**env, "WORKSHOP_DATABASE": str(notes)})
        )
        assert (
            line
            == f"workshop-bot: error: データベース {notes} を開けません：file is not a database"
        )
