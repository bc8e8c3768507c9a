"""What the client asked for, and what the sandbox answered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RecordedRequest:
    method: str
    path: str
    route: str
    json: Any
    files: list[tuple[str, bytes]]
    status: int
    at: float
    query: dict[str, str] = field(default_factory=dict)
    response: Any = None
    error: str | None = None
    reason: str | None = None  # the X-Audit-Log-Reason header, URL-decoded

    def __repr__(self) -> str:
        extra = f" error={self.error!r}" if self.error else ""
        return f"<{self.status} {self.route} ({self.path}){extra}>"


Predicate = Callable[[RecordedRequest], bool]


class Recorder:
    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []

    def add(self, request: RecordedRequest) -> None:
        self.requests.append(request)

    @property
    def unknown(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.route.endswith(" <unknown>")]

    @property
    def rejected(self) -> list[RecordedRequest]:
        return [r for r in self.requests if 400 <= r.status < 500]

    def clear(self) -> None:
        self.requests.clear()

    def count(self, what: str | Predicate) -> int:
        if callable(what):
            return sum(1 for r in self.requests if what(r))
        return sum(1 for r in self.requests if r.route == what)
