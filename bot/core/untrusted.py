"""Parse untrusted files off the event loop, within a time and a memory budget.

Whatever an organizer uploads (a schedule today, a registrants list later) is parsed by a pure
function in a short-lived worker process, never on the event loop:

- the loop only waits: the process is started and awaited from a thread, so other people's
  commands keep being answered within Discord's 3 s however slow or hostile the file is;
- time: the worker is killed when it runs longer than `Budget.seconds` (wall clock; a CPU limit
  of the same size backs it up);
- memory: the worker's address space may grow by `Budget.memory_bytes` at most (`RLIMIT_AS`,
  where the platform has it); a parser that needs more gets a `MemoryError`, or is killed;
- concurrency: at most `Budget.workers` files are parsed at once, the others wait their turn.

The function and its arguments and result must pickle (module-level function, plain data). A
`DomainError` raised by the function comes back as itself; a budget overrun becomes a
localized refusal (`errors.file_too_slow`, `errors.file_too_big_in_memory`); a crash of the
worker (a bug, not the file's fault) becomes `errors.file_unreadable` with a reference that
the log line carries together with the worker's traceback.

Workers are forked from a small server process (multiprocessing's `forkserver`: a fork costs a few
milliseconds and never copies the bot's threads or sockets) where the platform has it; elsewhere
they are spawned.
"""

from __future__ import annotations

import asyncio
import logging
import math
import multiprocessing
import secrets
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from types import ModuleType
from typing import Any, TypeVar, cast

from bot.domain.errors import DomainError, InvalidInput

log = logging.getLogger(__name__)

T = TypeVar("T")
MiB = 1024 * 1024

_PRELOAD: set[str] = {__name__}  # the worker entry point itself


@dataclass(frozen=True)
class Budget:
    seconds: float = 20.0
    memory_bytes: int = 512 * MiB
    workers: int = 2


