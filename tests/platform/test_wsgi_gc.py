"""The served app (wsgi.py) freezes what start-up built, so that full garbage collections skip it."""
import os
import subprocess  # nosec B404
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_wsgi_entry_point_freezes_the_start_up_objects(tmp_path):
    env = dict(os.environ, APP_ENV="test", INSTANCE_PATH=str(tmp_path))
    code = "import gc, wsgi; print(gc.get_freeze_count(), len(gc.get_objects()))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,  # noqa: S603
                          check=True, timeout=120)  # nosec B603
    frozen, tracked = (int(n) for n in done.stdout.split()[-2:])
    assert frozen > 100_000 and tracked < frozen // 10  # a full collection walks only what came later
