"""Domain errors: each carries a message-catalog key and the values to fill in.

The tree error handler turns any `DomainError` into a localized, ephemeral reply, so a rule that
refuses something raises one of these and never formats user-facing text itself.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refusal the user can act on. `key` is a catalog key under `errors.`."""

    key: str = "errors.generic"

    def __init__(self, key: str | None = None, /, **params: Any) -> None:
        if key is not None:
            self.key = key
        self.params: dict[str, Any] = params
        super().__init__(f"{self.key} {params}" if params else self.key)


class NotOrganizer(DomainError):
    key = "errors.not_organizer"


class NotFound(DomainError):
    key = "errors.not_found"


class InvalidInput(DomainError):
    key = "errors.invalid_input"


class LimitReached(DomainError):
    key = "errors.limit_reached"


class Conflict(DomainError):
    key = "errors.conflict"


class RenameLimited(DomainError):
    """Discord allows about two renames of a channel per ten minutes."""

    key = "errors.rename_limited"

    def __init__(self, retry_after: float) -> None:
        super().__init__(minutes=max(1, round(retry_after / 60)))
        self.retry_after = retry_after


class DiscordUnavailable(DomainError):
    """Discord answered with a server error (5xx) that its client did not retry away."""

    key = "errors.discord_unavailable"
