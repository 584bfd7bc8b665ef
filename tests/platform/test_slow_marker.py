"""`make test-fast` skips the tests marked slow (browsers, fuzzing, two instances, large Hypothesis runs)."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def collected(*args):
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return {line.split("[")[0] for line in result.stdout.splitlines() if "::" in line}


def test_not_slow_leaves_out_browsers_fuzzing_and_large_hypothesis_runs():
    paths = ["tests/browser/test_login_roles.py", "tests/platform/test_service_fuzz.py",
             "tests/platform/test_service_fuzz_domains.py"]
    everything = collected(*paths)
    fast = collected("-m", "not slow", *paths)
    assert {t for t in everything if t.startswith("tests/browser/")}
    assert "tests/platform/test_service_fuzz.py::test_password_policy_never_raises" in everything  # 150 examples
    assert fast == {t for t in everything if t.startswith("tests/platform/test_service_fuzz_domains.py")}
    assert "tests/platform/test_service_fuzz_domains.py::test_create_user" in fast  # 60 examples: not slow


def test_make_test_fast_deselects_slow_and_make_test_runs_everything():
    makefile = (ROOT / "Makefile").read_text()
    fast = makefile.split("\ntest-fast:", 1)[1].split("\n\n", 1)[0]
    full = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert '-m "not slow"' in fast
    assert "slow" not in full
