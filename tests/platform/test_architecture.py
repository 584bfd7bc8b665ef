"""The layers of app/ are import-linter contracts (.importlinter), run by `make lint`."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def lint_imports(root):
    """Run lint-imports on the tree at `root` with the project's contracts; (exit code, output)."""
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    result = subprocess.run(
        [command, "--no-cache", "--no-logo", str(ROOT / ".importlinter")],
        cwd=root, capture_output=True, text=True, timeout=120, check=False,
    )
    return result.returncode, result.stdout + result.stderr


def test_the_code_keeps_every_contract():
    code, output = lint_imports(ROOT)
    assert code == 0, output
    assert "0 broken" in output and "6 kept" in output


@pytest.fixture
def tree(tmp_path):
    """A copy of app/'s Python files, to break a contract in."""
    shutil.copytree(ROOT / "app", tmp_path / "app", ignore=shutil.ignore_patterns("__pycache__", "static"))
    return tmp_path


def add_import(tree, module, line):
    path = tree.joinpath(*module.split(".")).with_suffix(".py")
    if not path.exists():
        path = tree.joinpath(*module.split("."), "__init__.py")
        path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as file:
        file.write(f"\n{line}  # noqa\n")


BREAKS = [
    ("app.reports.stats", "import app.api.errors", "Domain packages never import app.api"),
    ("app.training.services", "from app.site import views", "Domain packages never import app.api"),
    ("app.accounts.views", "import app.cli", "Domain packages never import app.api"),
    ("app.backoffice", "import app.site.views", "Domain packages never import app.api"),
    ("app.common.pagination", "import app.training.models", "app.common imports no domain package"),
    ("app.reception", "import app.common.keys", None),  # optional layers: present or not
    ("app.notifications.services", "import app.referential.models", "accounts, audit and notifications import no other domain"),
    ("app.audit.services", "import app.accounts.models", "No import cycles between the packages of app"),
    ("app.training.services", "import app.passports.models", "app.training never imports app.passports"),
    ("app.reports.stats", "import app.training.models", "app.reports imports only accounts"),
    ("app.newdomain", "import app.common.keys", "app.reports imports only accounts"),
]


@pytest.mark.parametrize(("module", "line", "contract"), BREAKS, ids=[f"{m}:{c}" for m, _, c in BREAKS])
def test_a_broken_contract_fails_the_lint(tree, module, line, contract):
    assert lint_imports(tree)[0] == 0  # the copy is clean
    add_import(tree, module, line)
    code, output = lint_imports(tree)
    if contract is None:  # a declared domain that now exists breaks nothing by itself
        assert code == 0, output
        return
    assert code != 0, output
    broken = [row for row in output.splitlines() if row.endswith(" BROKEN")]
    assert any(row.startswith(contract) for row in broken), broken


DOMAINS = ("accounts", "audit", "notifications", "referential", "training", "passports", "reports", "backoffice", "reception", "consultations",
           "workplace")
# The `flask` command groups the README documents (names are a contract), besides Flask's own.
COMMANDS = {"backup", "catalog", "curricula", "db", "keys", "openapi", "orgs", "outbox", "purge", "reminders", "reception", "support", "lrs",
            "restore", "seed", "teams", "tokens", "users", "webhooks", "worker"}


def test_each_domain_assembles_itself_and_the_commands_keep_their_names(app):
    import importlib

    for name in DOMAINS:
        assert callable(importlib.import_module(f"app.{name}").init_app), name
    assert set(app.cli.list_commands(None)) == COMMANDS
    # each domain's pages come from its own package (or the shell and the API)
    owners = {bp.import_name.split(".")[1] for bp in app.blueprints.values() if bp.import_name.startswith("app.")}
    assert owners <= set(DOMAINS) | {"api", "site"}, owners
