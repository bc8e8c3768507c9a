"""The end of a rehearsal: simulated attendees rate the sessions they attended as each closes
(through `/feedback session`, as a person would), then the organizer runs `/workshop wrap-up`,
and the archive it attaches is written to disk and checked: every feature's file present, and
each file's rows as many as the database holds."""

from __future__ import annotations

import csv
import io
import random
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from bot.core.archive import README
from bot.features.feedback.service import FeedbackService
from bot.features.sessions.domain.model import SessionStatus

if TYPE_CHECKING:
    from bot.rehearsal.runner import Rehearsal

RATERS = 0.4  # of the people who attended long enough
MOST_RATERS = 12  # per session, to keep the rehearsal quick
WEIGHTS = (1, 1, 3, 6, 4)  # how often 1..5 is given
COMMENTS = ("Great talk!", "スライドが見やすかったです", "More time for questions, please", "")
# archive file -> the SQL counting the rows it should hold
ROWS = {
    "programme.csv": "SELECT count(*) FROM sessions WHERE guild_id = ?",
    "attendance.csv": "SELECT count(*) FROM attendance WHERE guild_id = ?",
    "feedback.csv": "SELECT count(*) FROM feedback WHERE guild_id = ?",
}


class Finale:
    def __init__(self, rehearsal: Rehearsal, seed: int, archive: Path) -> None:
        self.rehearsal = rehearsal
        self.rng = random.Random(seed * 7919 + 20)
        self.archive = archive
        self.done: set[int] = set()
        self.given = 0
        self.refused = 0

    async def step(self) -> None:
        """Ratings for every session that closed since the last step."""
        r = self.rehearsal
        bot = r.bot
        assert bot is not None
        feedback = bot.services.get("feedback", FeedbackService)
        for session in await bot.services.sessions.programme(r.guild_id):
            if session.id in self.done or session.status is not SessionStatus.CLOSED:
                continue
            self.done.add(session.id)
            eligible = await feedback.attendees_of(r.guild_id, session)
            count = min(MOST_RATERS, round(len(eligible) * RATERS))
            for user in self.rng.sample(eligible, count):
                rating = self.rng.choices(range(1, 6), WEIGHTS)[0]
                options: dict[str, object] = {"session": str(session.id), "rating": rating}
                comment = self.rng.choice(COMMENTS)
                if comment:
                    options["comment"] = comment
                result = await r.sb.invoke(
                    r.guild_id, user, "feedback session", options=options, locale="en-US"
                )
                content = result.content or ""
                saved = content.startswith(("Thank you", "Your rating"))
                self.given += saved
                self.refused += not saved

    async def wrap_up(self) -> bool:
        """`/workshop wrap-up` as the organizer; the archive to disk, then checked."""
        r = self.rehearsal
        bot = r.bot
        assert bot is not None
        say, t, sb = r.say, r.text, r.sb
        asked = await sb.invoke(r.guild_id, r.organizer_id, "workshop wrap-up", locale="en-US")
        go = next(
            c["custom_id"]
            for row in asked.components
            for c in row["components"]
            if c["custom_id"].startswith("wu:go:")
        )
        clicked = await sb.click(r.guild_id, r.organizer_id, asked.message_id or 0, go)
        await clicked.wait_followups(1, timeout=60)
        files = clicked.followup_files()
        say("")
        say(t("feedback.heading"))
        say(
            "  "
            + t("feedback.ratings", given=self.given, refused=self.refused, sessions=len(self.done))
        )
        problems: list[str] = []
        if len(files) != 1:
            problems.append(t("feedback.split", volumes=len(files)))
        data = files[0][1]
        self.archive.write_bytes(data)
        say("  " + t("feedback.archive", file=self.archive, kib=f"{len(data) / 1024:.1f}"))
        expected = [README, *(p.filename for p in bot.archive_parts)]
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            for missing in sorted(set(expected) - set(names)):
                problems.append(t("feedback.missing", file=missing))
            for file, sql in ROWS.items():
                if file not in names:
                    continue
                want = int(await bot.db.fetch_value(sql, (r.guild_id,)))
                text = archive.read(file).decode("utf-8-sig")
                got = len(list(csv.DictReader(io.StringIO(text))))
                mark = "✓" if got == want else "✗"
                say("  " + t("feedback.rows", file=file, rows=got, database=want, mark=mark))
                if got != want:
                    problems.append(t("feedback.rows_differ", file=file, rows=got, database=want))
        for problem in problems:
            say("  ✗ " + problem)
        return not problems
