"""What a poster file is, from its bytes: the rule `/poster upload` applies before reposting.

A poster is a PDF or an image (PNG, JPEG, GIF, WebP). Discord gives an attachment's content type
from its file name, not from its content, so the name proves nothing: the bytes must start with
the signature of one of these formats (complete enough to be that format's header), and the
name's extension must say the same format. An executable renamed `.pdf`, HTML renamed `.png`, a
PNG named `.pdf`, an empty file or a cut-off header is refused.
"""

from __future__ import annotations

from enum import StrEnum

from bot.domain.errors import InvalidInput


class PosterFormat(StrEnum):
    PDF = "PDF"
    PNG = "PNG"
    JPEG = "JPEG"
    GIF = "GIF"
    WEBP = "WebP"


ALLOWED_NAMES = "PDF, PNG, JPEG, GIF, WebP"  # as the refusals name them

# The file name's extension -> the format it claims; the content type Discord derives from it.
EXTENSIONS: dict[str, PosterFormat] = {
    "pdf": PosterFormat.PDF,
    "png": PosterFormat.PNG,
    "jpg": PosterFormat.JPEG,
    "jpeg": PosterFormat.JPEG,
    "gif": PosterFormat.GIF,
    "webp": PosterFormat.WEBP,
}
MEDIA_TYPES: dict[PosterFormat, str] = {
    PosterFormat.PDF: "application/pdf",
    PosterFormat.PNG: "image/png",
    PosterFormat.JPEG: "image/jpeg",
    PosterFormat.GIF: "image/gif",
    PosterFormat.WEBP: "image/webp",
}

_PNG = b"\x89PNG\r\n\x1a\n"
# JPEG: SOI, then the first segment's marker (APPn, DQT, SOFn, DHT, COM...).
_JPEG_FIRST_MARKERS = frozenset(range(0xC0, 0xF0)) | {0xDB, 0xDD, 0xFE}
_WEBP_CHUNKS = (b"VP8 ", b"VP8L", b"VP8X")


def claimed_format(filename: str) -> PosterFormat | None:
    """The format a file name claims by its extension (case-insensitive), if an allowed one."""
    _, dot, extension = filename.rpartition(".")
    return EXTENSIONS.get(extension.lower()) if dot else None


def sniff(data: bytes) -> PosterFormat | None:
    """The poster format whose complete header `data` starts with, or None."""
    if data.startswith(b"%PDF-") and len(data) >= 8:
        # "%PDF-1.7": a version "d.d" right after the signature.
        version = data[5:8]
        if version[:1].isdigit() and version[1:2] == b"." and version[2:3].isdigit():
            return PosterFormat.PDF
        return None
    if data.startswith(_PNG):
        # The first chunk is IHDR, 13 bytes long, with a width and a height above zero.
        ihdr = data[8:33]
        if (
            len(ihdr) == 25
            and ihdr[:8] == b"\x00\x00\x00\x0dIHDR"
            and int.from_bytes(ihdr[8:12]) > 0
            and int.from_bytes(ihdr[12:16]) > 0
        ):
            return PosterFormat.PNG
        return None
    if data[:3] == b"\xff\xd8\xff" and len(data) >= 4 and data[3] in _JPEG_FIRST_MARKERS:
        return PosterFormat.JPEG
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 13:  # + logical screen descriptor
        return PosterFormat.GIF
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP" and data[12:16] in _WEBP_CHUNKS:
        return PosterFormat.WEBP
    return None


def media_type(content_type: str | None) -> str:
    """`image/png; charset=binary` -> `image/png`."""
    return (content_type or "").split(";")[0].strip().lower()


def check_poster_file(filename: str, content_type: str | None, size: int, limit: int) -> None:
    """Before downloading: the name claims an allowed format (and the content type Discord gave,
    if any, the same one), the file is not empty and the size fits."""
    claimed = claimed_format(filename)
    if claimed is None:
        raise InvalidInput("errors.poster_file_type", value=filename[-40:])
    given = media_type(content_type)
    if given and given != MEDIA_TYPES[claimed]:
        raise InvalidInput("errors.poster_file_type", value=given[:40])
    if size <= 0:
        raise InvalidInput("errors.poster_file_empty", file=filename[-40:], allowed=ALLOWED_NAMES)
    if size > limit:
        raise InvalidInput("errors.poster_file_size", size=size, max=limit)


def verify_poster_file(filename: str, data: bytes, limit: int) -> PosterFormat:
    """After downloading: the bytes are what the name says (and as small as announced)."""
    claimed = claimed_format(filename)
    if claimed is None:
        raise InvalidInput("errors.poster_file_type", value=filename[-40:])
    if not data:
        raise InvalidInput("errors.poster_file_empty", file=filename[-40:], allowed=ALLOWED_NAMES)
    if len(data) > limit:
        raise InvalidInput("errors.poster_file_size", size=len(data), max=limit)
    found = sniff(data)
    if found is None:
        raise InvalidInput(
            "errors.poster_file_content",
            file=filename[-40:],
            claimed=claimed.value,
            allowed=ALLOWED_NAMES,
        )
    if found is not claimed:
        raise InvalidInput(
            "errors.poster_file_mismatch",
            file=filename[-40:],
            claimed=claimed.value,
            found=found.value,
        )
    return found
