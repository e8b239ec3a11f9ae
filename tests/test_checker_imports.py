"""The checker's trust boundary: it never imports the code that searched.

A static walk over the import statements (also those inside functions) of the checker
package and of every project module it reaches.  The package's ``__init__`` is not
followed: it is the public API, which imports everything.  The kernel imports only the
value types and the function registry (:mod:`convexity_proofs.functions`, the one
declaration of each function), and the registry imports nothing of the project but
itself, and no numpy: what the kernel and the checker trust of it is data and Arb
arithmetic, checked row by row by ``tests/test_registry.py``.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "convexity_proofs"

#: Modules the checker must never reach.
FORBIDDEN = (
    "convexity_proofs.provers",
    "convexity_proofs.refuters",
    "convexity_proofs._engine",
    "convexity_proofs._strategies",
    "convexity_proofs._strategy",
    "convexity_proofs._problem",
    "convexity_proofs._numeric",
    "convexity_proofs._runner",
)


#: Modules the walk does not follow, each with why: presentation reached only from a
#: value type's display method, which the checker never calls.
NOT_FOLLOWED = {
    "convexity_proofs._plot": "Verdict.plot(): a picture for people, drawn in floats; "
    "it decides nothing and the checker never calls it",
}


def _file(module: str) -> Path | None:
    parts = module.split(".")[1:]
    path = PACKAGE.joinpath(*parts)
    if path.is_dir():
        return path / "__init__.py"
    if path.with_suffix(".py").exists():
        return path.with_suffix(".py")
    return None


def _imports(path: Path, module: str) -> set[str]:
    found: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    return {m for m in found if m.startswith("convexity_proofs.")}


def _reachable(start: str) -> dict[str, str]:
    """Every project module reachable from ``start``, with the module that imports it."""
    seen = {start: ""}
    todo = [start]
    while todo:
        module = todo.pop()
        path = _file(module)
        if path is None:
            continue
        for target in _imports(path, module):
            if target not in seen and target not in NOT_FOLLOWED and _file(target) is not None:
                seen[target] = module
                todo.append(target)
    return seen


def test_the_checker_reaches_no_search_code() -> None:
    reached = {}
    for path in sorted((PACKAGE / "checker").glob("*.py")):
        name = "convexity_proofs.checker" + ("" if path.stem == "__init__" else f".{path.stem}")
        reached.update(_reachable(name))
    bad = {m: by for m, by in reached.items() if m.startswith(FORBIDDEN)}
    assert bad == {}


def test_the_modules_not_followed_are_reached_only_through_display_methods() -> None:
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in NOT_FOLLOWED:
                assert path.name in ("_values.py", "cli.py", "__init__.py"), path
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom) and inner.module in NOT_FOLLOWED:
                    if path.name == "_values.py":
                        assert node.name == "plot", node.name
    checker = {
        m
        for path in (PACKAGE / "checker").glob("*.py")
        for m in _imports(path, "convexity_proofs.checker")
    }
    assert not checker & set(NOT_FOLLOWED)


def test_the_kernel_imports_only_value_types() -> None:
    direct: set[str] = set()
    for path in sorted((PACKAGE / "kernel").glob("*.py")):
        name = "convexity_proofs.kernel" + ("" if path.stem == "__init__" else f".{path.stem}")
        direct |= _imports(path, name)
    allowed = ("convexity_proofs._values", "convexity_proofs._structure", REGISTRY)
    outside = {
        m
        for m in direct
        if not m.startswith("convexity_proofs.kernel") and m.rpartition(".")[0] not in allowed
    }
    assert outside <= set(allowed)
    reached: dict[str, str] = {}
    for module in direct:
        reached.update(_reachable(module))
    assert {m for m in reached if m.startswith(FORBIDDEN)} == set()


REGISTRY = "convexity_proofs.functions"


def test_the_registry_imports_only_itself() -> None:
    reached: dict[str, str] = {}
    for path in sorted((PACKAGE / "functions").glob("*.py")):
        name = REGISTRY + ("" if path.stem == "__init__" else f".{path.stem}")
        reached.update(_reachable(name))
    assert {m for m in reached if not m.startswith(REGISTRY)} == set()
    for path in sorted((PACKAGE / "functions").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not [n for n in names if n.split(".")[0] in ("numpy", "scipy")], path.name


def test_the_checker_reaches_the_registry() -> None:
    reached = _reachable("convexity_proofs.checker.atoms")
    assert REGISTRY in reached
