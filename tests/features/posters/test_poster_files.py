"""The poster file rule: the bytes must be the PDF or image the file's name says."""

from __future__ import annotations

import pytest

from bot.domain.errors import InvalidInput
from bot.features.posters.domain.files import (
    PosterFormat,
    check_poster_file,
    claimed_format,
    sniff,
    verify_poster_file,
)
from tests.file_payloads import ELF, EXE, GIF, HTML, JPEG, PDF, WEBP, ZIP, png

LIMIT = 10 * 1024 * 1024


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("poster.pdf", PDF, PosterFormat.PDF),
        ("poster.PNG", png(), PosterFormat.PNG),
        ("photo.jpg", JPEG, PosterFormat.JPEG),
        ("photo.jpeg", JPEG, PosterFormat.JPEG),
        ("anim.gif", GIF, PosterFormat.GIF),
        ("poster.webp", WEBP, PosterFormat.WEBP),
        ("ポスター 最終版.pdf", PDF, PosterFormat.PDF),
    ],
)
def test_real_posters_pass(name: str, data: bytes, kind: PosterFormat) -> None:
    check_poster_file(name, None, len(data), LIMIT)
    assert verify_poster_file(name, data, LIMIT) is kind


@pytest.mark.parametrize(
    ("name", "data", "key"),
    [
        ("poster.pdf", EXE, "errors.poster_file_content"),  # an executable renamed .pdf
        ("poster.pdf", ELF, "errors.poster_file_content"),
        ("poster.png", HTML, "errors.poster_file_content"),  # HTML renamed .png
        ("poster.pdf", ZIP, "errors.poster_file_content"),
        ("poster.pdf", png(), "errors.poster_file_mismatch"),  # a PNG named .pdf
        ("poster.jpg", png(), "errors.poster_file_mismatch"),
        ("poster.png", PDF, "errors.poster_file_mismatch"),
        ("poster.pdf", b"", "errors.poster_file_empty"),
        ("poster.pdf", b"%PDF-", "errors.poster_file_content"),  # truncated headers
        ("poster.pdf", b"%PDF-x.y\n", "errors.poster_file_content"),
        ("poster.png", b"\x89PNG\r\n\x1a\n", "errors.poster_file_content"),
        ("poster.png", png()[:20], "errors.poster_file_content"),
        ("poster.png", png(width=0), "errors.poster_file_content"),
        ("poster.jpg", b"\xff\xd8\xff", "errors.poster_file_content"),
        ("poster.gif", b"GIF89a", "errors.poster_file_content"),
        ("poster.webp", b"RIFF\x00\x00\x00\x00WEBP", "errors.poster_file_content"),
        ("poster.webp", b"RIFF\x00\x00\x00\x00WAVEfmt ", "errors.poster_file_content"),
        ("poster.pdf.exe", PDF, "errors.poster_file_type"),
        ("poster", PDF, "errors.poster_file_type"),
        ("poster.svg", b"<svg/>", "errors.poster_file_type"),
    ],
)
def test_anything_else_is_refused_with_its_reason(name: str, data: bytes, key: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        verify_poster_file(name, data, LIMIT)
    assert refused.value.key == key


def test_checks_before_downloading_name_type_and_size() -> None:
    check_poster_file("poster.png", "image/png; charset=binary", 1000, LIMIT)
    for name, content_type, size in (
        ("poster.exe", "application/octet-stream", 10),
        ("poster.pdf", "application/x-msdownload", 10),  # the type Discord gave disagrees
        ("poster.png", "image/jpeg", 10),
    ):
        with pytest.raises(InvalidInput) as refused:
            check_poster_file(name, content_type, size, LIMIT)
        assert refused.value.key == "errors.poster_file_type"
    with pytest.raises(InvalidInput) as refused:
        check_poster_file("poster.pdf", "application/pdf", 0, LIMIT)
    assert refused.value.key == "errors.poster_file_empty"
    with pytest.raises(InvalidInput) as refused:
        check_poster_file("poster.pdf", "application/pdf", LIMIT + 1, LIMIT)
    assert refused.value.key == "errors.poster_file_size"
    with pytest.raises(InvalidInput) as refused:  # larger than announced
        verify_poster_file("poster.pdf", PDF + b"\x00" * LIMIT, LIMIT)
    assert refused.value.key == "errors.poster_file_size"


def test_sniff_and_claimed_format() -> None:
    assert sniff(png()) is PosterFormat.PNG
    assert sniff(HTML) is None and sniff(b"") is None
    assert claimed_format("a.JPEG") is PosterFormat.JPEG
    assert claimed_format("noextension") is None
