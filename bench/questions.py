"""Questions through the real bot and the sandbox: 200 people upvoting 20 questions within 10 s.
Prints the card edits issued (and the most in any 5 s of the channel: Discord allows about 5),
the time from the last click until every card shows its final count, and REST requests per
question and per vote.

    python bench/questions.py [--people 200] [--questions 20] [--discord-like-rate-limits]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import Stage, stage  # noqa: E402
from bot.domain.clock import FakeClock  # noqa: E402

NOW = datetime(2026, 7, 1, 5, 0, tzinfo=UTC)  # 14:00 in Tokyo; the session starts 14:05
EDIT = "PATCH /channels/{channel_id}/messages/{message_id}"


def non_get(st: Stage, since: int) -> Counter[str]:
    return Counter(r.route for r in st.sb.requests[since:] if r.method != "GET")


def card_counts(st: Stage, channel_id: int) -> dict[int, str]:
    return {
        int(m["id"]): str(m["components"][0]["components"][0]["label"])
        for m in st.sb.messages(channel_id)
        if m.get("components")
        and str(m["components"][0]["components"][0]["custom_id"]).startswith("qa:up:")
    }


def busiest_window(times: list[float], width: float = 5.0) -> int:
    best, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] > width:
            start += 1
        best = max(best, end - start + 1)
    return best


async def run(people: int, questions: int, discord_like: bool) -> None:
    clock = FakeClock(NOW)
    async with stage(clock=clock, discord_like_rate_limits=discord_like) as st:
        sb, rng = st.sb, random.Random(7)
        created = await sb.invoke(
            st.guild_id,
            st.organizer_id,
            "session create",
            options={"title": "Keynote Q&A", "start": "14:05", "duration": 60},
        )
        await created.wait_followups(1, timeout=60)
        askers = [int(sb.add_member(st.guild_id, name=f"asker{i}")["id"]) for i in range(questions)]
        voters = [int(sb.add_member(st.guild_id, name=f"voter{i}")["id"]) for i in range(people)]
        await asyncio.sleep(0.5)  # the bot sees the new members
        mark = len(sb.requests)
        for n, asker in enumerate(askers):
            result = await sb.invoke(
                st.guild_id,
                asker,
                "ask",
                options={"question": f"Question {n}: how does it scale?", "session": "Keynote Q&A"},
            )
            await result.wait_followups(1, timeout=60)
        asked = non_get(st, mark)
        voice = next(c for c in sb.channels(st.guild_id) if c["type"] in (2, 13))
        channel_id = int(voice["id"])
        cards = list(card_counts(st, channel_id))
        assert len(cards) == questions, len(cards)

        # Each voter upvotes 1-5 random questions; the clicks spread over 10 s.
        clicks = [(v, c) for v in voters for c in rng.sample(cards, rng.randint(1, 5))]
        rng.shuffle(clicks)
        mark = len(sb.requests)
        sb.clock = time.monotonic  # the burst runs in wall time: request times, rate limits
        began = time.perf_counter()

        async def click(delay: float, voter: int, card: int) -> None:
            await asyncio.sleep(delay)
            message = next(m for m in sb.messages(channel_id) if int(m["id"]) == card)
            custom_id = message["components"][0]["components"][0]["custom_id"]
            await sb.click(st.guild_id, voter, card, custom_id)

        await asyncio.gather(
            *(click(10.0 * i / len(clicks), v, c) for i, (v, c) in enumerate(clicks))
        )
        clicked = time.perf_counter()
        expected = Counter(c for _, c in clicks)
        while True:
            shown = card_counts(st, channel_id)
            if all(shown[c] == f"▲ {expected[c]}" for c in cards):
                break
            await asyncio.sleep(0.02)
        done = time.perf_counter()
        voted = non_get(st, mark)
        edit_times = [r.at for r in sb.requests[mark:] if r.route == EDIT]
        print(f"questions: {questions} asked, {people} people, {len(clicks)} upvotes in 10 s")
        print(f"  rate limits like Discord's: {'yes' if discord_like else 'no'}")
        print(f"  REST per question: {sum(asked.values()) / questions:.1f} ({dict(asked)})")
        print(
            f"  REST per vote: {(sum(voted.values()) - voted[EDIT]) / len(clicks):.2f} "
            f"(+ coalesced card edits)"
        )
        print(f"  card edits issued: {voted[EDIT]} for {len(clicks)} votes")
        print(f"  most card edits in any 5 s of the channel: {busiest_window(edit_times)}")
        print(f"  clicks took {clicked - began:.1f} s")
        print(f"  every card shows its final count {done - clicked:.2f} s after the last click")
        print(f"  429s met: {sum(1 for r in sb.requests[mark:] if r.status == 429)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--discord-like-rate-limits", action="store_true")
    args = parser.parse_args()
    asyncio.run(run(args.people, args.questions, args.discord_like_rate_limits))


if __name__ == "__main__":
    main()
