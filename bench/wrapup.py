"""The end of the workshop, measured: the archive of the rehearsal camp (the example camp,
150 simulated attendees, every session rated by some of them), and the REST requests of
/workshop wrap-up and /workshop teardown on the example camp's server (40 sessions imported).

    python bench/wrapup.py [--discord-like-rate-limits] [--attendees N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import Stage, peak_rss_mib, stage  # noqa: E402
from bot.domain.clock import FakeClock  # noqa: E402


def rehearsal_archive(attendees: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("WORKSHOP_", "DISCORD_"))}
        env["PYTHONPATH"] = str(ROOT)
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "bot", "rehearse", "--attendees", str(attendees),
             "--database", "camp.db"],
            cwd=tmp, env=env, capture_output=True, text=True, timeout=900, check=False,
        )  # fmt: skip
        wall = time.perf_counter() - started
        archive = Path(tmp) / "camp-archive.zip"
        print(f"rehearsal of the example camp, {attendees} attendees ({wall:.0f} s wall)")
        if done.returncode != 0 or not archive.is_file():
            print("  FAILED:\n" + done.stdout[-2000:] + done.stderr[-2000:])
            return
        lines = done.stdout.splitlines()
        start = lines.index("Feedback and the wrap-up")
        for line in lines[start + 1 : start + 6]:
            print(" " + line)
        with zipfile.ZipFile(archive) as opened:
            for info in opened.infolist():
                print(
                    f"    {info.filename:16} {info.file_size:9,d} B -> {info.compress_size:8,d} B"
                )
        print(f"  archive: {archive.stat().st_size:,d} B ({archive.stat().st_size / 1024:.1f} KiB)")


def non_get(st: Stage) -> Counter[str]:
    return Counter(r.route for r in st.sb.requests if r.method != "GET")


async def teardown(discord_like: bool) -> None:
    clock = FakeClock(datetime(2027, 6, 30, 12, tzinfo=UTC))
    async with stage(clock=clock, discord_like_rate_limits=discord_like) as st:
        sb, services = st.sb, st.bot.services
        await (await sb.invoke(st.guild_id, st.organizer_id, "workshop setup")).wait_followups(1)
        data = (ROOT / "config" / "schedule.example.yaml").read_bytes()
        preview = await sb.invoke(
            st.guild_id, st.organizer_id, "session import", options={"file": ("camp.yaml", data)}
        )
        await preview.wait_followups(1)
        message = preview.followups[0]
        confirm = next(
            c for row in message["components"] for c in row["components"] if c["label"] == "Confirm"
        )
        await sb.click(st.guild_id, st.organizer_id, int(message["id"]), confirm["custom_id"])
        while len(await services.sessions.programme(st.guild_id)) < 40:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        async with services.sessions.guild_lock(st.guild_id):
            pass
        await services.scheduler.idle()
        owned = len(await st.bot.core.objects.all(st.guild_id))

        sb.clear_requests()
        started = time.perf_counter()
        asked = await sb.invoke(st.guild_id, st.organizer_id, "workshop wrap-up")
        go = next(
            c["custom_id"] for row in asked.components for c in row["components"]
            if c["custom_id"].startswith("wu:go:")
        )  # fmt: skip
        clicked = await sb.click(st.guild_id, st.organizer_id, asked.message_id or 0, go)
        await clicked.wait_followups(1, timeout=120)
        wrapped = time.perf_counter() - started
        wrap_routes = non_get(st)

        sb.clear_requests()
        started = time.perf_counter()
        asked = await sb.invoke(st.guild_id, st.organizer_id, "workshop teardown")
        first = next(
            c["custom_id"] for row in asked.components for c in row["components"]
            if c["custom_id"].startswith("td:1:")
        )  # fmt: skip
        again = await sb.click(st.guild_id, st.organizer_id, asked.message_id or 0, first)
        final = next(
            c["custom_id"] for row in again.original["components"] for c in row["components"]
            if c["custom_id"].startswith("td:2:")
        )  # fmt: skip
        await sb.click(st.guild_id, st.organizer_id, asked.message_id or 0, final)
        while not (await services.wrapup.state(st.guild_id)).teardown_done:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        torn = time.perf_counter() - started
        tear_routes = non_get(st)
        left = len(sb.channels(st.guild_id)), len(sb.scheduled_events(st.guild_id))

    print(f"wrap-up and teardown of the example camp's server (rate limits like Discord's: "
          f"{'yes' if discord_like else 'no'}); {owned} owned objects recorded")  # fmt: skip
    print(f"  wrap-up: {sum(wrap_routes.values())} non-GET requests in {wrapped:.2f} s")
    for route, count in sorted(wrap_routes.items(), key=lambda kv: -kv[1]):
        print(f"    {count:4d} x {route}")
    print(f"  teardown: {sum(tear_routes.values())} non-GET requests in {torn:.2f} s")
    for route, count in sorted(tear_routes.items(), key=lambda kv: -kv[1]):
        print(f"    {count:4d} x {route}")
    print(f"  left on the server: {left[0]} channels, {left[1]} events (not made by the bot)")
    print(f"  requests the sandbox rejected: {len(sb.rejected)}")


def main(discord_like: bool, attendees: int) -> None:
    rehearsal_archive(attendees)
    asyncio.run(teardown(discord_like))
    print(f"peak RSS (bot + sandbox in one process): {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--discord-like-rate-limits", action="store_true")
    parser.add_argument("--attendees", type=int, default=150)
    options = parser.parse_args()
    main(options.discord_like_rate_limits, options.attendees)
