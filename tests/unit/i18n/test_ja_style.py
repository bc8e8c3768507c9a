"""The punctuation part of ja.toml's style rule: in Japanese text, brackets, colons, question and
exclamation marks are full-width. Code, commands, numbers and URLs keep their half-width forms:
backtick spans, URLs, `{placeholders}`, Discord markup (`<t:…:F>`, `<#…>`) and markdown link
targets are left out before looking."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.i18n import load_catalog_file

I18N_DIR = Path(__file__).resolve().parents[3] / "bot" / "i18n"

JAPANESE = r"\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff60"
_SKIPPED = re.compile(
    r"`[^`]*`"  # code
    r"|https?://\S+"  # URLs
    r"|\{[^{}]*\}"  # placeholders, commands included
    r"|<[^<>\s]*>"  # Discord markup: timestamps, channel and command mentions
    r"|\]\([^)]*\)"  # a markdown link's target
)
HALF_WIDTH = "():?!"
# A half-width mark with Japanese on either side (spaces between do not make it Latin).
_MIXED = re.compile(
    rf"[{JAPANESE}] *[{re.escape(HALF_WIDTH)}]|[{re.escape(HALF_WIDTH)}] *[{JAPANESE}]"
)


def mixed_punctuation(text: str) -> list[str]:
    """The places in `text` where half-width punctuation sits in Japanese."""
    plain = _SKIPPED.sub("X", text)
    return [m.group(0) for m in _MIXED.finditer(plain)]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("長さ(分、5〜720)", ["さ("]),
        ("（{count}件)", ["件)"]),
        ("確保済み (3)", ["み ("]),
        ("投稿:{post}", ["稿:"]),
        ("興味あり?", ["り?"]),
        ("長さ（分、5〜720）", []),
        ("`workshop-bot export attendance --format csv` を実行", []),
        ("<t:{start}:F> に始まります", []),
        ("Asia/Tokyo、10:00、https://example.com/a?b=c:d の例", []),
        ("[イベントを開く](https://discord.com/events/1/2)", []),
        ("{/poster claim:session} で選んでください", []),
        ("CSV (UTF-8)", []),
    ],
)
def test_the_check_itself(text: str, found: list[str]) -> None:
    assert mixed_punctuation(text) == found


def test_japanese_punctuation_is_full_width() -> None:
    bad = {
        key: spots
        for key, text in load_catalog_file("ja").items()
        if (spots := mixed_punctuation(text))
    }
    assert bad == {}


def test_the_style_rule_is_written_at_the_top_of_ja_toml() -> None:
    head = (I18N_DIR / "ja.toml").read_text(encoding="utf-8").split("\n[", 1)[0]
    for words in ("です・ます調", "全角：（）：？！", "「」", "半角"):
        assert words in head, words
