"""The budgeted worker for untrusted files: results, refusals, budgets, and a free event loop.

Workers are real processes; the functions they run live in this module (they must pickle).
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.untrusted import Budget, MiB, UntrustedRunner
from bot.domain.errors import InvalidInput, NotFound
from bot.features.sessions.domain.schedule_import import Encoding, PlannedImport, plan_import
from tests.fakes.factories import TOKYO

FAST = Budget(seconds=30, memory_bytes=256 * MiB, workers=2)


def double(n: int) -> int:
    return n * 2


def refuse(value: str) -> None:
    raise NotFound("errors.session_not_found", value=value)


def crash() -> None:
    raise ZeroDivisionError("a bug")


def spin() -> None:
    while True:
        pass


def hog() -> None:
    hoard = []
    while True:
        hoard.append(bytearray(16 * MiB))


def wait_for(gate: str, pid_file: str | None = None) -> str:
    """Block the worker until `gate` exists (the test creates it from the event loop)."""
    if pid_file is not None:
        Path(pid_file).write_text(str(os.getpid()), encoding="ascii")
    while not Path(gate).exists():
        time.sleep(0.01)
    return "opened"


async def test_the_result_and_the_functions_refusals_come_back() -> None:
    runner = UntrustedRunner(FAST)
    assert await runner.run(double, 21) == 42
    with pytest.raises(NotFound) as info:
        await runner.run(refuse, "x")
    assert (info.value.key, info.value.params) == ("errors.session_not_found", {"value": "x"})
    assert runner.run_sync(double, 2) == 4


async def test_a_worker_past_its_time_is_killed_and_refused() -> None:
    runner = UntrustedRunner(Budget(seconds=1, memory_bytes=256 * MiB))
    with pytest.raises(InvalidInput) as info:
        await runner.run(spin)
    assert (info.value.key, info.value.params) == ("errors.file_too_slow", {"seconds": 1})


async def test_a_worker_past_its_memory_is_stopped_and_refused() -> None:
    runner = UntrustedRunner(Budget(seconds=30, memory_bytes=128 * MiB))
    with pytest.raises(InvalidInput) as info:
        await runner.run(hog)
    assert (info.value.key, info.value.params) == ("errors.file_too_big_in_memory", {"mib": 128})


async def test_a_crash_is_a_refusal_with_a_reference_and_the_traceback_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    runner = UntrustedRunner(FAST)
    with (
        caplog.at_level(logging.ERROR, "bot.core.untrusted"),
        pytest.raises(InvalidInput) as info,
    ):
        await runner.run(crash)
    assert info.value.key == "errors.file_unreadable"
    reference = info.value.params["reference"]
    [record] = caplog.records
    assert reference in record.getMessage() and "ZeroDivisionError: a bug" in record.getMessage()
    assert "Traceback" in record.getMessage()
    caplog.clear()
    quiet = UntrustedRunner(FAST, log_tracebacks=False)  # the CLI: one line, no traceback
    with caplog.at_level(logging.ERROR, "bot.core.untrusted"), pytest.raises(InvalidInput):
        quiet.run_sync(crash)
    assert "Traceback" not in caplog.records[0].getMessage()


async def test_the_event_loop_runs_while_a_worker_works(tmp_path: Path) -> None:
    """The worker only finishes once a coroutine on this loop opened its gate: had the loop
    been blocked while waiting for the worker, the budget would have run out instead."""
    runner = UntrustedRunner(FAST)
    gate = tmp_path / "gate"
    work = asyncio.create_task(runner.run(wait_for, str(gate)))
    await asyncio.sleep(0)
    assert not work.done()
    gate.touch()
    assert await work == "opened"


async def test_cancelling_kills_the_worker(tmp_path: Path) -> None:
    runner = UntrustedRunner(FAST)
    pid_file = tmp_path / "pid"
    work = asyncio.create_task(runner.run(wait_for, str(tmp_path / "never"), str(pid_file)))
    while not pid_file.exists():  # noqa: ASYNC110 (the worker is another process)
        await asyncio.sleep(0.01)
    pid = int(pid_file.read_text(encoding="ascii"))
    work.cancel()
    with pytest.raises(asyncio.CancelledError):
        await work

    def alive() -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True

    while alive():  # noqa: ASYNC110 (killed and reaped by the runner's thread)
        await asyncio.sleep(0.01)


async def test_at_most_the_budgeted_workers_run_at_once(tmp_path: Path) -> None:
    runner = UntrustedRunner(Budget(seconds=30, memory_bytes=256 * MiB, workers=1))
    first = asyncio.create_task(runner.run(wait_for, str(tmp_path / "a"), str(tmp_path / "1")))
    second = asyncio.create_task(runner.run(wait_for, str(tmp_path / "b"), str(tmp_path / "2")))
    while not (tmp_path / "1").exists():  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    (tmp_path / "b").touch()  # the second could finish at once, but has not even started
    await asyncio.sleep(0.2)
    assert not (tmp_path / "2").exists() and not second.done()
    (tmp_path / "a").touch()
    assert await asyncio.gather(first, second) == ["opened", "opened"]


async def test_a_real_import_plan_travels_both_ways(tmp_path: Path) -> None:
    data = "タイトル,開始,時間(分),登壇者\r\n開会,2027/7/1 9:00,15,山田太郎\r\n".encode("cp932")
    planned = await UntrustedRunner(FAST).run(
        plan_import,
        "プログラム.csv",
        data,
        TOKYO,
        datetime(2027, 6, 1, tzinfo=UTC),
        [],
        frozenset(),
    )
    assert isinstance(planned, PlannedImport)
    assert [row.draft.speakers for row in planned.preview.new] == ["山田太郎"]
    assert planned.info is not None and planned.info.encoding is Encoding.CP932


def test_a_main_scripts_modules_are_preloaded_for_the_fork_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Python 3.11-3.13's fork server re-runs a main *script* in every worker: the modules the
    script took its names from are imported by the server once instead."""
    import sys
    import types

    from bot.core.untrusted import _main_script_modules

    script = types.ModuleType("__main__")
    script.__spec__ = None
    script.main = _main_script_modules  # like `from bot.cli import main` in the console script
    script.sys = sys
    monkeypatch.setitem(sys.modules, "__main__", script)
    assert _main_script_modules() == {"bot.core.untrusted"}
    script.__spec__ = types.SimpleNamespace(name="bot.__main__")  # `python -m bot`
    assert _main_script_modules() == set()
