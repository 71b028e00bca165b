"""The domain stays pure (STYLE.md §1): only the standard library, no clock, no ids, no I/O."""

import ast
import sys
from pathlib import Path

import pytest

DOMAIN = Path(__file__).parents[2] / "src" / "casia_workflow" / "domain"
MODULES = sorted(DOMAIN.glob("*.py"))
FORBIDDEN_NAMES = {"now", "utcnow", "today", "uuid4", "uuid1", "time", "open", "print", "random"}
FORBIDDEN_MODULES = {"uuid", "random", "time", "os", "socket", "asyncio", "logging", "io", "pathlib"}


def _imports(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("module", MODULES, ids=[m.name for m in MODULES])
def test_imports_only_the_standard_library_and_itself(module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    for name in _imports(tree):
        root = name.split(".")[0]
        assert name.startswith("casia_workflow.domain") or root in sys.stdlib_module_names, name
        assert root not in FORBIDDEN_MODULES, name


@pytest.mark.parametrize("module", MODULES, ids=[m.name for m in MODULES])
def test_no_clock_no_ids_no_await(module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        assert not isinstance(node, ast.Await | ast.AsyncFunctionDef), module.name
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            assert called not in FORBIDDEN_NAMES, f"{module.name}: {called}()"


def test_the_domain_modules_import_one_another_without_a_cycle() -> None:
    """Type-checking imports count too: a cycle means two modules that are one concept, or none."""
    graph = {
        module.stem: {
            name.rsplit(".", 1)[1]
            for name in _imports(ast.parse(module.read_text(encoding="utf-8")))
            if name.startswith("casia_workflow.domain.")
        }
        for module in MODULES
        if module.stem != "__init__"
    }
    visiting: list[str] = []
    done: set[str] = set()

    def visit(module: str) -> None:
        assert module not in visiting, " -> ".join([*visiting[visiting.index(module) :], module])
        if module in done:
            return
        visiting.append(module)
        for imported in sorted(graph.get(module, ())):
            visit(imported)
        visiting.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)


def test_the_domain_has_modules() -> None:
    assert len(MODULES) > 5
