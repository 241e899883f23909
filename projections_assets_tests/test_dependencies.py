"""Every package the product imports is one it declares (a transitive one can vanish on any upgrade)."""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from projections_assets_tests.conftest import REPO_ROOT

PACKAGE = REPO_ROOT / "projections_assets"


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", requirement).group()).lower()


def _optional(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """An import inside `try: ... except ImportError` (or ModuleNotFoundError): the code runs without it."""
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.Try):
            for handler in node.handlers:
                caught = handler.type
                names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
                if any(
                    isinstance(n, ast.Name) and n.id in {"ImportError", "ModuleNotFoundError"} for n in names
                ):
                    return True
    return False


def imported_modules(root: Path) -> dict[str, set[str]]:
    """Top-level modules imported (not optionally) by the package's files, with the files importing each."""
    found: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            if _optional(node, parents):
                continue
            for name in names:
                found.setdefault(name.partition(".")[0], set()).add(str(path.relative_to(root.parent)))
    return found


def test_every_imported_third_party_package_is_a_declared_dependency():
    declared = {
        _name(r) for r in tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    }
    distributions = packages_distributions()
    undeclared = {}
    for module, files in imported_modules(PACKAGE).items():
        if module in sys.stdlib_module_names or module == "projections_assets" or module == "__future__":
            continue
        owners = {_name(d) for d in distributions.get(module, [])}
        assert owners, f"{module} (imported by {sorted(files)}) is not installed"
        if not owners & declared:
            undeclared[module] = (sorted(owners), sorted(files))
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"


def test_the_import_scan_sees_direct_and_ignores_optional_imports(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "a.py").write_text(
        "import numpy.linalg\nfrom pandas import DataFrame\n"
        "try:\n    import tabulate\nexcept ImportError:\n    tabulate = None\n"
        "def f():\n    import pypdfium2\n"
    )
    assert set(imported_modules(package)) == {"numpy", "pandas", "pypdfium2"}
