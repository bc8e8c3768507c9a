"""Exit codes of `workshop-bot` and its one-line error: no traceback for an operator's mistake."""

from __future__ import annotations

import sys

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CONFIG = 2


def fail(message: str, code: int = EXIT_CONFIG) -> int:
    print(f"workshop-bot: error: {message}", file=sys.stderr)
    return code
