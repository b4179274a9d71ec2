"""The package keeps its shape: no import cycle among `lms.*` modules, no module over 500 lines.

Imports are read from the source with `ast`, so an import inside a function counts (that is where
cycles hide) and one under `if TYPE_CHECKING:` does not (it never runs). Importing `lms.a.b` is an
edge to `lms.a.b` only: its parent packages are not counted, as in import-linter, since every
module would otherwise depend on `lms/__init__.py` and so on the extension.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "lms"
MAX_LINES = 500

#: Modules allowed past MAX_LINES for now, with the reason. Keep it empty, or shrink it.
LONG_MODULES: dict[str, str] = {}

#: Import cycles allowed for now (their modules, sorted), with the reason. Keep it empty or shrink.
CYCLES: dict[tuple[str, ...], str] = {}


def module_files(package: Path) -> dict[str, Path]:
    """Dotted module name → file, for every module of `package` (a package is its __init__)."""
    modules = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported(node: ast.Import | ast.ImportFrom, name: str, modules: dict[str, Path]) -> set[str]:
    """The modules of the package one import statement in module `name` loads."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names} & modules.keys()
    if node.level:
        here = name.split(".") if modules[name].name == "__init__.py" else name.split(".")[:-1]
        base = ".".join(here[: len(here) - node.level + 1])
        source = f"{base}.{node.module}" if node.module else base
    else:
        source = node.module or ""
    # `from lms import db` loads the module lms.db; `from lms.db import Base` loads lms.db.
    loaded = {
        f"{source}.{a.name}" if f"{source}.{a.name}" in modules else source for a in node.names
    }
    return loaded & modules.keys()


def import_graph(package: Path) -> dict[str, set[str]]:
    """Each module of `package` → the modules of `package` it imports, wherever in the file."""
    modules = module_files(package)
    graph = {}
    for name, path in modules.items():
        found: set[str] = set()

        def visit(node: ast.AST, name=name, found=found) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.If) and _is_type_checking(child):
                    for other in child.orelse:
                        visit(ast.Module(body=[other], type_ignores=[]))
                    continue
                if isinstance(child, ast.Import | ast.ImportFrom):
                    found.update(_imported(child, name, modules) - {name})
                visit(child)

        visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        graph[name] = found
    return graph


def import_cycles(graph: dict[str, set[str]]) -> dict[tuple[str, ...], list[str]]:
    """Each group of modules that import one another (sorted) → one closed path through it."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles = {}

    def connect(module: str) -> None:
        # Tarjan's strongly connected components.
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph[module]):
            if target not in index:
                connect(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == module:
                    break
            if len(group) > 1:
                cycles[tuple(sorted(group))] = _closed_path(graph, group)

    for module in sorted(graph):
        if module not in index:
            connect(module)
    return cycles


def _closed_path(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """A shortest path from the group's first module back to itself, inside the group."""
    start = min(group)
    paths = {target: [start, target] for target in sorted(graph[start] & group)}
    queue = list(paths)
    while start not in paths:
        module = queue.pop(0)
        for target in sorted(graph[module] & group):
            if target not in paths:
                paths[target] = [*paths[module], target]
                queue.append(target)
    return paths[start]


def line_counts(package: Path) -> dict[str, int]:
    return {
        name: len(path.read_text(encoding="utf-8").splitlines())
        for name, path in module_files(package).items()
    }


def test_no_import_cycles():
    """No two lms modules import each other, directly or through others."""
    cycles = {
        modules: path
        for modules, path in import_cycles(import_graph(PACKAGE)).items()
        if modules not in CYCLES
    }
    message = "\n".join(
        f"{', '.join(modules)} (e.g. {' → '.join(path)})" for modules, path in cycles.items()
    )
    assert not cycles, f"import cycles; move what both sides use one floor down:\n{message}"


def test_no_module_over_500_lines():
    """No lms module passes 500 lines: past ~400 a file usually holds two ideas."""
    long = {
        name: count
        for name, count in line_counts(PACKAGE).items()
        if count > MAX_LINES and name not in LONG_MODULES
    }
    assert not long, f"modules over {MAX_LINES} lines (split them by idea): {long}"


def test_allow_lists_hold_only_what_still_needs_them():
    """An allowed cycle or long module that is gone leaves its allow-list, so the lists shrink."""
    cycles = import_cycles(import_graph(PACKAGE))
    counts = line_counts(PACKAGE)
    stale = [c for c in CYCLES if c not in cycles]
    stale += [m for m in LONG_MODULES if counts.get(m, 0) <= MAX_LINES]
    assert not stale, f"remove from the allow-lists: {stale}"


def write_package(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / "pkg" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / "pkg"


def test_cycles_hidden_in_functions_and_relative_imports_are_found(tmp_path):
    """The check sees imports inside functions and relative ones, and names the cycle's path."""
    package = write_package(
        tmp_path,
        {
            "__init__.py": "",
            "a.py": "def f():\n    from pkg.sub import b\n",
            "sub/__init__.py": "",
            "sub/b.py": "from . import c\n",
            "sub/c.py": "from ..a import f\n",
        },
    )
    assert import_cycles(import_graph(package)) == {
        ("pkg.a", "pkg.sub.b", "pkg.sub.c"): ["pkg.a", "pkg.sub.b", "pkg.sub.c", "pkg.a"]
    }


def test_type_checking_imports_and_parent_packages_make_no_cycle(tmp_path):
    """An import under `if TYPE_CHECKING:` never runs, and a parent package is not an edge."""
    package = write_package(
        tmp_path,
        {
            "__init__.py": "from pkg import a\n",
            "a.py": "from pkg.b import x\n",
            "b.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from pkg.a import y\nelse:\n    import json\nx = 1\n"
            ),
        },
    )
    assert import_graph(package) == {"pkg": {"pkg.a"}, "pkg.a": {"pkg.b"}, "pkg.b": set()}
    assert import_cycles(import_graph(package)) == {}
