"""The layer contract, read from the import graph: every arrow points down (ARCHITECTURE.md §1).

The graph counts every import in the source, including those under ``TYPE_CHECKING``: a
cycle that only type checking sees is still two modules that cannot be understood apart.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "cogs")

#: Packages below the cogs that must work, and be tested, without Discord.
DISCORD_FREE = ("bot.domain", "bot.triage", "bot.services", "bot.db", "bot.scheduling")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            found[module_name(path)] = path
    return found


MODULES = modules()


def imported(name: str, path: Path) -> Iterator[str]:
    """Every module ``name`` imports, resolved to absolute dotted names."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield target
            for alias in node.names:
                # `from bot.db import tables` imports the module bot.db.tables.
                if f"{target}.{alias.name}" in MODULES:
                    yield f"{target}.{alias.name}"


def internal(target: str) -> str | None:
    """The project module an import refers to (a module, or the package it names)."""
    while target:
        if target in MODULES:
            return target
        target = target.rpartition(".")[0]
    return None


GRAPH: dict[str, set[str]] = {
    name: {m for t in imported(name, path) if (m := internal(t)) is not None and m != name}
    for name, path in MODULES.items()
}
RAW: dict[str, set[str]] = {name: set(imported(name, path)) for name, path in MODULES.items()}


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_sees_the_tree() -> None:
    assert "bot.app" in MODULES and "cogs.triage" in MODULES
    assert GRAPH["cogs.triage"], "an adapter with no imports means the reader is broken"


def test_no_import_cycle_inside_bot() -> None:
    inside = {n: {m for m in deps if within(m, "bot")} for n, deps in GRAPH.items() if within(n, "bot")}
    # A package's __init__ re-exporting its own modules is not a cycle between two ideas.
    for name, deps in inside.items():
        deps -= {m for m in deps if within(m, name) or within(name, m)}
    assert cycles(inside) == []


@pytest.mark.parametrize("package", DISCORD_FREE)
def test_no_discord_below_the_adapters(package: str) -> None:
    offenders = sorted(
        name
        for name, targets in RAW.items()
        if within(name, package) and any(within(t, "discord") for t in targets)
    )
    assert offenders == [], f"{package} must not import discord"


def test_nothing_in_bot_imports_the_cogs() -> None:
    offenders = sorted(
        name for name, deps in GRAPH.items() if within(name, "bot") and any(within(d, "cogs") for d in deps)
    )
    assert offenders == []


def test_cogs_reach_no_repository_and_no_dispatcher() -> None:
    forbidden = ("bot.db", "bot.runtime.dispatcher", "bot.scheduling.dispatcher")
    offenders = sorted(
        (name, dep)
        for name, deps in GRAPH.items()
        if within(name, "cogs")
        for dep in deps
        if any(within(dep, f) for f in forbidden)
    )
    assert offenders == []


def test_the_checks_catch_what_they_forbid() -> None:
    """The contract's own machinery fails on a cycle, so a green run means something."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
