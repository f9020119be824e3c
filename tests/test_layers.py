"""The package's folders are its layers, and arrows go down only: commands → services →
present / sources / store → model. This test reads every module's imports (the ones inside functions
too) so that the picture in each folder's __init__ stays true."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "tools" / "papernotes"

# What each layer may import, besides itself. `errors`, `runtime` (today, Ctrl-C), `files` (the one bounded
# reader and the check of every folder written) and the package's own
# __init__ (its version) are for everyone; `cli` is the entry point, which nothing imports; commands
# share only `commands.common` (a command never imports another).
SHARED = {"errors", "runtime", "files", ""}
ALLOWED = {
    "model": {"model"},
    "store": {"model", "store"},
    "sources": {"model", "sources"},
    "present": {"model", "present"},
    "services": {"model", "store", "sources", "present", "services"},
    "commands": {"model", "store", "sources", "present", "services"},
    "cli": {"model", "store", "sources", "present", "services", "commands"},
}


def layer_of(module: str) -> str:
    """`papernotes.store.library` is in store; `papernotes.cli` is cli; `papernotes` is ''."""
    parts = module.split(".")[1:]
    return parts[0] if parts and parts[0] != "__version__" else ""


def imports_of(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module.split(".")[0] == "papernotes":
            # `from papernotes.commands import common` imports the module papernotes.commands.common.
            folder = PACKAGE.joinpath(*node.module.split(".")[1:])
            names = [f"{node.module}.{a.name}" for a in node.names if (folder / f"{a.name}.py").exists()] or [node.module]
            found += [(node.lineno, name) for name in names]
        elif isinstance(node, ast.ImportFrom) and node.level:
            found.append((node.lineno, "relative"))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "papernotes"]
    return found


def test_arrows_go_down_only() -> None:
    wrong = []
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) > 30
    for path in modules:
        module = "papernotes." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts).removesuffix(".__init__")
        own = layer_of(module)
        if own in SHARED:
            continue
        for line, imported in imports_of(path):
            if imported == "relative":
                wrong.append(f"{path.relative_to(PACKAGE)}:{line}: a relative import; write papernotes.LAYER.MODULE")
                continue
            target = layer_of(imported)
            if target in SHARED or target == own and own != "commands" or target in ALLOWED[own] \
                    or imported == "papernotes.commands.common":
                continue
            wrong.append(f"{path.relative_to(PACKAGE)}:{line}: {own} imports {imported}")
    assert wrong == [], "\n".join(wrong)


def test_every_layer_says_what_lives_there_and_what_it_may_import() -> None:
    for layer in ("model", "store", "sources", "present", "services"):
        doc = ast.get_docstring(ast.parse((PACKAGE / layer / "__init__.py").read_text(encoding="utf-8"))) or ""
        assert "May import" in doc, layer


def test_no_test_imports_another_test_file() -> None:
    """Shared helpers live in conftest.py, the fakes and sitekit.py; a test file is never imported."""
    wrong = []
    for path in sorted(Path(__file__).parent.glob("test_*.py")):
        for line, imported in [(n.lineno, n.module or "") for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                               if isinstance(n, ast.ImportFrom)]:
            if imported.startswith("test_"):
                wrong.append(f"{path.name}:{line}: imports {imported}")
    assert wrong == [], wrong


def test_no_module_imports_itself_through_others() -> None:
    """No import circle between modules (imports inside functions count: hiding one there keeps the
    knot, and makes it a question of which runs first)."""
    graph: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = "papernotes." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts).removesuffix(".__init__")
        graph[module] = {name for _, name in imports_of(path) if name != "relative" and name != module}
    circles = []
    for start in graph:  # a path back to `start`, depth first
        stack = [(start, [start])]
        seen: set[str] = set()
        while stack:
            module, path = stack.pop()
            for target in graph.get(module, ()):
                if target == start:
                    circles.append(" -> ".join([*path, start]))
                elif target not in seen and target in graph:
                    seen.add(target)
                    stack.append((target, [*path, target]))
    assert circles == [], circles[:5]


def test_every_third_party_module_imported_is_declared() -> None:
    """A module the package imports comes from a distribution pyproject.toml asks for by name, not one
    that another dependency happens to bring along (and may stop bringing)."""
    import re
    import sys
    import tomllib
    from importlib.metadata import packages_distributions

    declared = {re.split(r"[<>=\[ ;]", requirement, maxsplit=1)[0].lower().replace("_", "-")
                for requirement in tomllib.loads((PACKAGE.parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
                ["project"]["dependencies"]}
    distributions = packages_distributions()
    undeclared = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 else []
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top == "papernotes":
                    continue
                if not {d.lower().replace("_", "-") for d in distributions.get(top, [top])} & declared:
                    undeclared.add(f"{path.relative_to(PACKAGE)}: {top}")
    assert not undeclared, sorted(undeclared)
