"""Discord-shaped API errors raised by the sandbox's REST handlers."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error answered to the client exactly as Discord would shape it."""

    def __init__(
        self,
        status: int,
        message: str,
        code: int,
        *,
        errors: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(f"{status} {code} {message}" + (f": {detail}" if detail else ""))
        self.status = status
        self.message = message
        self.code = code
        self.errors = errors
        self.extra = extra or {}
        self.headers = headers or {}
        self.detail = detail

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors is not None:
            out["errors"] = self.errors
        out.update(self.extra)
        return out


def unauthorized() -> ApiError:
    return ApiError(401, "401: Unauthorized", 0)


def not_found() -> ApiError:
    return ApiError(404, "404: Not Found", 0)


def method_not_allowed() -> ApiError:
    return ApiError(405, "405: Method Not Allowed", 0)


def missing_permissions(detail: str | None = None) -> ApiError:
    return ApiError(403, "Missing Permissions", 50013, detail=detail)


def missing_access(detail: str | None = None) -> ApiError:
    return ApiError(403, "Missing Access", 50001, detail=detail)


_UNKNOWN = {
    "guild": (10004, "Unknown Guild"),
    "channel": (10003, "Unknown Channel"),
    "member": (10007, "Unknown Member"),
    "message": (10008, "Unknown Message"),
    "role": (10011, "Unknown Role"),
    "user": (10013, "Unknown User"),
    "webhook": (10015, "Unknown Webhook"),
    "command": (10063, "Unknown application command"),
    "interaction": (10062, "Unknown interaction"),
    "event": (10070, "Unknown Guild Scheduled Event"),
    "overwrite": (10009, "Unknown Overwrite"),
    "application": (10002, "Unknown Application"),
}


def unknown(kind: str) -> ApiError:
    code, message = _UNKNOWN[kind]
    return ApiError(404, message, code)


def empty_message() -> ApiError:
    return ApiError(400, "Cannot send an empty message", 50006)


def max_reached(code: int, message: str) -> ApiError:
    return ApiError(400, message, code)


def nest_error(path: list[str | int], code: str, message: str) -> dict[str, Any]:
    """Build Discord's nested ``errors`` tree for one failing field path."""
    leaf: dict[str, Any] = {"_errors": [{"code": code, "message": message}]}
    for part in reversed(path):
        leaf = {str(part): leaf}
    return leaf


def merge_errors(target: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    for key, value in extra.items():
        if key == "_errors":
            target.setdefault("_errors", []).extend(value)
        else:
            merge_errors(target.setdefault(key, {}), value)
    return target


class FormErrors:
    """Collects field errors and raises one Invalid Form Body (50035)."""

    def __init__(self) -> None:
        self.tree: dict[str, Any] = {}
        self.messages: list[str] = []

    def add(self, path: list[str | int], code: str, message: str) -> None:
        merge_errors(self.tree, nest_error(path, code, message))
        self.messages.append(".".join(str(p) for p in path) + ": " + message)

    def length(self, path: list[str | int], value: str | None, lo: int, hi: int) -> None:
        if value is None:
            return
        if not lo <= len(value) <= hi:
            self.add(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {lo} and {hi} in length.")

    def __bool__(self) -> bool:
        return bool(self.tree)

    def raise_if_any(self) -> None:
        if self.tree:
            raise form_error(self.tree, "; ".join(self.messages))


def form_error(errors: dict[str, Any], detail: str | None = None) -> ApiError:
    return ApiError(400, "Invalid Form Body", 50035, errors=errors, detail=detail)


def field_error(path: list[str | int], code: str, message: str) -> ApiError:
    return form_error(nest_error(path, code, message), ".".join(map(str, path)) + ": " + message)
