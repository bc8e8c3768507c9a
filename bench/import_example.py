"""Import config/schedule.example.yaml through the real bot and the sandbox; print the time it
takes (preview, then Confirm until every channel and event exists) and the REST requests.

    python bench/import_example.py [--discord-like-rate-limits]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import peak_rss_mib, stage  # noqa: E402
from bot.domain.clock import FakeClock  # noqa: E402


async def main(discord_like: bool) -> None:
    clock = FakeClock(datetime(2027, 6, 30, 12, tzinfo=UTC))  # day 1 inside the events window
    async with stage(clock=clock, discord_like_rate_limits=discord_like) as st:
        sb = st.sb
        setup = await sb.invoke(st.guild_id, st.organizer_id, "workshop setup")
        await setup.wait_followups(1)
        sb.clear_requests()
        data = (ROOT / "config" / "schedule.example.yaml").read_bytes()
        started = time.perf_counter()
        preview = await sb.invoke(
            st.guild_id, st.organizer_id, "session import", options={"file": ("camp.yaml", data)}
        )
        await preview.wait_followups(1)
        first = time.perf_counter() - started
        # Again, with the parser's worker process warm (the first one starts it).
        started = time.perf_counter()
        preview = await sb.invoke(
            st.guild_id, st.organizer_id, "session import", options={"file": ("camp.yaml", data)}
        )
        await preview.wait_followups(1)
        previewed = time.perf_counter()
        message = preview.followups[0]
        confirm = next(
            c for row in message["components"] for c in row["components"] if c["label"] == "Confirm"
        )
        await sb.click(st.guild_id, st.organizer_id, int(message["id"]), confirm["custom_id"])
        services = st.bot.services
        sessions = await services.sessions.programme(st.guild_id)
        while len(sessions) < 40:  # the confirm runs as its own task
            await asyncio.sleep(0.01)
            sessions = await services.sessions.programme(st.guild_id)
        async with services.sessions.guild_lock(st.guild_id):
            pass  # the import converges under the guild's lock
        await services.scheduler.idle()
        events = len(sb.scheduled_events(st.guild_id))
        done = time.perf_counter()
        routes = Counter(r.route for r in sb.requests)

    print(f"import of config/schedule.example.yaml ({len(sessions)} sessions, 3 days)")
    print(f"  rate limits like Discord's: {'yes' if discord_like else 'no'}")
    print(f"  preview: {first * 1000:.0f} ms (the first starts the parser's worker process)")
    print(f"  preview again: {(previewed - started) * 1000:.0f} ms")
    print(f"  confirm -> every channel and event exists: {(done - previewed):.2f} s")
    print(f"  scheduled events created (the whole programme, under the cap): {events}")
    print(f"  REST requests: {sum(routes.values())}")
    for route, count in sorted(routes.items(), key=lambda kv: -kv[1]):
        print(f"    {count:4d} x {route}")
    per_session = (routes["POST /guilds/{guild_id}/channels"] - 3) / len(sessions)
    print(f"  channel creations per session: {per_session:.2f} (+3 day categories)")
    print(f"  peak RSS (bot + sandbox in one process): {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--discord-like-rate-limits", action="store_true")
    asyncio.run(main(parser.parse_args().discord_like_rate_limits))
