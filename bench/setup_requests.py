"""`/workshop setup` against the sandbox: REST requests per run (by route) and latency.

    python bench/setup_requests.py [--runs N]

Each run sets up a new guild (a full creation); a final run on an intact structure shows the cost
of "nothing to do".
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import peak_rss_mib, percentile, stage


async def main(runs: int) -> None:
    logging.basicConfig(level=logging.WARNING)
    async with stage() as st:
        sb = st.sb
        latencies: list[float] = []
        full: Counter[str] = Counter()
        for n in range(runs):
            guild_id, organizer_id = await st.new_guild(f"Camp {n}")
            sb.clear_requests()
            start = time.perf_counter()
            result = await sb.invoke(guild_id, organizer_id, "workshop setup")
            await result.wait_followups(1, timeout=10)
            latencies.append((time.perf_counter() - start) * 1000)
            full = Counter(r.route for r in sb.requests)
        sb.clear_requests()
        start = time.perf_counter()
        result = await sb.invoke(guild_id, organizer_id, "workshop setup")
        await result.wait_followups(1, timeout=10)
        noop_ms = (time.perf_counter() - start) * 1000
        noop = Counter(r.route for r in sb.requests)

    print(f"/workshop setup in {runs} new guilds against the sandbox")
    print(f"  REST requests per full setup: {sum(full.values())}")
    for route, count in sorted(full.items()):
        print(f"    {count} x {route}")
    print(f"  REST requests when everything exists: {sum(noop.values())} (the interaction only)")
    print(
        f"  latency invoke -> report: p50 {percentile(latencies, 50):.1f} ms, "
        f"p99 {percentile(latencies, 99):.1f} ms; run with nothing to do {noop_ms:.1f} ms"
    )
    print(f"  peak RSS of the process (bot + sandbox): {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    asyncio.run(main(parser.parse_args().runs))
