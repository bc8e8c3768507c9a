"""The READMEs are a contract: their invite permissions and test command match the code and CI."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli_permissions import markdown_table
from bot.core.permissions import INVITE_PERMISSIONS
from bot.i18n import Catalog

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
README_JA = (ROOT / "README.ja.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("readme", [README, README_JA], ids=["en", "ja"])
def test_invite_permissions_integer_is_the_one_the_code_needs(readme: str) -> None:
    value = INVITE_PERMISSIONS
    assert f"permissions={value}" in readme
    assert f"**{value}**" in readme


@pytest.mark.parametrize(
    ("readme", "locale"), [(README, "en"), (README_JA, "ja")], ids=["en", "ja"]
)
def test_readme_permission_table_is_the_catalogue(readme: str, locale: str) -> None:
    """Each README's table is `workshop-bot permissions --markdown` in its language, line for
    line (`WORKSHOP_LOCALE=ja workshop-bot permissions --markdown` for README.ja.md)."""
    table = markdown_table(Catalog.load(), locale)
    indented = "".join(f"   {line}\n" for line in table.splitlines())
    assert indented in readme, "the permission table differs: paste `permissions --markdown`"


def test_ci_runs_exactly_the_readme_test_command() -> None:
    blocks = re.findall(r"```sh\n(.*?)\n```", README, re.DOTALL)
    test_command = next(b for b in blocks if "pytest" in b and "[test]" in b)
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
