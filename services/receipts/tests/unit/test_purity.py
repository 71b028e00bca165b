"""The domain stays pure (STYLE.md §1): the standard library, itself, and the contract's ReceiptKind."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

DOMAIN = Path(__file__).parents[2] / "src" / "casia_receipts" / "domain"
MODULES = sorted(DOMAIN.glob("*.py"))
SHARED = {"casia_contracts.receipts", "casia_contracts.cea"}
"""The receipt kind is the contract's enum, shared on purpose (see domain/ruff.toml)."""
FORBIDDEN_NAMES = {"now", "utcnow", "today", "uuid4", "uuid1", "time", "open", "print", "urandom"}
FORBIDDEN_MODULES = {"uuid", "random", "secrets", "time", "os", "socket", "asyncio", "logging", "io"}


def _imports(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_domain_has_modules() -> None:
    assert {module.stem for module in MODULES} >= {"receipt"}


@pytest.mark.parametrize("module", MODULES, ids=[m.name for m in MODULES])
def test_imports_only_the_standard_library_itself_and_the_receipt_kind(module: Path) -> None:
    for name in _imports(ast.parse(module.read_text(encoding="utf-8"))):
        root = name.split(".")[0]
        allowed = name.startswith("casia_receipts.domain") or name in SHARED
        assert allowed or root in sys.stdlib_module_names, name
        assert root not in FORBIDDEN_MODULES, name


@pytest.mark.parametrize("module", MODULES, ids=[m.name for m in MODULES])
def test_no_clock_no_ids_no_randomness_no_await(module: Path) -> None:
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        assert not isinstance(node, ast.Await | ast.AsyncFunctionDef), module.name
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            assert called not in FORBIDDEN_NAMES, f"{module.name}: {called}()"
