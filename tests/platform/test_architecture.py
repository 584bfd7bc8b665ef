"""The layers of app/ are import-linter contracts (.importlinter), run by `make lint`."""
import ast
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
COMMANDS = {"backup", "catalog", "curricula", "db", "keys", "openapi", "orgs", "outbox", "purge", "reminders", "reception", "reports", "support", "lrs", "workplace",
            "restore", "seed", "teams", "tokens", "users", "webhooks", "worker"}


def test_each_domain_assembles_itself_and_the_commands_keep_their_names(app):
    import importlib

    for name in DOMAINS:
        assert callable(importlib.import_module(f"app.{name}").init_app), name
    assert set(app.cli.list_commands(None)) == COMMANDS
    # each domain's pages come from its own package (or the shell and the API)
    owners = {bp.import_name.split(".")[1] for bp in app.blueprints.values() if bp.import_name.startswith("app.")}
    assert owners <= set(DOMAINS) | {"api", "site"}, owners


# --- views read through services ------------------------------------------------------------------------
# A view (the API and the site shell included) parses, makes one service call and renders: it never builds
# a query, nor touches db.session. These functions still do, each for the reason given; the list only
# shrinks (an entry that no longer reaches the database fails the test too).
VIEWS_THAT_QUERY = {
    ("app/api/auth.py", "authenticate_request"):
        "the bearer-token check runs before any API view: it reads the token and stamps its last use",
    ("app/api/reception.py", "create_visits"):
        "a key committed by a concurrent request: the failed transaction is rolled back before its answer is replayed",
    ("app/site/views.py", "readyz"): "the readiness probe asks the database for SELECT 1",
}


def _view_modules():
    app_dir = ROOT / "app"
    for path in sorted(app_dir.rglob("*.py")):
        parts = path.relative_to(app_dir).parts
        if parts[0] in ("api", "site") or "views" in path.name:
            yield path


def _reaches_the_database(node):
    """A name for what `node` does when it builds or runs a query itself, else None."""
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name == "select":
            return "select("
        if name == "query" and isinstance(func, ast.Attribute):
            return ".query("
    if isinstance(node, ast.Attribute):
        if node.attr == "session" and isinstance(node.value, ast.Name) and node.value.id == "db":
            return "db.session"
        if node.attr == "query" and isinstance(node.value, ast.Name) and node.value.id[:1].isupper():
            return "Model.query"
    return None


def queries_in_views():
    """{(file, function): ["file:line what"]} for every view module of app/."""
    found = {}
    for path in _view_modules():
        rel = path.relative_to(ROOT).as_posix()

        def visit(node, function, rel=rel):
            for child in ast.iter_child_nodes(node):
                inner = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
                what = _reaches_the_database(child)
                if what:
                    found.setdefault((rel, inner), []).append(f"{rel}:{child.lineno} {what}")
                visit(child, inner)

        visit(ast.parse(path.read_text(encoding="utf-8")), "<module>")
    return found


def test_views_build_no_query_and_never_touch_the_session():
    found = queries_in_views()
    unexpected = [row for key, rows in found.items() if key not in VIEWS_THAT_QUERY for row in rows]
    assert unexpected == [], "views that build queries (move them into the domain's services or queries.py):\n" + \
        "\n".join(unexpected)
    stale = sorted(set(VIEWS_THAT_QUERY) - set(found))
    assert stale == [], f"allowed but no longer querying (remove from VIEWS_THAT_QUERY): {stale}"


def test_the_view_scan_finds_each_way_of_querying(tmp_path):
    source = ("def view(x):\n    db.session.get(User, 1)\n    db.select(User)\n    User.query.all()\n"
              "    db.session.query(User)\n    urlsplit(x).query\n")
    found = []
    for node in ast.walk(ast.parse(source)):
        what = _reaches_the_database(node)
        if what:
            found.append((node.lineno, what))
    assert sorted(found) == [(2, "db.session"), (3, "select("), (4, "Model.query"), (5, ".query("), (5, "db.session")]
