"""Domain errors: each carries a message-catalog key and the values to fill in.

The tree error handler turns any `DomainError` into a localized, ephemeral reply, so a rule that
refuses something raises one of these and never formats user-facing text itself.
"""

from __future__ import annotations

from enum import StrEnum
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


class Refusal(StrEnum):
    """Why Discord refused a request for good: the same request will be refused again until
    something changes on the server (a permission, a deleted channel)."""

    PERMISSIONS = "permissions"  # 403: 50013 Missing Permissions, 50001 Missing Access
    MAX_CHANNELS = "max_channels"  # 30013: 500 channels in the guild
    CATEGORY_FULL = "category_full"  # 50035 CHANNEL_PARENT_MAX_CHANNELS: 50 in a category
    MAX_EVENTS = "max_events"  # 30038: 100 scheduled or active events
    MAX_ROLES = "max_roles"  # 30005: 250 roles
    COMMUNITY = "community"  # stage or forum channels in a server that is not a Community one
    INVALID = "invalid"  # 50035 Invalid Form Body and other 400s


class DiscordRefused(DomainError):
    """Discord refused a request permanently (403, 30013, 30038, 50035...).

    `missing`: the permission bits the request needed that the bot does not hold in the guild
    (0 when it holds them all, e.g. a channel's overwrites restrict it); `channel_id`: where, when
    a channel was involved. A person's command that meets this undoes itself and says why;
    background work records it as a problem and tries again later.
    """

    key = "refusals.refused"

    def __init__(
        self,
        refusal: Refusal,
        *,
        status: int,
        code: int,
        detail: str = "",
        missing: int = 0,
        channel_id: int | None = None,
    ) -> None:
        super().__init__(refusal=refusal.value, code=code)
        self.refusal = refusal
        self.status = status
        self.code = code
        self.detail = detail[:300]
        self.missing = missing
        self.channel_id = channel_id
        # A command that undid itself could not remove everything it had made yet (Discord
        # refused that too): it is a recorded problem, removed when Discord allows.
        self.leftovers = False

    def one_line(self) -> str:
        """For the log: what Discord said, no traceback."""
        where = f" in channel {self.channel_id}" if self.channel_id else ""
        return f"{self.status}/{self.code} {self.refusal.value}{where}: {self.detail}"


class OverChannelBudget(LimitReached):
    """A change would pass Discord's 500 channels per server: refused before anything is made."""

    key = "errors.channel_budget"

    def __init__(self, *, need: int, used: int, reserved: int, limit: int) -> None:
        left = max(0, limit - used - reserved)
        super().__init__(need=need, used=used, reserved=reserved, limit=limit, left=left)
