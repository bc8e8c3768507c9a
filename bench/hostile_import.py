"""How long can a 1 MB schedule file stall the bot's event loop?

For each file (hostile ones and large legitimate ones, all about 1 MB or the 400-byte billion
laughs) it prints:

- `worker s`: how long reading it took in the budgeted worker (`plan_import`, the real path);
- `loop lag (worker)`: the longest the event loop was late while that happened (a ticker task
  asks to wake every 5 ms and records by how much it was late);
- `loop lag (bot)`: the same through the whole bot: `/session import` sent to the sandbox, until
  the preview or the refusal arrives (upload, worker, storing the file, the preview embed). The
  sandbox shares the loop, so its own work (multipart upload, validating every body against
  Discord's OpenAPI description) is in this figure too: an upper bound for the bot's share;
- `on-loop s`: for comparison, the time `plan_import` takes when called on the loop itself, as
  the bot did before (the stall every other command would have seen), and `peak MiB`, the
  Python memory it allocated at most (tracemalloc; the worker's budget is 512 MiB);
- the outcome: the refusal's key or `N rows, M problems`.

    python bench/hostile_import.py [--only NAME] [--skip-on-loop]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import stage  # noqa: E402
from bot.core.untrusted import UntrustedRunner  # noqa: E402
from bot.domain.clock import FakeClock  # noqa: E402
from bot.domain.errors import DomainError  # noqa: E402
from bot.features.sessions.domain.schedule_import import PlannedImport, plan_import  # noqa: E402
from bot.features.sessions.imports import WORKER_MODULES  # noqa: E402

MB = 1024 * 1024
ZONE = ZoneInfo("Asia/Tokyo")
NOW = datetime(2027, 6, 1, tzinfo=UTC)
TICK = 0.005

LAUGHS = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(
            f"{x}: &{x} [{','.join([f'*{p}'] * 9)}]"
            for p, x in zip("abcdefgh", "bcdefghi", strict=True)
        ),
        "sessions: *i",
    ]
)


def _frab(events: list[dict[str, Any]]) -> str:
    days = [{"index": 1, "date": "2027-07-01", "rooms": {"Hall": events}}]
    return json.dumps({"schedule": {"conference": {"time_zone_name": "Asia/Tokyo", "days": days}}})


def _legit_csv() -> bytes:
    rows = ["ID,タイトル,開始,時間(分),トラック,説明,登壇者"]
    for i in range(1000):
        day, slot = 1 + i // 250, i % 250
        start = f"2027/7/{day} {9 + slot // 25}:{(slot % 25) * 2:02d}"
        text = "説明文" * 150
        rows.append(f"s{i},セッション {i},{start},30,T{slot},{text},山田太郎、Ada")
    return ("\r\n".join(rows) + "\r\n").encode("cp932")


def _legit_yaml() -> bytes:
    lines = ["sessions:"]
    for i in range(1000):
        lines += [
            f"  - title: Session {i}",
            f"    start: 2027-07-{1 + i // 250:02d} {9 + (i % 250) // 25}:{(i % 25) * 2:02d}",
            "    duration: 30",
            f"    track: T{i % 250}",
            "    description: " + "lorem ipsum " * 75,
            "    speakers: [Ada Lovelace, Grace Hopper]",
        ]
    return "\n".join(lines).encode("utf-8")


def _legit_frab() -> bytes:
    """1000 talks: 5 days x 10 rooms x 20 half-hour slots, with abstracts and speakers."""
    days = []
    for d in range(5):
        rooms = {
            f"Room {r}": [
                {
                    "guid": f"g{d}-{r}-{k}",
                    "title": f"Talk {d}-{r}-{k}",
                    "start": f"{9 + k // 2:02d}:{(k % 2) * 30:02d}",
                    "duration": "00:30",
                    "type": "talk",
                    "abstract": "<p>" + "abstract " * 90 + "</p>",
                    "persons": [{"public_name": "Ada Lovelace"}],
                }
                for k in range(20)
            ]
            for r in range(10)
        }
        days.append({"index": d + 1, "date": f"2027-07-0{d + 1}", "rooms": rooms})
    schedule = {"conference": {"time_zone_name": "Asia/Tokyo", "days": days}}
    return json.dumps({"schedule": schedule}).encode()


def _same_time_1000_tracks() -> bytes:
    rows = ["title,start,duration,track"]
    rows += [f"S{i},2027-07-01 10:00,60,T{i}" for i in range(1000)]
    return "\n".join(rows).encode()


FILES: dict[str, Callable[[], bytes]] = {
    "laughs.yaml (400 B)": lambda: LAUGHS.encode(),
    "tiny-maps.yaml": lambda: b"sessions:\n" + b"- {t: a}\n" * ((MB - 10) // 9),
    "tiny-items.yaml": lambda: b"sessions:\n" + b"- a\n" * ((MB - 10) // 4),
    "flow-brackets.yaml": lambda: b"sessions: " + b"[" * (MB - 10),
    "deep.json": lambda: b"[" * MB,
    "tiny-events.json": lambda: _frab([{}] * ((MB - 200) // 4)).encode(),
    "tiny-rows.csv": lambda: b"title,start,duration\n" + b"a\n" * ((MB - 30) // 2),
    "wide-header.csv": lambda: b"title,start,duration" + b",x" * ((MB - 30) // 2) + b"\n",
    "digits.json": lambda: _frab(
        [{"title": "T", "start": "10:00", "duration": "9" * (MB - 200)}]
    ).encode(),
    "binary.bin": lambda: bytes(range(256)) * (MB // 256),
    "legit-1000-cp932.csv": _legit_csv,
    "legit-1000.yaml": _legit_yaml,
    "legit-1000-frab.json": _legit_frab,
    "same-time-1000.csv": _same_time_1000_tracks,
}


class Ticker:
    """Asks to wake every TICK s; `worst` is the longest it was woken late."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            due = loop.time() + TICK
            await asyncio.sleep(TICK)
            self.worst = max(self.worst, loop.time() - due)

    async def measure(self, work: Callable[[], Awaitable[Any]]) -> tuple[Any, float, float]:
        self.worst = 0.0
        self._task = asyncio.create_task(self._run())
        await asyncio.sleep(TICK * 2)
        started = time.perf_counter()
        try:
            result = await work()
        finally:
            elapsed = time.perf_counter() - started
            self._task.cancel()
        return result, elapsed, self.worst


