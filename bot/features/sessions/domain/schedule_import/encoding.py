"""Which text encoding a schedule file is in, the way spreadsheet apps save them.

What organizers' files really are:
- Excel "CSV UTF-8" and LibreOffice: UTF-8 with a BOM; Google Sheets, Numbers: UTF-8 without one;
- Excel's plain "CSV" on a Japanese Windows or Mac: Shift_JIS, precisely Microsoft's cp932
  (Windows-31J: NEC/IBM extensions such as ①, ㈱, 髙 and `～` as U+FF5E);
- Excel "Unicode text" (.txt): UTF-16 little-endian with a BOM, tab-separated;
- rarely, EUC-JP from old Unix tools.

The order of tries is deterministic and needs no statistics: a BOM decides; then strict UTF-8
(text in cp932 or EUC-JP with any non-ASCII byte almost never is valid UTF-8); NUL bytes without
a BOM mean UTF-16 (the side the NULs are on gives the byte order); then strict cp932, unless its
reading is implausible (private-use characters, or mostly half-width katakana, which is what
EUC-JP read as cp932 looks like) while EUC-JP reads cleanly. UTF-16 must show line breaks
(almost any even number of bytes decodes as UTF-16). Anything else is refused with the
encodings tried, rather than shown as mojibake.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.errors import InvalidInput


class Encoding(StrEnum):
    """Stable names (catalog keys `import.encoding.<name>`)."""

    UTF8 = "utf8"
    UTF8_BOM = "utf8_bom"
    UTF16LE_BOM = "utf16le_bom"
    UTF16BE_BOM = "utf16be_bom"
    UTF16LE = "utf16le"
    UTF16BE = "utf16be"
    CP932 = "cp932"
    EUC_JP = "euc_jp"


#: How each one is decoded by Python.
CODECS = {
    Encoding.UTF8: "utf-8",
    Encoding.UTF8_BOM: "utf-8-sig",
    Encoding.UTF16LE_BOM: "utf-16",
    Encoding.UTF16BE_BOM: "utf-16",
    Encoding.UTF16LE: "utf-16-le",
    Encoding.UTF16BE: "utf-16-be",
    Encoding.CP932: "cp932",
    Encoding.EUC_JP: "euc_jp",
}

TRIED = "UTF-8 (with or without BOM), UTF-16 (Excel “Unicode text”), Shift_JIS (cp932), EUC-JP"


@dataclass(frozen=True)
class Decoded:
    text: str  # without the BOM
    encoding: Encoding


def _strict(data: bytes, encoding: Encoding) -> str | None:
    try:
        return data.decode(CODECS[encoding])
    except UnicodeDecodeError:
        return None


def _has_lines(text: str) -> bool:
    """UTF-16 bytes decode to *something* almost always; a schedule has line breaks."""
    return "\n" in text or "\r" in text


def _implausible_cp932(text: str) -> bool:
    """Private-use characters (user-defined cp932 rows F0-F9), or half-width katakana as most of
    the non-ASCII text: what EUC-JP bytes look like when read as cp932."""
    non_ascii = [c for c in text if ord(c) > 0x7F]
    if not non_ascii:
        return False
    if any(0xE000 <= ord(c) <= 0xF8FF for c in non_ascii):
        return True
    halfwidth = sum(1 for c in non_ascii if 0xFF61 <= ord(c) <= 0xFF9F)
    return halfwidth * 2 > len(non_ascii)


def _utf16_without_bom(data: bytes) -> Encoding | None:
    """NUL bytes mostly on odd positions: little-endian ASCII; on even ones: big-endian."""
    sample = data[:4096]
    if b"\x00" not in sample or len(sample) < 2:
        return None
    odd = sample[1::2].count(0)
    even = sample[0::2].count(0)
    half = len(sample) // 2
    if odd > half * 0.3 and even < odd / 4:
        return Encoding.UTF16LE
    if even > half * 0.3 and odd < even / 4:
        return Encoding.UTF16BE
    return None


def decode(data: bytes) -> Decoded:
    """The text of a schedule file and the encoding it was in.

    Raises `InvalidInput("errors.import_not_text", tried=...)` when none fits.
    """
    if data.startswith(codecs.BOM_UTF8):
        found: Encoding | None = Encoding.UTF8_BOM
    elif data.startswith(codecs.BOM_UTF16_LE):
        found = Encoding.UTF16LE_BOM
    elif data.startswith(codecs.BOM_UTF16_BE):
        found = Encoding.UTF16BE_BOM
    else:
        found = None
    if found is not None:
        text = _strict(data, found)
        if text is None or (found is not Encoding.UTF8_BOM and not _has_lines(text)):
            raise InvalidInput("errors.import_not_text", tried=TRIED)
        return Decoded(text.removeprefix("\ufeff"), found)
    if (text := _strict(data, Encoding.UTF8)) is not None and "\x00" not in text:
        return Decoded(text, Encoding.UTF8)
    utf16 = _utf16_without_bom(data)
    if utf16 is not None and (text := _strict(data, utf16)) is not None and _has_lines(text):
        return Decoded(text, utf16)
    if b"\x00" not in data:
        sjis = _strict(data, Encoding.CP932)
        euc = _strict(data, Encoding.EUC_JP)
        if sjis is not None and not (euc is not None and _implausible_cp932(sjis)):
            return Decoded(sjis, Encoding.CP932)
        if euc is not None:
            return Decoded(euc, Encoding.EUC_JP)
    raise InvalidInput("errors.import_not_text", tried=TRIED)
