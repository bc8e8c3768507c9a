"""The posters' purpose keys: the stored forms (released: never changed), read back, and what
is not one of them."""

from __future__ import annotations

import pytest

from bot.features.posters import keys


def test_the_stored_forms_and_their_prefixes() -> None:
    assert keys.post_key(12, 3) == "poster:12:3:post"
    assert keys.voice_key(12, 3) == "poster:12:3:voice"
    assert keys.category_key(12, 2) == "posters:12:2"
    assert keys.PREFIXES == ("poster:", "posters:")
    assert keys.post_key(12, 3).startswith(keys.boards_of(12))
    assert not keys.post_key(123, 3).startswith(keys.boards_of(12))
    assert keys.category_key(12, 2).startswith(keys.categories_of(12))
    assert (keys.voice_pattern(12), keys.category_pattern(12)) == (
        "poster:12:%:voice",
        "posters:12:%",
    )


def test_keys_read_back() -> None:
    assert keys.parse_board(keys.voice_key(12, 3)) == keys.BoardKey(12, 3, keys.VOICE)
    assert keys.parse_board(keys.post_key(1, 200)) == (1, 200, keys.POST)
    assert keys.parse_category(keys.category_key(12, 2)) == (12, 2)


@pytest.mark.parametrize(
    "purpose",
    ["posters:12:2", "poster:12:3", "poster:x:3:post", "session:12:channel", "room:4:channel", ""],
)
def test_other_purposes_are_no_board(purpose: str) -> None:
    assert keys.parse_board(purpose) is None


@pytest.mark.parametrize("purpose", ["poster:12:3:voice", "posters:12", "posters:a:1", "day:1:1"])
def test_other_purposes_are_no_category(purpose: str) -> None:
    assert keys.parse_category(purpose) is None
