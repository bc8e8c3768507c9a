"""The wrap-up's pure rules: a locked place's overwrites, where events end, teardown order."""

from __future__ import annotations

from bot.domain.permissions import Perm
from bot.domain.ports import EventStatus
from bot.domain.structure import ChannelKind, ItemKind, ResolvedOverwrite
from bot.features.wrapup.domain import final_status, locked, teardown_rank

GUILD = 10
BOT = 99


def overwrite(
    target: int, allow: int = 0, deny: int = 0, *, role: bool = True
) -> ResolvedOverwrite:
    return ResolvedOverwrite(target_id=target, is_role=role, allow=allow, deny=deny)


def test_a_voice_place_is_locked_for_everyone_and_the_rest_is_kept() -> None:
    bot = overwrite(BOT, allow=int(Perm.CONNECT | Perm.VIEW_CHANNEL), role=False)
    before = [overwrite(GUILD, allow=int(Perm.CONNECT | Perm.VIEW_CHANNEL)), bot]
    after = locked(before, ChannelKind.VOICE, GUILD)
    assert after is not None
    everyone = next(o for o in after if o.target_id == GUILD)
    assert everyone.deny == Perm.CONNECT | Perm.SEND_MESSAGES
    assert everyone.allow == Perm.VIEW_CHANNEL, "still visible: read-only, not hidden"
    assert bot in after
    assert locked(after, ChannelKind.VOICE, GUILD) is None, "locked already: no request"


def test_text_places_lose_sending_and_categories_are_no_places() -> None:
    after = locked([], ChannelKind.TEXT, GUILD)
    assert after == [
        overwrite(
            GUILD,
            deny=int(
                Perm.SEND_MESSAGES | Perm.SEND_MESSAGES_IN_THREADS | Perm.CREATE_PUBLIC_THREADS
            ),
        )
    ]
    assert locked([], ChannelKind.CATEGORY, GUILD) is None


def test_events_end_the_way_discord_allows() -> None:
    assert final_status(EventStatus.ACTIVE) is EventStatus.COMPLETED
    assert final_status(EventStatus.SCHEDULED) is EventStatus.CANCELED
    assert final_status(EventStatus.COMPLETED) is None
    assert final_status(EventStatus.CANCELED) is None


def test_teardown_deletes_events_first_and_categories_last() -> None:
    kinds = [ItemKind.CATEGORY, ItemKind.VOICE, ItemKind.MESSAGE, ItemKind.EVENT, ItemKind.TEXT]
    assert sorted(kinds, key=teardown_rank)[0] is ItemKind.EVENT
    assert sorted(kinds, key=teardown_rank)[-1] is ItemKind.CATEGORY
