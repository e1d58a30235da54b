"""The one-way dependencies are checked: `make lint` runs import-linter on the contracts in pyproject.toml."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = str(Path(sys.executable).with_name("lint-imports"))

pytestmark = pytest.mark.slow


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache"],
        cwd=tree,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def tree(tmp_path) -> Path:
    """A copy of the three packages and the contracts, to break on purpose."""
    for package in ("socialstrategy", "strategy", "inbox"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_code_keeps_every_contract(tree):
    result = lint_imports(tree)

    assert result.returncode == 0, result.stdout
    assert "3 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("strategy/reaches_back.py", "from inbox.models import Post", "One way"),
        ("socialstrategy/reaches_up.py", "from strategy.models import Team", "One way"),
        ("inbox/connectors/knows_too_much.py", "from inbox.work import outbox", "The inbox's stages"),
        ("inbox/triage/circle.py", "from inbox.triage import services", "No two modules import each other"),
    ],
)
def test_an_import_against_the_order_fails_the_lint(tree, module, line, contract):
    (tree / module).write_text(f"{line}  # noqa\n")
    if module == "inbox/triage/circle.py":
        # services -> circle and circle -> services: a circle at module level.
        services = tree / "inbox/triage/services.py"
        services.write_text(services.read_text() + "\nfrom . import circle  # noqa\n")

    result = lint_imports(tree)

    assert result.returncode == 1
    broken = result.stdout.split("Broken contracts", 1)[1]
    assert contract in broken
