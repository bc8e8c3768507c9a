"""The README is a contract: its invite permissions and test command match the code and CI."""

from __future__ import annotations

import re
from pathlib import Path

from bot.cli_permissions import markdown_table
from bot.core.permissions import INVITE_PERMISSIONS
from bot.i18n import Catalog

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_invite_permissions_integer_is_the_one_the_code_needs() -> None:
    value = INVITE_PERMISSIONS
    assert f"permissions={value}" in README
    assert f"**{value}**" in README


def test_readme_permission_table_is_the_catalogue() -> None:
    """The README's table is `workshop-bot permissions --markdown` (English), line for line."""
    table = markdown_table(Catalog.load(), "en")
    indented = "".join(f"   {line}\n" for line in table.splitlines())
    assert indented in README, "README's permission table differs: paste `permissions --markdown`"


def test_ci_runs_exactly_the_readme_test_command() -> None:
    blocks = re.findall(r"```sh\n(.*?)\n```", README, re.DOTALL)
    test_command = next(b for b in blocks if "pytest" in b and "[test]" in b)
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
