"""Member and imported text shown to others (bot/domain/text_safety.py): one line where a line is
expected, no bidi tricks, markdown shown as typed, bodies without headings or masked links — and
normal text exactly as before."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.text_safety import (
    BIDI_CONTROLS,
    body,
    escape_markdown,
    one_line,
    plain_line,
    shown_params,
    strip_controls,
)
from bot.features.posters.domain.boards import PosterBoard, post_title, voice_name
from bot.features.rooms.domain.board import (
    BoardRoom,
    BoardTexts,
    RoomBoard,
    board_description,
    names_line,
)
from bot.features.sessions.domain.layout import ChannelKind, channel_name
from tests.markdown_view import bidi_is_contained, headings, masked_links, styled

TEXTS = BoardTexts(
    sessions_heading="Running now",
    rooms_heading="Topic rooms · {rooms} open · {people} inside",
    no_rooms="No rooms",
    inside="{count} inside",
    inside_limited="{count}/{limit} inside",
    empty_room="empty",
    more_names="+{count}",
    more_rooms="+{rooms} more rooms ({people} inside)",
    more_sessions="+{count} more sessions",
    poster_summary="{boards} boards, {people} people, presenters present: {presenters}",
)
ZOOM = "[Join the Zoom here](https://evil.example)"
FORGED_ROOM = "Real topic\n🔊 <#1> **Free GPUs** · 40 inside\n# Topic rooms · 99 open"


# -- one line ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "ML ops",
        "Keynote: 現場で回る機械学習",
        "日本語LLMの継続事前学習",
        "強化学習 🤖",
        "Self-supervised pretraining",
        "#1 Efficient fine-tuning",
        "Q&A, 2026",
        "C++ and Rust",
        "3.5 hours of talks",
    ],
)
def test_normal_text_is_unchanged(text: str) -> None:
    assert plain_line(text) == text
    assert one_line(text) == text


def test_newlines_and_controls_never_make_a_second_line() -> None:
    for brk in ("\n", "\r\n", "\r", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"):
        assert one_line(f"a{brk}# b") == "a # b"
    assert plain_line("a\x00b\x07c\x1bd\x7fe\x9bf") == "abcdef"
    assert plain_line("  spaced \t out  ") == "spaced out"
    assert "\n" not in one_line(FORGED_ROOM)


def test_bidi_overrides_embeddings_isolates_and_marks_are_removed() -> None:
    assert plain_line("Eve\u202etxt.exe") == "Evetxt.exe"
    for ch in sorted(BIDI_CONTROLS):
        assert plain_line(f"a{ch}b") == "ab", f"U+{ord(ch):04X}"
    assert plain_line("\u200bhid\u2060den\ufeff") == "hidden"
    assert plain_line("\u3164\u115f") == "", "a name made of Hangul fillers shows as nothing"
    assert plain_line("a\ud800b") == "ab", "a lone surrogate cannot be sent to Discord"
    assert plain_line("👨\u200d👩\u200d👧 family") == "👨\u200d👩\u200d👧 family", "ZWJ emoji kept"


def test_right_to_left_text_is_isolated_so_it_cannot_reorder_its_neighbours() -> None:
    assert one_line("שלום") == "\u2068שלום\u2069"
    assert one_line("Ali مرحبا") == "\u2068Ali مرحبا\u2069"
    assert one_line("\u202eabc") == "abc", "no right-to-left letter: nothing to isolate"
    assert len(one_line("مرحبا" * 50, 20)) <= 20
    assert bidi_is_contained(one_line("\u202bمرحبا\u202c \u2067x"))


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("**FREE NITRO**", "\\*\\*FREE NITRO\\*\\*"),
        ("__under__ ~~strike~~ ||spoiler|| `code`", None),
        ("# Heading", "\\# Heading"),
        ("## Heading", "\\## Heading"),
        ("### Heading", "\\### Heading"),
        ("-# small print", "\\-# small print"),
        ("> quote", "\\> quote"),
        (">>> quote", "\\>\\>\\> quote"),
        ("- item", "\\- item"),
        ("+ item", "\\+ item"),
        ("* item", "\\* item"),
        ("1. first", "1\\. first"),
        (ZOOM, "\\[Join the Zoom here\\]\\(https://evil.example)"),
        ("<@123> <#45> <t:1:R> @everyone", "\\<\\@123\\> \\<#45\\> \\<t:1:R\\> \\@everyone"),
        ("a\\b", "a\\\\b"),
    ],
)
def test_markdown_in_one_line_is_shown_as_typed(text: str, shown: str | None) -> None:
    out = one_line(text)
    if shown is not None:
        assert out == shown
    assert not styled(out) and not headings(out) and not masked_links(out)


def test_plain_urls_stay_intact_and_clickable() -> None:
    url = "https://arxiv.org/abs/2401.12345_v2?x=a*b"
    assert one_line(f"Paper: {url} (*new*)") == f"Paper: {url} \\(\\*new\\*\\)"
    assert escape_markdown("see https://x.example/a_b_c") == "see https://x.example/a_b_c"


def test_the_limit_counts_the_escapes_and_never_splits_one() -> None:
    assert one_line("x" * 300, 256) == "x" * 255 + "…"
    out = one_line("*" * 300, 256)
    assert len(out) <= 256 and out.endswith("\\*…")
    assert len(one_line("_" * 100 + "abc", 10)) <= 10
    assert one_line("short", 10) == "short"
    assert plain_line("a rather long title", 10) == "a rather…"


@given(st.text(max_size=300), st.integers(min_value=2, max_value=300))
def test_one_line_is_always_one_contained_line_within_its_limit(text: str, limit: int) -> None:
    out = one_line(text, limit)
    assert len(out) <= limit
    assert "\n" not in out and "\r" not in out
    assert bidi_is_contained(out)
    assert not headings(out) and not masked_links(out) and not styled(out)


@given(st.text(max_size=200))
def test_plain_line_has_no_control_or_bidi_characters(text: str) -> None:
    out = plain_line(text)
    assert out == out.strip() and "  " not in out
    assert not any(ch in BIDI_CONTROLS or (ord(ch) < 32) for ch in out)


# -- bodies -----------------------------------------------------------------------------------


def test_a_body_keeps_lines_emphasis_lists_and_urls() -> None:
    text = "Intro with **bold** and _italics_.\n\n- point one\n- point two\nhttps://example.org/p"
    assert body(text) == text
    assert body("長い要旨。" * 300) == "長い要旨。" * 300


def test_masked_links_and_headings_in_a_body_show_as_typed() -> None:
    abstract = f"# Free compute\nWe study X. {ZOOM}\n-# fine print\n> ## quoted\n- # listed"
    out = body(abstract)
    assert out == (
        "\\# Free compute\nWe study X. [Join the Zoom here]\\(https://evil.example)\n"
        "\\-# fine print\n> \\## quoted\n- \\# listed"
    )
    assert headings(out) == [] and masked_links(out) == []
    assert "https://evil.example" in out, "the real address is what people see and click"
    nested = "[a [b] c](https://evil.example) [x](<https://evil.example>)"
    assert masked_links(body(nested)) == []


def test_code_in_a_body_is_left_as_written() -> None:
    text = "Install with `pip install x[extra](y)`:\n```\n# not a heading\n[a](b)\n```"
    assert body(text) == text


def test_a_body_loses_controls_and_piles_of_blank_lines() -> None:
    assert body("a\r\nb\rc\u2028d") == "a\nb\nc\nd"
    assert body("top\n\n\n\n\n \n\t\n\nbottom") == "top\n\nbottom"
    assert body("x\u202ey\x00z\u200b") == "xyz"
    assert body("\n\n  padded  \n\n") == "padded"


def test_a_long_body_is_cut_within_its_limit() -> None:
    out = body("# h\n" + "word " * 2000, 4096)
    assert len(out) == 4096 and out.endswith("…")
    assert len(body("x" * 99 + "](y", 101)) <= 101


@given(st.text(max_size=400))
def test_a_body_never_renders_a_heading_or_a_masked_link(text: str) -> None:
    out = body(text, 300)
    assert len(out) <= 300
    assert headings(out) == [] and masked_links(out) == []
    assert not any(ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069" for ch in out)


# -- where the layer is applied ---------------------------------------------------------------


def test_a_forged_topic_or_name_cannot_add_a_line_to_the_board() -> None:
    board = RoomBoard(
        rooms=(
            BoardRoom(channel_id=7, title=FORGED_ROOM, occupants=("Eve\n🔊 fake · 9 inside",)),
            BoardRoom(channel_id=8, title="**FREE NITRO**"),
        )
    )
    lines = board_description(board, TEXTS, "").splitlines()
    assert len(lines) == 3, lines  # the heading and one line per room
    assert lines[1] == (
        "🔊 <#7> Real topic 🔊 \\<#1\\> \\*\\*Free GPUs\\*\\* · 40 inside # Topic rooms ·… "
        "· 1 inside: Eve 🔊 fake · 9 inside"
    ), "all on the room's own line, the markup shown as typed"
    assert lines[2] == "🔈 <#8> \\*\\*FREE NITRO\\*\\* · empty"


def test_a_reversing_name_does_not_reverse_its_neighbours_on_the_board() -> None:
    line = names_line(("\u202eAli", "Ben", "حسن"), TEXTS)
    assert "\u202e" not in line
    assert line == "Ali, Ben, \u2068حسن\u2069"


def test_post_thread_and_channel_names_are_one_plain_line() -> None:
    board = PosterBoard(
        id=1, guild_id=1, session_id=1, number=3, presenter_id=9, title="**Bold**\u202e claim"
    )
    assert post_title(board) == "#3 **Bold** claim", "a thread name shows no markdown: kept"
    assert voice_name(board) == "003 · **Bold** claim"
    assert channel_name("Talk\u202e one\n# two", ChannelKind.VOICE) == "Talk one # two"


def test_message_parameters_from_people_are_shown_as_typed() -> None:
    params = shown_params(
        {"title": "**x**\n# y", "value": "@everyone", "count": 3, "formats": "CSV (.csv)"}
    )
    assert params == {
        "title": "\\*\\*x\\*\\* # y",
        "value": "\\@everyone",
        "count": 3,
        "formats": "CSV (.csv)",  # the bot's own words stay as they are
    }


def test_strip_controls_keeps_newlines_only_when_asked() -> None:
    assert strip_controls("a\nb\tc") == "a b c"
    assert strip_controls("a\r\nb", keep_newlines=True) == "a\nb"
