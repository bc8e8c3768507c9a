"""The aiohttp application: REST under /api/v10, the gateway socket, attachment downloads."""

from __future__ import annotations

import json
import logging
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from aiohttp import BodyPartReader, web

from bot.sandbox import errors
from bot.sandbox.errors import ApiError
from bot.sandbox.recorder import RecordedRequest
from bot.sandbox.rest import Ctx, Reply, router

if TYPE_CHECKING:
    from bot.sandbox.sandbox import Sandbox
else:
    Sandbox = object

log = logging.getLogger("bot.sandbox")

API_PREFIX = "/api/v10"
SANDBOX_KEY: web.AppKey[Sandbox] = web.AppKey("sandbox")


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> web.Response:
    """A response whose Content-Type is exactly ``application/json`` (discord.py compares it)."""
    if status == 204 or body is None:
        return web.Response(status=204, headers=headers)
    resp = web.Response(status=status, body=json.dumps(body).encode(), headers=headers)
    resp.headers["Content-Type"] = "application/json"
    return resp


def ratelimit_headers(route: str) -> dict[str, str]:
    now = time.time()
    return {
        "X-RateLimit-Limit": "50",
        "X-RateLimit-Remaining": "49",
        "X-RateLimit-Reset": f"{now + 1:.3f}",
        "X-RateLimit-Reset-After": "1.000",
        "X-RateLimit-Bucket": format(abs(hash(route)) % (1 << 64), "016x"),
        "Via": "1.1 google",
    }


async def _read_body(request: web.Request) -> tuple[Any, list[tuple[str, bytes, str]], bool]:
    ctype = request.headers.get("Content-Type", "")
    if ctype.startswith("multipart/form-data"):
        body: Any = None
        files: list[tuple[str, bytes, str]] = []
        reader = await request.multipart()
        while True:
            part = await reader.next()
            if part is None:
                break
            if not isinstance(part, BodyPartReader):
                raise ApiError(400, "400: Bad Request", 0, detail="nested multipart")
            data = await part.read(decode=False)
            name = part.name or ""
            if name == "payload_json":
                try:
                    body = json.loads(data.decode("utf-8"))
                except ValueError:
                    raise ApiError(400, "The request body contains invalid JSON.", 50109) from None
            elif part.filename is not None:
                files.append((part.filename, bytes(data), name))
        return body, files, True
    raw = await request.read()
    if not raw:
        return None, [], False
    try:
        return json.loads(raw), [], False
    except ValueError:
        raise ApiError(400, "The request body contains invalid JSON.", 50109) from None


async def handle_rest(request: web.Request) -> web.Response:
    sb: Sandbox = request.app[SANDBOX_KEY]
    path = "/" + request.match_info["tail"].strip("/")
    method = request.method
    query = dict(request.query)
    found = router.match(method, path)
    route_name = f"{method} {found[0].template}" if found else f"{method} <unknown>"
    body: Any = None
    files: list[tuple[str, bytes, str]] = []
    status, out, headers, error_text = 200, None, ratelimit_headers(route_name), None
    try:
        body, files, multipart = await _read_body(request)
        if found is None:
            raise errors.not_found()
        if sum(len(data) for _, data, _ in files) > sb.upload_limit:
            raise ApiError(413, "Request entity too large", 40005)
        route, params = found
        if route.auth and request.headers.get("Authorization") != f"Bot {sb.token}":
            raise errors.unauthorized()
        fault = sb.faults.take(route_name)
        if fault is not None:
            raise fault
        if sb.global_rate_limit is not None and route.auth:
            sb.ratelimiter.check_global(*sb.global_rate_limit)
        bucket_headers = sb.ratelimiter.check(sb.rate_limits, route_name, params)
        if bucket_headers is not None:
            headers.update(bucket_headers)
        if sb.validator is not None and isinstance(body, dict | list):
            violations = sb.validator.validate(method, path, body)
            if violations:
                tree: dict[str, Any] = {}
                for v in violations:
                    errors.merge_errors(tree, errors.nest_error(v.path or [], v.code, v.message))
                raise errors.form_error(
                    tree, "; ".join(f"{v.path}: {v.message}" for v in violations)
                )
        ctx = Ctx(
            sb,
            method,
            path,
            route_name,
            params,
            query,
            body,
            files,
            multipart,
            request.headers.get("X-Audit-Log-Reason"),
        )
        reply: Reply = await route.handler(ctx)
        status, out = reply.status, reply.body
    except ApiError as exc:
        status, out, error_text = exc.status, exc.body(), str(exc)
        headers.update(exc.headers)
    except Exception as exc:  # a sandbox bug: answer 500 and keep the traceback visible
        log.exception("sandbox handler crashed for %s %s", method, path)
        status, out, error_text = (
            500,
            {"message": "500: Internal Server Error", "code": 0},
            repr(exc),
        )
        sb.internal_errors.append(f"{method} {path}: {exc!r}")
    sb.recorder.add(
        RecordedRequest(
            method=method,
            path=path,
            route=route_name,
            json=body,
            files=[(name, data) for name, data, _ in files],
            status=status,
            at=sb.clock(),
            query=query,
            response=out,
            error=error_text,
            reason=unquote(request.headers["X-Audit-Log-Reason"])
            if "X-Audit-Log-Reason" in request.headers
            else None,
        )
    )
    if status >= 400:
        log.info("sandbox answered %s to %s %s: %s", status, method, path, error_text)
    return json_response(status, out, headers)


async def handle_attachment(request: web.Request) -> web.Response:
    sb: Sandbox = request.app[SANDBOX_KEY]
    found = sb.state.attachments.get(int(request.match_info["attachment_id"]))
    if found is None:
        return web.Response(status=404)
    return web.Response(body=found[1], content_type="application/octet-stream")


def build_app(sb: Sandbox) -> web.Application:
    app = web.Application(client_max_size=64 * 1024 * 1024)
    app[SANDBOX_KEY] = sb
    app.router.add_route("*", API_PREFIX + "/{tail:.*}", handle_rest)
    app.router.add_get("/gateway", sb.gateway.handle)
    app.router.add_get("/gateway/", sb.gateway.handle)
    app.router.add_get("/attachments/{channel_id}/{attachment_id}/{filename}", handle_attachment)
    return app
