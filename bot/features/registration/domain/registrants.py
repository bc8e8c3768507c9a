"""Reading a registrants file: CSV or TSV exported from connpass, Peatix or a Google Form, in the
encodings Japanese spreadsheets use (the schedule importer's detection: BOM, UTF-8, UTF-16,
cp932, EUC-JP).

Columns are recognized by their headers (`HEADERS`); a Google Form's free headers are named by
`registration.columns` (`{"ticket": "受付番号", "type": "区分", "name": "お名前"}`). Only what
the check needs is kept of each row: the ticket id, its type, the name and whether it is
cancelled (a status column reading キャンセル / cancel / 取消; 補欠 and キャンセル待ち are on the
waiting list and count as not admitted). Nothing else of the file is read into the result.

A ticket id that comes twice with other ticket types (a Peatix order of several tickets) gets
all its types; the same row twice is one duplicate (reported); the same id with another name is
a conflict (the first row wins, reported). Empty ids or names are reported and skipped.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from bot.domain.errors import InvalidInput
from bot.features.registration.domain.matching import name_key, receipt_key, unwrap_cell
from bot.features.sessions.domain.schedule_import.encoding import Encoding, decode

MAX_BYTES = 4 * 1024 * 1024
MAX_ROWS = 20_000
MAX_NAME = 100
MAX_TICKET = 64
MAX_TYPE = 100
MAX_PROBLEMS_SHOWN = 20

FIELDS = ("ticket", "type", "name", "status")

#: Headers recognized without configuration, compared case-folded and without spaces.
HEADERS: dict[str, tuple[str, ...]] = {
    "ticket": (
        "受付番号",
        "チケットid",
        "チケット番号",
        "注文番号",
        "注文id",
        "参加番号",
        "receipt",
        "receiptnumber",
        "ticketid",
        "ticketnumber",
        "orderid",
        "ordernumber",
    ),
    "type": ("参加枠名", "参加枠", "チケット名", "チケット種別", "券種", "tickettype", "ticket"),
    "name": ("表示名", "氏名", "お名前", "名前", "参加者名", "name", "fullname", "displayname"),
    "status": ("参加ステータス", "ステータス", "状態", "status"),
}

_CANCELLED = ("キャンセル", "cancel", "取消", "取り消し")
_WAITING = ("補欠", "キャンセル待ち", "waitlist", "waiting")


class Source(StrEnum):
    CONNPASS = "connpass"
    PEATIX = "peatix"
    FORM = "form"  # headers named by registration.columns
    OTHER = "other"


@dataclass(frozen=True)
class Registrant:
    ticket: str  # as written (unwrapped), for organizers
    key: str  # receipt_key(ticket)
    types: tuple[str, ...]
    name: str
    name_key: str
    cancelled: bool = False


@dataclass(frozen=True)
class Problem:
    line: int  # 1-based line of the file (the header is line 1)
    key: str  # catalog key under registration.problem.*
    value: str = ""


@dataclass
class ReadFile:
    source: Source
    encoding: Encoding
    registrants: list[Registrant] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0
    duplicates: int = 0


def _norm_header(text: str) -> str:
    return "".join(text.split()).casefold().replace("_", "").replace("-", "")


def _columns(header: list[str], overrides: Mapping[str, str]) -> tuple[dict[str, int], Source]:
    found: dict[str, int] = {}
    cells = [_norm_header(h) for h in header]
    used_override = False
    for name, wanted in overrides.items():
        if name in FIELDS and _norm_header(wanted) in cells:
            found[name] = cells.index(_norm_header(wanted))
            used_override = True
    for name in FIELDS:
        if name in found:
            continue
        for alias in HEADERS[name]:
            if alias in cells:
                found[name] = cells.index(alias)
                break
    if "受付番号" in cells and "参加枠名" in cells:
        source = Source.CONNPASS
    elif any(c in cells for c in ("チケットid", "注文番号")) and "チケット名" in cells:
        source = Source.PEATIX
    else:
        source = Source.FORM if used_override else Source.OTHER
    return found, source


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    return "\t" if first.count("\t") > first.count(",") else ","


def _cell(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return unwrap_cell(row[index]).strip()


def _status(text: str) -> str:
    folded = text.casefold()
    if any(w in folded for w in _WAITING):
        return "waiting"
    if any(w in folded for w in _CANCELLED):
        return "cancelled"
    return "ok"


def read_registrants(data: bytes, overrides: Mapping[str, str] | None = None) -> ReadFile:
    """The registrants of a file; raises InvalidInput when it cannot be read at all (too large,
    not text, no header, a needed column missing)."""
    if len(data) > MAX_BYTES:
        raise InvalidInput("registration.file_too_large", size=len(data), max=MAX_BYTES)
    decoded = decode(data)
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
    rows = list(csv.reader(io.StringIO(text), delimiter=_delimiter(text)))
    while rows and not any(c.strip() for c in rows[0]):
        rows.pop(0)
    if not rows:
        raise InvalidInput("registration.file_empty")
    header, body = rows[0], rows[1:]
    if len(body) > MAX_ROWS:
        raise InvalidInput("registration.file_too_many_rows", rows=len(body), max=MAX_ROWS)
    columns, source = _columns(header, overrides or {})
    missing = [f for f in ("ticket", "name") if f not in columns]
    if missing:
        shown = ", ".join(h.strip()[:40] for h in header if h.strip())[:300]
        raise InvalidInput(
            "registration.file_columns_missing", missing=", ".join(missing), headers=shown
        )
    result = ReadFile(source=source, encoding=decoded.encoding)
    by_key: dict[str, Registrant] = {}
    order: list[str] = []
    for number, row in enumerate(body, start=2):
        if not any(c.strip() for c in row):
            continue
        result.rows += 1
        ticket = _cell(row, columns.get("ticket"))[:MAX_TICKET]
        name = " ".join(_cell(row, columns.get("name")).split())[:MAX_NAME]
        kind = " ".join(_cell(row, columns.get("type")).split())[:MAX_TYPE]
        status = _status(_cell(row, columns.get("status")))
        key = receipt_key(ticket)
        if not key:
            result.problems.append(Problem(number, "no_ticket"))
            continue
        if not name_key(name):
            result.problems.append(Problem(number, "no_name", ticket))
            continue
        types = (kind,) if kind else ()
        before = by_key.get(key)
        if before is None:
            by_key[key] = Registrant(
                ticket, key, types, name, name_key(name), cancelled=status != "ok"
            )
            order.append(key)
            continue
        if before.name_key != name_key(name):
            result.problems.append(Problem(number, "conflict", ticket))
            continue
        if set(types) <= set(before.types):
            result.duplicates += 1
            result.problems.append(Problem(number, "duplicate", ticket))
            continue
        by_key[key] = Registrant(
            before.ticket,
            key,
            before.types + tuple(t for t in types if t not in before.types),
            before.name,
            before.name_key,
            cancelled=before.cancelled and status != "ok",
        )
    result.registrants = [by_key[k] for k in order]
    return result


@dataclass(frozen=True)
class Plan:
    """What confirming a file changes against the registrants stored."""

    added: list[Registrant]
    changed: list[Registrant]  # other types or name, or cancelled / back again
    cancelled: list[Registrant]  # newly cancelled, or missing from the new file
    unchanged: int


def plan(stored: Mapping[str, Registrant], read: ReadFile) -> Plan:
    """Re-import: new tickets added, those missing or marked cancelled flagged cancelled."""
    added: list[Registrant] = []
    changed: list[Registrant] = []
    cancelled: list[Registrant] = []
    unchanged = 0
    seen: set[str] = set()
    for new in read.registrants:
        seen.add(new.key)
        old = stored.get(new.key)
        if old is None:
            added.append(new)
        elif new.cancelled and not old.cancelled:
            cancelled.append(new)
        elif (old.types, old.name, old.cancelled) != (new.types, new.name, new.cancelled):
            changed.append(new)
        else:
            unchanged += 1
    for key, old in stored.items():
        if key not in seen and not old.cancelled:
            cancelled.append(
                Registrant(old.ticket, old.key, old.types, old.name, old.name_key, cancelled=True)
            )
    return Plan(added, changed, cancelled, unchanged)


def roles_for(types: tuple[str, ...], mapping: Mapping[str, str]) -> list[str]:
    """The configured role names or ids of a ticket's types (`*`: every ticket), no repeats."""
    wanted: list[str] = []
    folded = {k.casefold().strip(): v for k, v in mapping.items()}
    for kind in types:
        role = folded.get(kind.casefold().strip())
        if role and role not in wanted:
            wanted.append(role)
    default = mapping.get("*")
    if default and default not in wanted:
        wanted.append(default)
    return wanted


def read_and_plan(
    data: bytes, overrides: Mapping[str, str], stored: Mapping[str, Registrant]
) -> tuple[ReadFile, Plan]:
    """What a preview shows and a Confirm applies (run in a budgeted worker process)."""
    read = read_registrants(data, overrides)
    return read, plan(stored, read)
