"""Read a schedule file of any supported format: size check, decoding, format detection."""

from __future__ import annotations

from datetime import datetime
from pathlib import PurePath
from zoneinfo import ZoneInfo

from bot.domain.errors import InvalidInput
from bot.domain.schedule_import.csv_format import parse_csv
from bot.domain.schedule_import.frab_format import parse_frab
from bot.domain.schedule_import.rows import MAX_IMPORT_BYTES, ImportFormat, ImportResult
from bot.domain.schedule_import.yaml_format import load_yaml, looks_like_schedule, parse_yaml
from bot.domain.sessions.timeparse import DEFAULT_ZONE

_BY_SUFFIX = {
    ".csv": ImportFormat.CSV,
    ".tsv": ImportFormat.CSV,
    ".yaml": ImportFormat.YAML,
    ".yml": ImportFormat.YAML,
    ".json": ImportFormat.FRAB,
}
FORMATS = "CSV (.csv), YAML (.yaml/.yml), Pretalx/frab schedule.json (.json)"


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")  # with or without a BOM
    except UnicodeDecodeError:
        raise InvalidInput("errors.import_not_utf8") from None


def check_size(data: bytes) -> None:
    if len(data) > MAX_IMPORT_BYTES:
        raise InvalidInput("errors.import_too_large", size=len(data), max=MAX_IMPORT_BYTES)


def detect_format(filename: str, data: bytes) -> ImportFormat:
    """The format from the file name's suffix, else from the content.

    Raises `InvalidInput("errors.import_unknown_format")` when neither tells.
    """
    suffix = PurePath(filename).suffix.lower()
    if suffix in _BY_SUFFIX:
        return _BY_SUFFIX[suffix]
    check_size(data)
    text = _decode(data).lstrip()
    if text.startswith("{"):
        return ImportFormat.FRAB
    first_line = text.split("\n", 1)[0].lower()
    if "title" in first_line and any(sep in first_line for sep in ",;\t"):
        return ImportFormat.CSV
    try:
        if looks_like_schedule(load_yaml(text)):
            return ImportFormat.YAML
    except InvalidInput:
        pass
    raise InvalidInput("errors.import_unknown_format", filename=filename, formats=FORMATS)


def parse_schedule(
    filename: str,
    data: bytes,
    zone: ZoneInfo = DEFAULT_ZONE,
    *,
    now: datetime | None = None,
) -> ImportResult:
    """Parse a schedule file into rows and problems.

    `zone` is the workshop zone (YAML `timezone:` and frab `time_zone_name` override it for their
    file). `now` (aware) lets `07-01 10:00` / `10:00` style times take today's year/day; without
    it such times are reported as problems (`errors.time_needs_date`).
    Raises `InvalidInput` only for an unreadable file: errors.import_too_large,
    errors.import_too_many, errors.import_unknown_format, errors.import_not_utf8,
    errors.import_malformed, errors.import_csv_columns, errors.timezone_unknown.
    """
    check_size(data)
    fmt = detect_format(filename, data)
    text = _decode(data)
    if fmt is ImportFormat.CSV:
        return parse_csv(text, zone, now=now)
    if fmt is ImportFormat.YAML:
        return parse_yaml(text, zone, now=now)
    return parse_frab(text, zone, now=now)
