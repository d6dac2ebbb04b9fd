"""The package's layout follows the data flow (docs/architecture.md): each module sits in a
room, rooms are ranked along the flow, and a module imports only from its own room or a
lower one.  Built from the source with `ast`, lazy imports inside functions included, so
an upward call cannot hide in a function body."""

from __future__ import annotations

import ast
from pathlib import Path

import report_extract

PACKAGE = Path(report_extract.__file__).parent
ROOT = "report_extract"

# Lowest first: foundations, the contract, the document model, then the flow.
RANKS = {
    "version": 0,
    "settings": 0,
    "patterns": 0,
    "contract": 1,
    "model": 2,
    "reading": 3,
    "sections": 4,
    "checks": 5,
    "tables": 6,
    "metadata": 7,
    "pipeline": 8,
    "outputs": 9,
    "batch": 10,
    "views": 11,
    "cli": 12,
    "": 12,  # "" is the package's API (report_extract/__init__.py)
    "launch": 13,  # the console script's entry: starts the workers' server, then the CLI
    "__main__": 13,
}


def modules() -> dict[str, Path]:
    found = {}
    for f in PACKAGE.rglob("*.py"):
        parts = list(f.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = f
    return found


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that `name` imports, as names relative to the package."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == ROOT:
            assert node.level == 0, f"{name}: relative import (the house style is absolute)"
            base = node.module[len(ROOT) + 1 :]
            for alias in node.names:
                sub = f"{base}.{alias.name}" if base else alias.name
                out.add(sub if sub in known else base)
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{name}: relative import (the house style is absolute)")
        elif isinstance(node, ast.Import):
            out |= {a.name[len(ROOT) + 1 :] for a in node.names if a.name.split(".")[0] == ROOT}
    # Importing a.b.c runs a/__init__ and a/b/__init__ first: those are edges too, except to
    # the module's own packages (already running when it is imported) and to the API package
    # (which every import runs first).
    for target in list(out):
        parts = target.split(".")
        parents = {".".join(parts[:k]) for k in range(1, len(parts))}
        out |= {p for p in parents if not name.startswith(p + ".")}
    return out - {name, ""}


def graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imports(name, path, set(found)) for name, path in found.items()}


def room(name: str) -> str:
    return name.split(".")[0]


def test_every_module_is_in_a_ranked_room() -> None:
    assert sorted(n for n in modules() if room(n) not in RANKS) == []


def test_no_module_imports_from_a_higher_room() -> None:
    upward = [
        f"{src} -> {dst}" for src, targets in graph().items() for dst in targets if RANKS[room(dst)] > RANKS[room(src)]
    ]
    assert upward == []


def test_rooms_do_not_import_each_other_both_ways() -> None:
    edges = {(room(s), room(d)) for s, ts in graph().items() for d in ts if room(s) != room(d)}
    assert sorted(e for e in edges if (e[1], e[0]) in edges) == []


def test_no_import_cycle() -> None:
    g = graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(g.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt) :] + [nxt] if nxt in path else [node, nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for start in sorted(g):
        if start not in state:
            visit(start, [start])
    assert cycles == []


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    # The graph is only as good as its parsing: a lazy import inside a function counts.
    f = tmp_path / "m.py"
    f.write_text("def f():\n    from report_extract.views.show import show\n", encoding="utf-8")
    assert "views.show" in imports("checks.m", f, {"views.show"})
    assert "views" in imports("checks.m", f, {"views.show"})