def _outcome(value: Any) -> str:
    if isinstance(value, DomainError):
        return value.key
    if isinstance(value, PlannedImport):
        preview = value.preview
        return f"{len(preview.rows)} rows, {len(preview.problems)} problems"
    return str(value)[:60]


async def _plan_off_loop(runner: UntrustedRunner, name: str, data: bytes) -> Any:
    try:
        return await runner.run(plan_import, name, data, ZONE, NOW, [], frozenset())
    except DomainError as exc:
        return exc


def _plan_on_loop(name: str, data: bytes) -> Any:
    try:
        return plan_import(name, data, ZONE, NOW, [], frozenset())
    except DomainError as exc:
        return exc


async def main(only: str | None, skip_on_loop: bool) -> None:
    files = {k: v() for k, v in FILES.items() if only is None or only in k}
    runner = UntrustedRunner(preload=WORKER_MODULES)
    budget = runner.budget
    print(
        f"budget: {budget.seconds:.0f} s, {budget.memory_bytes // MB} MiB per worker, "
        f"{budget.workers} workers; ticker every {TICK * 1000:.0f} ms"
    )
    await runner.run(plan_import, "warm.csv", b"title,start,duration\n", ZONE, NOW, [], frozenset())
    ticker = Ticker()
    _, _, idle = await ticker.measure(lambda: asyncio.sleep(2))
    print(
        f"idle loop: late by up to {idle * 1000:.1f} ms over 2 s (the machine's noise floor; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
    )
    rows: list[tuple[str, int, str, float, float, float, float | None, float]] = []
    clock = FakeClock(NOW)
    async with stage(clock=clock) as st:
        # Warm up the sandbox too (it compiles its OpenAPI validators on first use, on this loop).
        for warm in (b"title,start,duration\nA,2027-07-01 10:00,30\n", b"x"):
            result = await st.sb.invoke(
                st.guild_id, st.organizer_id, "session import", options={"file": ("w.csv", warm)}
            )
            if result.response_type == 5:
                await result.wait_followups(1, timeout=60)
        for name, data in files.items():
            filename = name.split(" ")[0]
            outcome, seconds, lag = await ticker.measure(
                lambda f=filename, d=data: _plan_off_loop(runner, f, d)  # type: ignore[misc]
            )

            async def through_bot(f: str = filename, d: bytes = data) -> None:
                result = await st.sb.invoke(
                    st.guild_id,
                    st.organizer_id,
                    "session import",
                    options={"file": (f, d)},
                    timeout=120,
                )
                if result.response_type == 5:
                    await result.wait_followups(1, timeout=120)

            _, _, bot_lag = await ticker.measure(through_bot)
            on_loop: float | None = None
            peak = 0.0
            if not skip_on_loop:
                started = time.perf_counter()
                _plan_on_loop(filename, data)
                on_loop = time.perf_counter() - started
                tracemalloc.start()
                _plan_on_loop(filename, data)
                peak = tracemalloc.get_traced_memory()[1] / MB
                tracemalloc.stop()
            rows.append((name, len(data), _outcome(outcome), seconds, lag, bot_lag, on_loop, peak))
    print(
        f"\n{'file':24} {'bytes':>9}  {'worker s':>8}  {'loop lag (worker)':>17}  "
        f"{'loop lag (bot)':>14}  {'on-loop s':>9}  {'peak MiB':>8}  outcome"
    )
    for name, size, outcome, seconds, lag, bot_lag, on_loop, peak in rows:
        before = f"{on_loop:9.2f}  {peak:8.1f}" if on_loop is not None else f"{'-':>9}  {'-':>8}"
        print(
            f"{name:24} {size:9d}  {seconds:8.2f}  {lag * 1000:14.1f} ms  "
            f"{bot_lag * 1000:11.1f} ms  {before}  {outcome}"
        )
    worst = max(rows, key=lambda r: max(r[4], r[5]))
    print(
        f"\nlongest event-loop stall: {max(worst[4], worst[5]) * 1000:.1f} ms ({worst[0]}); "
        f"longest with the parse on the loop: "
        + (
            f"{max(r[6] or 0 for r in rows):.2f} s"
            if not skip_on_loop
            else "not measured (--skip-on-loop)"
        )
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="only the files whose name contains this")
    parser.add_argument(
        "--skip-on-loop", action="store_true", help="do not time the parse on the loop"
    )
    args = parser.parse_args()
    asyncio.run(main(args.only, args.skip_on_loop))
