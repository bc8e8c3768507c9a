"""The house's layering, read from the source: which package imports which (at runtime and
under TYPE_CHECKING alike). Features depend on the core, never the other way; no two packages
import each other, directly or round a loop; pure domain code imports neither discord nor
aiosqlite; a feature reaches another only through its service (never its cog, views or render)."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"
# Packages that stand on their own (tools around the bot, not layers of it).
OUTSIDE = ("bot.sandbox", "bot.rehearsal")
TOP_MODULES = (
    "bot.__main__",
    "bot.app",
    "bot.cli",
    "bot.cli_archive",
    "bot.cli_exit",
    "bot.cli_export",
    "bot.cli_permissions",
    "bot.cli_start",
)


def module_name(path: Path) -> str:
    parts = path.relative_to(BOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def package_of(module: str) -> str:
    """`bot.features.rooms.cog` -> `bot.features.rooms`; `bot.core.bus` -> `bot.core`."""
    parts = module.split(".")
    if module == "bot":
        return "bot.__init__"  # the version, nothing else
    if parts[:2] == ["bot", "features"] and len(parts) > 2:
        return ".".join(parts[:3])
    if module in TOP_MODULES or len(parts) < 2:
        return "bot"
    return ".".join(parts[:2])


def modules() -> dict[str, set[str]]:
    found = {}
    for path in BOT.rglob("*.py"):
        name = module_name(path)
        if not name.startswith(OUTSIDE):
            found[name] = {i for i in imports_of(path) if i.startswith("bot.")}
    return found


def package_graph() -> dict[str, set[str]]:
    known = modules()
    graph: defaultdict[str, set[str]] = defaultdict(set)
    for module, targets in known.items():
        for target in targets:
            if target.startswith(OUTSIDE):
                continue
            resolved = target if target in known else target.rsplit(".", 1)[0]
            if resolved not in known:
                continue
            mine, theirs = package_of(module), package_of(resolved)
            if mine != theirs:
                graph[mine].add(theirs)
    return graph


def test_no_package_imports_one_that_imports_it_back() -> None:
    graph = package_graph()
    loops = []
    for start in graph:
        stack, seen = [(start, [start])], set()
        while stack:
            node, path = stack.pop()
            for nxt in graph.get(node, ()):
                if nxt == start:
                    loops.append(" -> ".join([*path, nxt]))
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*path, nxt]))
    assert loops == []


def test_the_core_imports_no_feature() -> None:
    graph = package_graph()
    lower = ("bot.core", "bot.domain", "bot.store", "bot.gateway", "bot.i18n")
    wrong = {p: sorted(t for t in graph[p] if t.startswith("bot.features")) for p in lower}
    assert {p: t for p, t in wrong.items() if t} == {}


def test_pure_domain_imports_neither_discord_nor_aiosqlite() -> None:
    pure = [
        p for p in BOT.rglob("*.py") if "domain" in p.relative_to(BOT).parts or p.stem == "domain"
    ]
    assert pure
    for path in pure:
        banned = {i for i in imports_of(path) if i.split(".")[0] in ("discord", "aiosqlite")}
        assert banned == set(), path


def test_a_feature_uses_another_only_through_its_services() -> None:
    wrong = []
    for module, targets in modules().items():
        mine = package_of(module)
        for target in targets:
            theirs = package_of(target)
            if theirs.startswith("bot.features") and theirs != mine and mine != "bot":
                leaf = target.split(".")[3] if len(target.split(".")) > 3 else ""
                if leaf in ("cog", "views", "render", "wire"):
                    wrong.append(f"{module} imports {target}")
    assert wrong == []
