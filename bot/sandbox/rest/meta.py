"""Gateway discovery, the bot user, the application and its commands."""

from __future__ import annotations

import copy
from typing import Any

from bot.sandbox import errors, limits
from bot.sandbox.errors import FormErrors
from bot.sandbox.rest import Ctx, Reply, router


@router.add("GET", "/gateway", auth=False)
async def get_gateway(ctx: Ctx) -> Reply:
    return Reply(200, {"url": ctx.sb.gateway_url})


@router.add("GET", "/gateway/bot")
async def get_gateway_bot(ctx: Ctx) -> Reply:
    return Reply(
        200,
        {
            "url": ctx.sb.gateway_url,
            "shards": 1,
            "session_start_limit": {
                "total": 1000,
                "remaining": 999,
                "reset_after": 86_400_000,
                "max_concurrency": 1,
            },
        },
    )


@router.add("GET", "/users/@me")
async def get_me(ctx: Ctx) -> Reply:
    user = copy.deepcopy(ctx.sb.state.users[ctx.sb.bot_user_id])
    user.update(verified=True, mfa_enabled=False, email=None, locale="en-US")
    return Reply(200, user)


@router.add("GET", "/users/{user_id}")
async def get_user(ctx: Ctx) -> Reply:
    user = ctx.sb.state.users.get(ctx.id("user_id"))
    if user is None:
        raise errors.unknown("user")
    return Reply(200, copy.deepcopy(user))


# Null-valued fields Discord still sends; other unset fields are left out.
_NULLABLE_APP_FIELDS = {
    "icon",
    "interactions_endpoint_url",
    "role_connections_verification_url",
    "team",
    "type",
}


def application(ctx: Ctx) -> dict[str, Any]:
    sb = ctx.sb
    app: dict[str, Any] = {
        "id": str(sb.application_id),
        "name": sb.application_name,
        "icon": None,
        "description": "",
        "summary": "",
        "type": None,
        "hook": True,
        "bot_public": False,
        "bot_require_code_grant": False,
        "verify_key": "0" * 64,
        "flags": sb.application_flags,
        "owner": copy.deepcopy(sb.state.users[sb.owner_user_id]),
        "team": None,
        "bot": copy.deepcopy(sb.state.users[sb.bot_user_id]),
        "rpc_origins": [],
        "interactions_endpoint_url": None,
        "role_connections_verification_url": None,
        "redirect_uris": [],
        "tags": [],
        "install_params": None,
        "custom_install_url": None,
        "approximate_guild_count": len(sb.state.guilds),
        "integration_types_config": {"0": {}},
        "terms_of_service_url": None,
        "privacy_policy_url": None,
        "cover_image": None,
        "primary_sku_id": None,
        "slug": None,
        "guild_id": None,
        "event_webhooks_url": None,
        "event_webhooks_status": 1,
        "event_webhooks_types": [],
        "flags_new": str(sb.application_flags),
        "approximate_user_install_count": 0,
        "approximate_user_authorization_count": 0,
        "explicit_content_filter": 0,
        "eligible_oauth2_scopes": ["bot", "applications.commands"],
    }
    return {k: v for k, v in app.items() if v is not None or k in _NULLABLE_APP_FIELDS}


@router.add("GET", "/oauth2/applications/@me")
async def get_oauth_app(ctx: Ctx) -> Reply:
    return Reply(200, application(ctx))


@router.add("GET", "/applications/@me")
async def get_app(ctx: Ctx) -> Reply:
    return Reply(200, application(ctx))


