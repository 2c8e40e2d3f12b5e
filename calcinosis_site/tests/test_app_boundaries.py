"""Which of the site's apps may build on which, checked on every import statement.

``cases`` stands alone; ``quiz`` builds on ``cases``; ``demo`` loads content into both; the site package
(``calcinosis_site``) and ``accounts`` hold what concerns the whole site. Nothing outside a tests package
imports from one, so the benchmark and the server never load test code.
"""

import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OURS = {"accounts", "cases", "quiz", "learners", "demo", "calcinosis_site", "bench", "tests"}

# app -> the apps of ours it may import from (besides itself). Its tests may also use what these may.
MAY_IMPORT = {
    "cases": set(),
    "accounts": set(),
    "quiz": {"cases", "accounts"},
    "learners": {"cases", "quiz"},
    "demo": {"cases", "quiz", "accounts"},
    "calcinosis_site": {"cases", "quiz", "accounts", "learners"},
    "bench": {"cases", "quiz", "demo", "accounts", "calcinosis_site"},
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def modules_of(app: str, *, with_tests: bool):
    for path in sorted((ROOT / app).rglob("*.py")):
        in_tests = "tests" in path.relative_to(ROOT).parts[1:-1] or path.name == "conftest.py"
        if with_tests or not in_tests:
            yield path


@pytest.mark.parametrize("app", sorted(MAY_IMPORT))
def test_an_app_imports_only_the_apps_it_builds_on(app):
    allowed = MAY_IMPORT[app] | {app}
    crossings = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in modules_of(app, with_tests=True)
        for module in imported_modules(path)
        if module.split(".")[0] in OURS - {"tests"} and module.split(".")[0] not in allowed
    ]
    assert crossings == []


@pytest.mark.parametrize("app", sorted(MAY_IMPORT))
def test_no_code_outside_tests_imports_a_tests_package(app):
    crossings = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in modules_of(app, with_tests=False)
        for module in imported_modules(path)
        if module.split(".")[0] in OURS and "tests" in module.split(".")
    ]
    assert crossings == []


def test_the_rules_cover_every_app_of_the_site():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps <= set(MAY_IMPORT)


def test_every_tests_folder_is_collected():
    """pytest collects only its testpaths: a tests folder left out would never run, in CI or anywhere."""
    testpaths = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["testpaths"])
    folders = {path.parent.relative_to(ROOT).parts[0] for path in ROOT.glob("*/tests/__init__.py")}
    assert folders - testpaths == set()
