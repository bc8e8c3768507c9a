"""Breakouts through the real bot and the sandbox: 120 people in a session's voice channel split
into 30 rooms, then called back. Prints the seconds of the split (command to every move done)
and of the return (`/breakout end`: everyone back, rooms deleted), and the REST requests by
route against the minimum (N channel creates + one move out and one back per person + N
deletes + N topic posts, plus the command's own answer).

    python bench/breakouts.py [--discord-like-rate-limits] [--people 120] [--rooms 25]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import peak_rss_mib, stage  # noqa: E402

MOVE = "PATCH /guilds/{guild_id}/members/{user_id}"
CREATE = "POST /guilds/{guild_id}/channels"
DELETE = "DELETE /channels/{channel_id}"
POST = "POST /channels/{channel_id}/messages"
ANSWER = (
    "POST /interactions/{interaction_id}/{interaction_token}/callback",
    "POST /webhooks/{application_id}/{interaction_token}",
)


async def main(discord_like: bool, people: int, rooms: int) -> None:
    # The minimum: without the sidebar's status lines (at most one per room per
    # breakouts.status_seconds when on).
    os.environ["WORKSHOP_BREAKOUTS__VOICE_STATUS"] = "false"
    async with stage(discord_like_rate_limits=discord_like) as st:
        sb, bot = st.sb, st.bot
        created = await sb.invoke(
            st.guild_id,
            st.organizer_id,
            "session create",
            options={"title": "Bench discussion", "start": "2030-01-01 10:00", "duration": 60},
        )
        await created.wait_followups(1)
        (session,) = await bot.services.sessions.programme(st.guild_id)
        opened = await sb.invoke(
            st.guild_id, st.organizer_id, "session open", options={"session": str(session.id)}
        )
        await opened.wait_followups(1)
        channels, _ = await bot.services.sessions.places.discord_ids(st.guild_id)
        home = channels[session.id]
        crowd = [int(sb.add_member(st.guild_id, name=f"p{n}")["id"]) for n in range(people)]
        for user in crowd:
            sb.set_voice_state(st.guild_id, user, home)
        gateway = bot.services.gateway
        while len(gateway.members_in(st.guild_id, home)) < people:  # noqa: ASYNC110
            await asyncio.sleep(0.01)

        sb.clear_requests()
        started = time.perf_counter()
        split = await sb.invoke(
            st.guild_id,
            st.organizer_id,
            "breakout start",
            options={"rooms": rooms, "minutes": 30, "session": str(session.id)},
        )
        await split.wait_followups(1, timeout=900)
        split_seconds = time.perf_counter() - started
        split_routes = Counter(r.route for r in sb.requests)
        out = len([u for u in crowd if gateway.voice_channel_of(st.guild_id, u) != home])

        sb.clear_requests()
        started = time.perf_counter()
        back = await sb.invoke(
            st.guild_id, st.organizer_id, "breakout end", options={"session": str(session.id)}
        )
        await back.wait_followups(1, timeout=900)
        back_seconds = time.perf_counter() - started
        back_routes = Counter(r.route for r in sb.requests)
        home_again = sum(1 for v in sb.voice_states(st.guild_id) if int(v["channel_id"]) == home)

    print(f"breakout: {people} people split into {rooms} rooms and back")
    print(f"  rate limits like Discord's: {'yes' if discord_like else 'no'}")
    print(f"  split: {split_seconds:.2f} s ({out} moved out)")
    print(f"  return: {back_seconds:.2f} s ({home_again} back in the session's channel)")
    for name, routes in (("split", split_routes), ("return", back_routes)):
        print(f"  REST requests, {name}: {sum(routes.values())}")
        for route, count in sorted(routes.items(), key=lambda kv: -kv[1]):
            print(f"    {count:4d} x {route}")
    total = split_routes + back_routes
    minimum = rooms + 2 * people + rooms + rooms
    answers = sum(total[a] for a in ANSWER)
    work = total[CREATE] + total[MOVE] + total[DELETE] + total[POST]
    print(
        f"  minimum {minimum} (creates {rooms} + moves {2 * people} + deletes {rooms} + posts "
        f"{rooms}); sent {work} of those kinds, plus {answers} for the two answers, "
        f"{sum(total.values()) - work - answers} other"
    )
    print(f"  peak RSS (bot + sandbox in one process): {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--discord-like-rate-limits", action="store_true")
    parser.add_argument("--people", type=int, default=120)
    parser.add_argument("--rooms", type=int, default=25)  # the most /breakout start allows
    args = parser.parse_args()
    asyncio.run(main(args.discord_like_rate_limits, args.people, args.rooms))