# ---- application commands -------------------------------------------------------------------
def _check_localizations(
    errs: FormErrors, path: list[str | int], value: Any, *, name: bool, chat_input: bool
) -> None:
    if value is None:
        return
    if not isinstance(value, dict):
        errs.add(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
        return
    for locale, text in value.items():
        if locale not in limits.LOCALES:
            errs.add(
                [*path, locale], "ENUM_TYPE_COERCE", f'Value "{locale}" is not a valid enum value.'
            )
        elif name and not limits.valid_command_name(text, chat_input=chat_input):
            errs.add([*path, locale], "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
        elif not name:
            errs.length([*path, locale], str(text), 1, 100)


def _text_size(node: dict[str, Any]) -> int:
    size = len(node.get("name", "")) + len(node.get("description", "") or "")
    for choice in node.get("choices") or []:
        size += len(str(choice.get("name", ""))) + len(str(choice.get("value", "")))
    return size + sum(_text_size(o) for o in node.get("options") or [])


def _check_options(
    errs: FormErrors, path: list[str | int], options: list[dict[str, Any]], depth: int
) -> None:
    if len(options) > 25:
        errs.add(path, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    names = [o.get("name") for o in options]
    if len(set(names)) != len(names):
        errs.add(
            path, "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS", "Option names must be unique"
        )
    seen_optional = False
    for i, opt in enumerate(options):
        here = [*path, i]
        kind = opt.get("type")
        if not limits.valid_command_name(opt.get("name")):
            errs.add([*here, "name"], "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
        errs.length([*here, "description"], opt.get("description") or "", 1, 100)
        _check_localizations(
            errs,
            [*here, "name_localizations"],
            opt.get("name_localizations"),
            name=True,
            chat_input=True,
        )
        _check_localizations(
            errs,
            [*here, "description_localizations"],
            opt.get("description_localizations"),
            name=False,
            chat_input=True,
        )
        if not isinstance(kind, int) or not 1 <= kind <= 11:
            errs.add([*here, "type"], "BASE_TYPE_CHOICES", "Value must be one of (1..11).")
            continue
        if kind in (1, 2):
            if depth >= (2 if kind == 2 else 3) or (kind == 2 and depth == 1):
                errs.add(
                    [*here, "type"],
                    "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                    "Sub-command and sub-command group option types are mutually exclusive "
                    "to all other types",
                )
            _check_options(errs, [*here, "options"], opt.get("options") or [], depth + 1)
            continue
        if opt.get("required"):
            if seen_optional:
                errs.add(
                    [*here, "required"],
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            seen_optional = True
        choices = opt.get("choices") or []
        if len(choices) > 25:
            errs.add([*here, "choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        if choices and opt.get("autocomplete"):
            errs.add(
                [*here, "autocomplete"],
                "AUTOCOMPLETE_AND_CHOICES_ERROR",
                "Autocomplete cannot be enabled on options that have choices.",
            )
        for j, choice in enumerate(choices):
            errs.length([*here, "choices", j, "name"], choice.get("name"), 1, 100)
            if isinstance(choice.get("value"), str):
                errs.length([*here, "choices", j, "value"], choice["value"], 1, 100)
            _check_localizations(
                errs,
                [*here, "choices", j, "name_localizations"],
                choice.get("name_localizations"),
                name=False,
                chat_input=True,
            )


def validate_command(errs: FormErrors, path: list[str | int], cmd: Any) -> None:
    if not isinstance(cmd, dict):
        errs.add(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
        return
    kind = cmd.get("type", 1) or 1
    chat = kind == 1
    name = cmd.get("name")
    if name is None:
        errs.add([*path, "name"], "BASE_TYPE_REQUIRED", "This field is required")
    elif chat and not limits.valid_command_name(name):
        errs.add([*path, "name"], "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
    elif not chat:
        errs.length([*path, "name"], str(name), 1, 32)
    _check_localizations(
        errs,
        [*path, "name_localizations"],
        cmd.get("name_localizations"),
        name=True,
        chat_input=chat,
    )
    if chat:
        errs.length([*path, "description"], cmd.get("description") or "", 1, 100)
        _check_localizations(
            errs,
            [*path, "description_localizations"],
            cmd.get("description_localizations"),
            name=False,
            chat_input=True,
        )
        _check_options(errs, [*path, "options"], cmd.get("options") or [], 0)
        if _text_size(cmd) > 4000:
            errs.add(path, "APPLICATION_COMMAND_TOO_LARGE", "Command exceeds maximum size (4000)")
    elif cmd.get("description"):
        errs.add(
            [*path, "description"],
            "APPLICATION_COMMAND_DESCRIPTION_NOT_EMPTY",
            "Description must be empty for non chat-input commands",
        )


def _store_command(
    ctx: Ctx, pool: dict[int, dict[str, Any]], cmd: dict[str, Any], guild_id: int | None
) -> dict[str, Any]:
    kind = cmd.get("type", 1) or 1
    existing = next(
        (c for c in pool.values() if c["name"] == cmd["name"] and c["type"] == kind), None
    )
    cid = int(existing["id"]) if existing else ctx.sb.ids.next()
    perms = cmd.get("default_member_permissions")
    stored = {
        "id": str(cid),
        "application_id": str(ctx.sb.application_id),
        "version": str(ctx.sb.ids.next()),
        "type": kind,
        "name": cmd["name"],
        "name_localizations": cmd.get("name_localizations"),
        "description": cmd.get("description", ""),
        "description_localizations": cmd.get("description_localizations"),
        "options": copy.deepcopy(cmd.get("options") or []),
        "default_member_permissions": str(perms) if perms is not None else None,
        "dm_permission": cmd.get("dm_permission", True),
        "nsfw": bool(cmd.get("nsfw", False)),
        "integration_types": cmd.get("integration_types") or [0],
        "contexts": cmd.get("contexts"),
    }
    if guild_id is not None:
        stored["guild_id"] = str(guild_id)
    pool[cid] = stored
    return stored


def _pool(ctx: Ctx) -> tuple[dict[int, dict[str, Any]], int | None]:
    if ctx.id("application_id") != ctx.sb.application_id:
        raise errors.missing_access("not your application")
    if "guild_id" in ctx.params:
        guild = ctx.sb.state.guild(ctx.id("guild_id"))
        return ctx.sb.state.guild_commands.setdefault(guild.id, {}), guild.id
    return ctx.sb.state.global_commands, None


def _query_bool(ctx: Ctx, name: str) -> bool:
    raw = ctx.query.get(name)
    if raw is None:
        return False
    if raw.lower() in ("true", "1"):
        return True
    if raw.lower() in ("false", "0"):
        return False
    raise errors.field_error([name], "BOOLEAN_TYPE_CONVERT", "Must be either true or false.")


_LOCALIZATIONS = ("name_localizations", "description_localizations")


def _without_localizations(node: dict[str, Any]) -> dict[str, Any]:
    """Listing every command, Discord leaves the localization dictionaries out (of options and
    choices too) unless `with_localizations=true` (it would send `name_localized` for the locale
    of an X-Discord-Locale header, which the bot does not send)."""
    for key in _LOCALIZATIONS:
        node.pop(key, None)
    for child in (*(node.get("options") or []), *(node.get("choices") or [])):
        _without_localizations(child)
    return node


for base in (
    "/applications/{application_id}/commands",
    "/applications/{application_id}/guilds/{guild_id}/commands",
):

    @router.add("GET", base)
    async def list_commands(ctx: Ctx) -> Reply:
        pool, _ = _pool(ctx)
        full = _query_bool(ctx, "with_localizations")
        listed = copy.deepcopy(list(pool.values()))
        return Reply(200, listed if full else [_without_localizations(c) for c in listed])

    @router.add("PUT", base)
    async def bulk_overwrite(ctx: Ctx) -> Reply:
        pool, gid = _pool(ctx)
        body = ctx.body
        if not isinstance(body, list):
            raise errors.field_error(
                [], "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType"
            )
        errs = FormErrors()
        if len(body) > 100:
            errs.add([], "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
        for i, cmd in enumerate(body):
            validate_command(errs, [i], cmd)
        keys = [(c.get("type", 1) or 1, c.get("name")) for c in body if isinstance(c, dict)]
        if len(set(keys)) != len(keys):
            errs.add(
                [],
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                "Application command names must be unique",
            )
        errs.raise_if_any()
        scratch = dict(pool)
        new_pool: dict[int, dict[str, Any]] = {}
        out = []
        for cmd in body:
            stored = _store_command(ctx, scratch, cmd, gid)
            new_pool[int(stored["id"])] = stored
            out.append(copy.deepcopy(stored))
        pool.clear()
        pool.update(new_pool)
        return Reply(200, out)

    @router.add("POST", base)
    async def create_command(ctx: Ctx) -> Reply:
        pool, gid = _pool(ctx)
        errs = FormErrors()
        validate_command(errs, [], ctx.body)
        errs.raise_if_any()
        existed = any(c["name"] == ctx.json["name"] for c in pool.values())
        stored = _store_command(ctx, pool, ctx.json, gid)
        return Reply(200 if existed else 201, copy.deepcopy(stored))

    @router.add("GET", base + "/{command_id}")
    async def get_command(ctx: Ctx) -> Reply:
        pool, _ = _pool(ctx)
        cmd = pool.get(ctx.id("command_id"))
        if cmd is None:
            raise errors.unknown("command")
        return Reply(200, copy.deepcopy(cmd))

    @router.add("PATCH", base + "/{command_id}")
    async def edit_command(ctx: Ctx) -> Reply:
        pool, _ = _pool(ctx)
        cmd = pool.get(ctx.id("command_id"))
        if cmd is None:
            raise errors.unknown("command")
        merged = {**cmd, **ctx.json}
        errs = FormErrors()
        validate_command(errs, [], merged)
        errs.raise_if_any()
        cmd.update(copy.deepcopy(ctx.json))
        return Reply(200, copy.deepcopy(cmd))

    @router.add("DELETE", base + "/{command_id}")
    async def delete_command(ctx: Ctx) -> Reply:
        pool, _ = _pool(ctx)
        if pool.pop(ctx.id("command_id"), None) is None:
            raise errors.unknown("command")
        return Reply(204)
