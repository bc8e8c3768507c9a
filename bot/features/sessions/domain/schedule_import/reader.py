"""Read a schedule file of any supported format: size check, decoding, format detection."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import PurePath
from zoneinfo import ZoneInfo

from bot.domain.errors import InvalidInput
from bot.features.sessions.domain.schedule_import.columns import field_of
from bot.features.sessions.domain.schedule_import.csv_format import parse_csv, sniff
from bot.features.sessions.domain.schedule_import.encoding import Decoded, decode
from bot.features.sessions.domain.schedule_import.frab_format import parse_frab
from bot.features.sessions.domain.schedule_import.rows import (
    MAX_IMPORT_BYTES,
    FileInfo,
    ImportFormat,
    ImportResult,
)
from bot.features.sessions.domain.schedule_import.yaml_format import (
    load_yaml,
    looks_like_schedule,
    parse_yaml,
)
from bot.features.sessions.domain.timeparse import DEFAULT_ZONE

_BY_SUFFIX = {
    ".csv": ImportFormat.CSV,
    ".tsv": ImportFormat.CSV,
    ".yaml": ImportFormat.YAML,
    ".yml": ImportFormat.YAML,
    ".json": ImportFormat.FRAB,
}
FORMATS = (
    "CSV or TSV (.csv/.tsv/.txt, also Excel “Unicode text”), YAML (.yaml/.yml), "
    "Pretalx/frab schedule.json (.json)"
)


def check_size(data: bytes) -> None:
    if len(data) > MAX_IMPORT_BYTES:
        raise InvalidInput("errors.import_too_large", size=len(data), max=MAX_IMPORT_BYTES)


def _sniff_format(filename: str, text: str) -> ImportFormat:
    stripped = text.lstrip()
    if stripped.startswith("{"):
        return ImportFormat.FRAB
    delimiter, _ = sniff(text)
    first_line = stripped.split("\n", 1)[0]
    if delimiter in first_line and not first_line.rstrip().endswith(":"):
        cells = [c.strip().strip('"') for c in first_line.split(delimiter)]
        if any(field_of(cell) == "title" for cell in cells):
            return ImportFormat.CSV
    try:
        if looks_like_schedule(load_yaml(text)):
            return ImportFormat.YAML
    except InvalidInput:
        pass
    raise InvalidInput("errors.import_unknown_format", filename=filename[:100], formats=FORMATS)


def _decoded(filename: str, data: bytes) -> tuple[ImportFormat, Decoded]:
    check_size(data)
    decoded = decode(data)
    suffix = PurePath(filename).suffix.lower()
    fmt = _BY_SUFFIX.get(suffix) or _sniff_format(filename, decoded.text)
    return fmt, decoded


def detect_format(filename: str, data: bytes) -> ImportFormat:
    """The format from the file name's suffix, else from the content (`.txt`: Excel's
    "Unicode text" is a TSV).

    Raises `InvalidInput("errors.import_unknown_format")` when neither tells (or
    errors.import_too_large / errors.import_not_text for a file that is no text at all).
    """
    return _decoded(filename, data)[0]


def parse_schedule(
    filename: str,
    data: bytes,
    zone: ZoneInfo = DEFAULT_ZONE,
    *,
    now: datetime | None = None,
) -> ImportResult:
    """Parse a schedule file into rows and problems, noting how it was read (`result.info`:
    the encoding, and for CSV the separator and the columns recognised).

    `zone` is the workshop zone (YAML `timezone:` and frab `time_zone_name` override it for their
    file). `now` (aware) lets `07-01 10:00` style times take this year; without it such times are
    reported as problems (`errors.time_needs_date`). A bare `10:00` needs a date column or a YAML
    day. Raises `InvalidInput` only for an unreadable file: errors.import_too_large,
    errors.import_too_many, errors.import_too_many_columns, errors.import_unknown_format,
    errors.import_not_text, errors.import_malformed, errors.import_csv_columns,
    errors.import_column_twice, errors.import_yaml_*, errors.import_json_too_deep,
    errors.timezone_unknown.
    """
    fmt, decoded = _decoded(filename, data)
    if fmt is ImportFormat.CSV:
        return parse_csv(decoded.text, zone, now=now, encoding=decoded.encoding)
    if fmt is ImportFormat.YAML:
        result = parse_yaml(decoded.text, zone, now=now)
    else:
        result = parse_frab(decoded.text, zone, now=now)
    result.info = (
        FileInfo(decoded.encoding)
        if result.info is None
        else replace(result.info, encoding=decoded.encoding)
    )
    return result