def _main_script_modules() -> set[str]:
    """The modules a main *script* (the `workshop-bot` console script, a bench) took its names
    from. Python 3.11-3.13's fork server never imports `__main__` itself, so every worker runs
    the script again before its job; with these preloaded that costs nothing instead of the
    script's imports (0.7 s for the bot's: discord.py). Empty for `python -m ...`, which
    workers do not run again."""
    main = sys.modules.get("__main__")
    if main is None or getattr(main, "__spec__", None) is not None:
        return set()
    found = set()
    for value in vars(main).values():
        name = getattr(value, "__module__", None) if not isinstance(value, ModuleType) else None
        if isinstance(name, str) and name.split(".")[0] not in ("builtins", "__main__"):
            found.add(name)
    return found


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _address_space() -> int | None:
    """This process's virtual memory size in bytes (Linux), else None."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:  # noqa: PTH123
            pages = int(statm.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    import resource

    return pages * resource.getpagesize()


def _limit(memory_bytes: int, seconds: float) -> None:
    """In the worker: cap its address space growth and its CPU time (best effort)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return
    base = _address_space()
    if base is not None:
        cap = base + memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    cpu = math.ceil(seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a worker killed by SIGXCPU dumps nothing


def _worker(
    conn: Connection, fn: Callable[..., Any], args: tuple[Any, ...], budget: Budget
) -> None:
    """The worker process: run `fn(*args)` and send back what happened."""
    _limit(budget.memory_bytes, budget.seconds)
    payload: tuple[Any, ...]
    try:
        payload = ("ok", fn(*args))
    except DomainError as exc:
        payload = ("domain", type(exc), exc.key, exc.params)
    except MemoryError:
        payload = ("memory",)
    except BaseException:
        payload = ("crash", traceback.format_exc(limit=30))
    try:
        conn.send(payload)
    except MemoryError:
        conn.send(("memory",))
    except Exception:
        conn.send(("crash", traceback.format_exc(limit=30)))
    finally:
        conn.close()


class _Job:
    """One worker process, started and awaited from a thread; `cancel()` from any thread."""

    def __init__(
        self, ctx: Any, fn: Callable[..., Any], args: tuple[Any, ...], budget: Budget
    ) -> None:
        self._receive, send = ctx.Pipe(duplex=False)
        self._send = send
        self._process = ctx.Process(
            target=_worker, args=(send, fn, args, budget), name="untrusted-parse", daemon=True
        )
        self._budget = budget
        self._lock = threading.Lock()
        self._cancelled = False

    def cancel(self) -> None:
        with self._lock:
            self._cancelled = True
            if self._process.pid is not None and self._process.is_alive():
                self._process.kill()

    def run(self) -> tuple[Any, ...]:
        with self._lock:
            if self._cancelled:
                return ("cancelled",)
            self._process.start()
        self._send.close()
        started = time.monotonic()
        try:
            if self._receive.poll(self._budget.seconds):
                try:
                    return tuple(self._receive.recv())
                except EOFError:  # died without a word: killed (memory, CPU) or cancelled
                    pass
                return ("died", time.monotonic() - started, self._process.exitcode)
            return ("timeout",)
        finally:
            if self._process.is_alive():
                self._process.kill()
            self._process.join(5)
            self._receive.close()
            if self._process.exitcode is not None:
                self._process.close()


class UntrustedRunner:
    """Runs pure functions on untrusted input in budgeted worker processes (see module doc)."""

    def __init__(
        self,
        budget: Budget | None = None,
        *,
        preload: Iterable[str] = (),
        log_tracebacks: bool = True,
    ) -> None:
        self.budget = budget or Budget()
        self._log_tracebacks = log_tracebacks
        self._ctx = _context()
        _PRELOAD.update(preload)
        if self._ctx.get_start_method() == "forkserver":
            # Modules imported once by the fork server rather than by every worker (only takes
            # effect before the server starts; later workers import what they miss).
            _PRELOAD.update(_main_script_modules())
            self._ctx.set_forkserver_preload(sorted(_PRELOAD))
        self._slots = threading.BoundedSemaphore(self.budget.workers)
        self._waiting: asyncio.Semaphore | None = None

    def _semaphore(self) -> asyncio.Semaphore:
        if self._waiting is None:
            self._waiting = asyncio.Semaphore(self.budget.workers)
        return self._waiting

    async def run(self, fn: Callable[..., T], /, *args: Any) -> T:
        """`fn(*args)` in a worker; the event loop stays free meanwhile. Raises the function's
        `DomainError`, or `InvalidInput` for a budget overrun or a crashed worker."""
        async with self._semaphore():
            job = _Job(self._ctx, fn, args, self.budget)
            try:
                outcome = await asyncio.to_thread(job.run)
            except asyncio.CancelledError:
                job.cancel()
                raise
        return cast(T, self._result(fn, outcome))

    def run_sync(self, fn: Callable[..., T], /, *args: Any) -> T:
        """The same for synchronous callers (the offline CLI)."""
        with self._slots:
            outcome = _Job(self._ctx, fn, args, self.budget).run()
        return cast(T, self._result(fn, outcome))

    def _result(self, fn: Callable[..., Any], outcome: tuple[Any, ...]) -> Any:
        kind = outcome[0]
        if kind == "ok":
            return outcome[1]
        if kind == "domain":
            error_type, key, params = outcome[1], outcome[2], outcome[3]
            error = error_type.__new__(error_type)
            DomainError.__init__(error, key, **params)
            raise error
        budget = self.budget
        if kind == "timeout" or (kind == "died" and outcome[1] >= budget.seconds * 0.9):
            log.warning("%s: stopped after %.0f s", fn.__qualname__, budget.seconds)
            raise InvalidInput("errors.file_too_slow", seconds=round(budget.seconds))
        if kind in ("memory", "died"):
            log.warning(
                "%s: needed more than %d MiB (worker outcome %s)",
                fn.__qualname__,
                budget.memory_bytes // MiB,
                outcome,
            )
            raise InvalidInput("errors.file_too_big_in_memory", mib=budget.memory_bytes // MiB)
        if kind == "cancelled":
            raise asyncio.CancelledError
        reference = secrets.token_hex(4)
        trace = str(outcome[1])
        shown = trace if self._log_tracebacks else trace.strip().splitlines()[-1]
        log.error("%s crashed (reference %s):\n%s", fn.__qualname__, reference, shown)
        raise InvalidInput("errors.file_unreadable", reference=reference)
