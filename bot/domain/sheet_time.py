"""Times in files people open in a spreadsheet: `2027-07-01 09:31:00` in the workshop's zone.

Excel and LibreOffice read that form as a date and time (ISO 8601 with `T` and an offset stays
text). The zone is not in the cell; files name it where they can (a header like
`joined_at (Asia/Tokyo)`), and the schedule importer reads local times in the workshop's zone.
Only where the local time alone is ambiguous (the hour repeated when daylight saving time ends)
does the cell carry its offset too (`2027-10-31 02:00:00+01:00`), so nothing is ever misread.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def sheet_time(moment: datetime, zone: ZoneInfo) -> str:
    """An aware instant as `YYYY-MM-DD HH:MM:SS` in `zone` (plus `+HH:MM` when ambiguous)."""
    if moment.tzinfo is None:
        raise ValueError("aware datetime required")
    local = moment.astimezone(zone)
    text = local.strftime("%Y-%m-%d %H:%M:%S")
    other = local.replace(fold=1 - local.fold)
    if other.utcoffset() != local.utcoffset():
        offset = local.isoformat()[-6:]  # the same wall time happens twice: say which
        return text + offset
    return text
