"""Injected failures: 429s (route or global), 5xx and 403 answers for chosen routes."""

from __future__ import annotations

from dataclasses import dataclass

from bot.sandbox.errors import ApiError


@dataclass
class Fault:
    route: str | None
    status: int
    retry_after: float
    times: int
    global_: bool
    code: int | None = None
    message: str | None = None

    def matches(self, route: str) -> bool:
        return self.route is None or self.route == route


class Faults:
    def __init__(self) -> None:
        self.pending: list[Fault] = []

    def add(self, fault: Fault) -> None:
        self.pending.append(fault)

    def take(self, route: str) -> ApiError | None:
        for fault in self.pending:
            if fault.times > 0 and fault.matches(route):
                fault.times -= 1
                if fault.times == 0:
                    self.pending.remove(fault)
                return _as_error(fault)
        return None


def _as_error(fault: Fault) -> ApiError:
    if fault.status == 429:
        headers = {
            "Retry-After": str(max(1, round(fault.retry_after))),
            "X-RateLimit-Scope": "global" if fault.global_ else "user",
        }
        if fault.global_:
            headers["X-RateLimit-Global"] = "true"
        return ApiError(
            429,
            fault.message or "You are being rate limited.",
            fault.code if fault.code is not None else 0,
            extra={"retry_after": fault.retry_after, "global": fault.global_},
            headers=headers,
            detail="injected 429",
        )
    if fault.status == 403:
        return ApiError(
            403,
            fault.message or "Missing Permissions",
            fault.code if fault.code is not None else 50013,
            detail="injected 403",
        )
    messages = {
        500: "500: Internal Server Error",
        502: "502: Bad Gateway",
        503: "503: Service Unavailable",
        504: "504: Gateway Timeout",
    }
    return ApiError(
        fault.status,
        fault.message or messages.get(fault.status, "Server Error"),
        fault.code if fault.code is not None else 0,
        detail=f"injected {fault.status}",
    )
