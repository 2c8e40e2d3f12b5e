"""quiz.grading must stay framework-free: no module in it may import Django, directly or indirectly."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

GRADING_DIR = Path(__file__).resolve().parents[2] / "grading"
PROJECT_ROOT = GRADING_DIR.parents[1]
SOURCES = sorted(GRADING_DIR.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = [module_name(path) for path in SOURCES]

CHECK = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
print(json.dumps(sorted(name for name in sys.modules if name == "django" or name.startswith("django."))))
"""


def test_the_package_has_modules() -> None:
    assert "quiz.grading" in MODULES
    assert "quiz.grading.base" in MODULES
    assert len(MODULES) >= 9


@pytest.mark.parametrize("module", MODULES)
def test_importing_does_not_load_django(module: str) -> None:
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    result = subprocess.run(
        [sys.executable, "-c", CHECK, module],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.name)
def test_source_does_not_mention_a_django_import(source: Path) -> None:
    text = source.read_text(encoding="utf-8")
    assert not re.search(r"^\s*(import\s+django|from\s+django)\b", text, flags=re.MULTILINE)
