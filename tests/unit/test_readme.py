"""The README is a contract: its invite permissions and test command match the code and CI."""

from __future__ import annotations

import re
from pathlib import Path

from bot.domain.permissions import BOT_PERMISSIONS, bot_permissions_value

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_invite_permissions_integer_is_the_one_the_code_needs() -> None:
    value = bot_permissions_value()
    assert f"permissions={value}" in README
    assert f"**{value}**" in README


def test_every_requested_permission_is_explained() -> None:
    rows = dict(re.findall(r"^\s*\| ([A-Z][\w ]+?) \| (.+?) \|$", README, re.MULTILINE))
    for perm, why in BOT_PERMISSIONS.items():
        name = perm.name.replace("_", " ").title().replace("In ", "in ").replace("To ", "to ")
        name = {"View Channel": "View Channels"}.get(name, name)
        assert rows.get(name) == why, f"README does not explain {name}"


def test_ci_runs_exactly_the_readme_test_command() -> None:
    blocks = re.findall(r"```sh\n(.*?)\n```", README, re.DOTALL)
    test_command = next(b for b in blocks if "pytest" in b and "[test]" in b)
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
