"""Registration through the real bot and the sandbox: a 5000-row connpass file imported
(preview, Confirm), then N people pressing Register and filling in the form: REST requests per
registration (besides answering the interaction: one PATCH of the member with the roles
and the nickname), the time from submit to answer, and the same
for someone registering again after leaving and rejoining the server.

    python bench/registration.py [--people 200] [--nickname] [--discord-like-rate-limits]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import Stage, peak_rss_mib, percentile, stage  # noqa: E402
from bot.features.registration.domain.registrants import read_registrants  # noqa: E402
from bot.settings import RegistrationSettings  # noqa: E402

ROWS = 5000
ROLES = {"一般参加枠": "General", "学生枠": "Student", "*": "Participant"}


def connpass_file(rows: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["参加枠名", "ユーザー名", "表示名", "コメント", "参加ステータス", "受付番号"])
    for i in range(rows):
        kind = "学生枠" if i % 3 == 0 else "一般参加枠"
        status = "キャンセル" if i % 50 == 49 else "参加者"
        writer.writerow([kind, f"user{i}", f"参加者 {i:04d}号", "", status, str(100000 + i)])
    return out.getvalue().encode("cp932")


def answering(route: str) -> bool:
    return "/interactions/" in route or "/webhooks/" in route


async def submit(st: Stage, user: int, message_id: int, receipt: str, name: str) -> float:
    sb = st.sb
    opened = await sb.click(st.guild_id, user, message_id, "reg:register")
    assert opened.modal is not None, opened
    started = time.perf_counter()
    done = await sb.submit_modal(
        st.guild_id, user, opened.modal["custom_id"], {"receipt": receipt, "name": name}
    )
    await done.wait_followups(1, timeout=60)
    elapsed = time.perf_counter() - started
    answer = str(done.followups[0]["content"])
    assert answer.startswith(("You are registered", "Welcome back")), answer
    return elapsed


async def main(people: int, nickname: bool, discord_like: bool) -> None:
    settings = {
        "registration": RegistrationSettings(enabled=True, roles=ROLES, set_nickname=nickname)
    }
    async with stage(settings=settings, discord_like_rate_limits=discord_like) as st:
        sb = st.sb
        setup = await sb.invoke(st.guild_id, st.organizer_id, "workshop setup")
        await setup.wait_followups(1, timeout=60)
        data = connpass_file(ROWS)
        started = time.perf_counter()
        preview = await sb.invoke(
            st.guild_id, st.organizer_id, "registration import", options={"file": ("c.csv", data)}
        )
        await preview.wait_followups(1, timeout=120)
        previewed = time.perf_counter() - started
        message = preview.followups[0]
        ok = next(
            c["custom_id"]
            for row in message["components"]
            for c in row["components"]
            if c["custom_id"].startswith("regimp:ok")
        )
        started = time.perf_counter()
        await sb.click(st.guild_id, st.organizer_id, int(message["id"]), ok)
        service = st.bot.services.registration
        while not (await service.status(st.guild_id)).total:  # noqa: ASYNC110 (another task)
            await asyncio.sleep(0.01)
        confirmed = time.perf_counter() - started
        welcome = next(c for c in sb.channels(st.guild_id) if c["name"] == "welcome")
        (post,) = sb.messages(int(welcome["id"]))
        tickets = [i for i in range(ROWS) if i % 50 != 49][:people]  # not the cancelled ones
        members = [int(sb.add_member(st.guild_id, name=f"p{i}")["id"]) for i in tickets]
        await asyncio.sleep(0.3)
        sb.clear_requests()
        times = []
        for i, user in zip(tickets, members, strict=True):
            # Given name first, as many type it: matches the registered "参加者 0001号".
            name = f"{i:04d}号 参加者"
            times.append(await submit(st, user, int(post["id"]), str(100000 + i), name))
        rest = Counter(r.route for r in sb.requests if not answering(r.route))
        parse = time.perf_counter()
        read_registrants(data)
        parse = time.perf_counter() - parse
        print(f"registrants file: {ROWS} rows (cp932), parsed in {parse:.2f} s on its own")
        print(f"  /registration import → preview {previewed:.2f} s (worker process included)")
        print(f"  Confirm → stored {confirmed:.2f} s")
        print(f"{people} registrations (set_nickname={nickname}); REST per registration")
        print("besides answering the interaction:")
        for route, count in sorted(rest.items()):
            print(f"  {count / people:.2f} x {route}")
        print(
            f"  submit → answer: median {statistics.median(times) * 1000:.0f} ms, "
            f"p95 {percentile(times, 95) * 1000:.0f} ms"
        )
        # Leave and come back: pressing again gives the roles back.
        user = members[1]
        sb.remove_member(st.guild_id, user)
        sb.add_member(st.guild_id, user, name="p1")
        await asyncio.sleep(0.3)
        sb.clear_requests()
        again = await submit(st, user, int(post["id"]), "100001", "参加者 0001号")
        rest = Counter(r.route for r in sb.requests if not answering(r.route))
        print(f"after rejoining: {sum(rest.values())} REST requests, {again * 1000:.0f} ms")
        for route, count in sorted(rest.items()):
            print(f"  {count} x {route}")
        print(f"requests the sandbox rejected: {len(sb.rejected)}")
    print(f"peak RSS (bot + sandbox in one process): {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--nickname", action="store_true")
    parser.add_argument("--discord-like-rate-limits", action="store_true")
    args = parser.parse_args()
    asyncio.run(main(args.people, args.nickname, args.discord_like_rate_limits))
