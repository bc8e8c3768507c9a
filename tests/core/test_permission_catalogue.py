"""Every permission overwrite the code can produce uses only bits the catalogue asks for.

Discord refuses (403 / 50013) an overwrite that allows *or* denies a bit the bot does not hold,
so an overwrite with a bit outside the invite breaks on a server where the bot holds exactly its
invite. This enumerates the overwrites of every place in every phase: base channels, session
places of every kind (stage, voice, text, forum, and a poster session's text channel in a server
without Community), poster board voice channels (with a
presenter), and topic rooms.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.core.permissions import (
    CATALOGUE,
    INVITE_PERMISSIONS,
    NOT_ASKED,
    client_id_from_token,
    invite_url,
    missing,
    uncovered,
)
from bot.domain.gate import GateTargets, gated
from bot.domain.permissions import Perm
from bot.domain.structure import BASE_CHANNELS, OverwriteSpec, resolve_overwrites
from bot.features.posters import places as poster_places
from bot.features.registration import onboarding
from bot.features.sessions.domain.layout import ChannelKind as LayoutKind
from bot.features.sessions.domain.places import Phase, people_overwrite, place_overwrites
from bot.i18n import Catalog


def every_overwrite() -> Iterator[tuple[str, int, int]]:
    for spec in BASE_CHANNELS:
        for ow in spec.overwrites:
            yield f"base {spec.purpose} {ow.target}", int(ow.allow), int(ow.deny)
    for kind in LayoutKind:
        for phase in Phase:
            for posters in (False, True):  # True: a poster session's text channel (no Community)
                for ow in place_overwrites(kind, phase, posters=posters):
                    where = f"place {kind}{' posters' if posters else ''} {phase} {ow.target}"
                    yield where, int(ow.allow), int(ow.deny)
    yield "poster presenter", int(poster_places.PRESENTER_ALLOW), 0
    for ow in onboarding._WELCOME_OVERWRITES:
        yield f"#welcome {ow.target}", int(ow.allow), int(ow.deny)
    # The registration gate on every place above: what it adds to the overwrites.
    targets = GateTargets(1, (2, 3), (4,), 5)
    specs = [spec.overwrites for spec in BASE_CHANNELS] + [
        place_overwrites(kind, phase, posters=posters)
        for kind in LayoutKind
        for phase in Phase
        for posters in (False, True)
    ]
    for spec in [*specs, ()]:  # (): a topic room writes none of its own
        resolved = resolve_overwrites(
            spec, everyone_role_id=1, organizer_role_ids=[4], bot_user_id=5
        )
        for ow in gated(resolved, targets):
            yield f"gated {ow.target_id}", ow.allow, ow.deny
    for kind in LayoutKind:
        yield f"chair and speakers on a {kind}", int(people_overwrite(kind)), 0


@pytest.mark.parametrize(("where", "allow", "deny"), list(every_overwrite()))
def test_every_overwrite_stays_inside_the_catalogue(where: str, allow: int, deny: int) -> None:
    assert not uncovered(allow), f"{where} allows {Perm(uncovered(allow))!r}"
    assert not uncovered(deny), f"{where} denies {Perm(uncovered(deny))!r}"


def test_overwrite_specs_are_all_enumerated() -> None:
    """A new OverwriteSpec constant in the domain must be reachable from every_overwrite()."""
    import bot.domain.structure as structure
    import bot.features.sessions.domain.places as places

    seen = {(int(ow.allow), int(ow.deny)) for spec in BASE_CHANNELS for ow in spec.overwrites} | {
        (int(ow.allow), int(ow.deny))
        for kind in LayoutKind
        for phase in Phase
        for posters in (False, True)
        for ow in place_overwrites(kind, phase, posters=posters)
    }
    for module in (places, structure):
        for value in vars(module).values():
            specs = value if isinstance(value, tuple) else (value,)
            for spec in specs:
                if isinstance(spec, OverwriteSpec):
                    assert (int(spec.allow), int(spec.deny)) in seen, spec


def test_topic_rooms_inherit_and_write_no_overwrite() -> None:
    import inspect

    from bot.features.rooms import places as room_places

    assert "overwrites" not in inspect.getsource(room_places.RoomPlaces.ensure_channel)


def test_the_invite_integer_is_the_catalogue() -> None:
    assert sum(int(n.perm) for n in CATALOGUE) == INVITE_PERMISSIONS
    # with Pin Messages (the guide in #help), Set Voice Channel Status (the sidebar) and
    # Manage Nicknames (registration.set_nickname)
    assert INVITE_PERMISSIONS == 2533614519700496
    assert len({n.perm for n in CATALOGUE}) == len(CATALOGUE)
    for perm, _ in NOT_ASKED:
        assert not INVITE_PERMISSIONS & perm


def test_every_permission_is_named_and_explained_in_both_languages() -> None:
    catalog = Catalog.load()
    for needed in CATALOGUE:
        for key in (needed.name_key, needed.why_key, needed.breaks_key):
            assert catalog.has(key), key
            assert catalog.raw(key, "ja") != catalog.raw(key, "en"), key
    assert catalog.t("permissions.manage_channels.name", "ja") == "チャンネルの管理"


def test_missing_names_what_the_bot_lacks_in_catalogue_order() -> None:
    have = INVITE_PERMISSIONS & ~(Perm.MANAGE_EVENTS | Perm.MANAGE_CHANNELS)
    assert [n.key for n in missing(have)] == ["manage_channels", "manage_events"]
    assert missing(INVITE_PERMISSIONS) == []
    assert missing(int(Perm.ADMINISTRATOR)) == []


def test_invite_url_and_client_id_from_token() -> None:
    url = invite_url(42)
    assert url.startswith("https://discord.com/oauth2/authorize?client_id=42&")
    assert "scope=bot+applications.commands" in url
    assert f"permissions={INVITE_PERMISSIONS}" in url
    assert "YOUR_APPLICATION_ID" in invite_url(None)
    # base64("123456789012345678") is the first part of a token of that bot user
    assert client_id_from_token("MTIzNDU2Nzg5MDEyMzQ1Njc4.Gx.yz") == 123456789012345678
    assert client_id_from_token("not a token") is None


def test_the_cli_prints_integer_table_and_invite(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import main

    assert main(["permissions", "--client-id", "42"]) == 0
    out = capsys.readouterr().out
    assert f"Permissions integer: {INVITE_PERMISSIONS}" in out
    assert "| Manage Channels | create, open, lock and remove" in out
    assert invite_url(42) in out
    assert "YOUR_APPLICATION_ID" not in out


def test_the_cli_speaks_the_workshop_locale(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.cli import main

    monkeypatch.setenv("WORKSHOP_LOCALE", "ja")
    assert main(["permissions"]) == 0
    out = capsys.readouterr().out
    assert f"権限の整数値：{INVITE_PERMISSIONS}" in out
    assert "| チャンネルの管理 |" in out
    assert "YOUR_APPLICATION_ID" in out
