"""A worker function for tests: do the real work, then hold the result until a gate file exists.

Lets an end-to-end test look at the bot while an upload is still inside its worker process (the
test opens the gate when it has seen what it wanted). Kept free of heavy imports: the worker
process imports this module.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _wait(gate: str) -> None:
    while not Path(gate).exists():
        time.sleep(0.01)


def held(gate: str, fn: Callable[..., Any], *args: Any) -> Any:
    try:
        result = fn(*args)
    except BaseException:
        _wait(gate)
        raise
    _wait(gate)
    return result
