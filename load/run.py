"""Load test: 50 agents for 60 s against gunicorn on loopback and a fresh PostgreSQL database.

Steps: create the database, migrate, load curricula, catalogue and demo data, create the agents; start
gunicorn (rate limits off); run the locust scenario headless; then check zero errors and that every
quiz attempt, passport entry (and its submission) and report that got a success status is in the database.
Prints the figures and exits non-zero on any error or lost row.

Settings (environment): LOAD_ADMIN_URL (default postgresql://postgres@127.0.0.1:5432/postgres),
LOAD_USERS (50), LOAD_SECONDS (60), LOAD_WORKERS (4), LOAD_PORT (5077).
"""
import json
import os
import shutil
import subprocess  # nosec B404 - runs our own tools with fixed arguments
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ADMIN_URL = os.environ.get("LOAD_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DB_NAME = "passerelle_load"
USERS = int(os.environ.get("LOAD_USERS", "50"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
WORKERS = os.environ.get("LOAD_WORKERS", "4")
PORT = os.environ.get("LOAD_PORT", "5077")
COUNTS = {
    "attempts": "SELECT count(*) FROM quiz_attempts",
    "entries": "SELECT count(*) FROM passport_entries WHERE source = 'experience'",
    "submissions": "SELECT count(*) FROM passport_entries WHERE source = 'experience' AND status = 'submitted'",
    "reports": "SELECT count(*) FROM reports",
}


def database_url():
    base, _, _name = ADMIN_URL.rpartition("/")
    return f"{base}/{DB_NAME}"


def fresh_database():
    drop_database()
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def drop_database():
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def counts():
    with psycopg.connect(database_url()) as conn:
        return {kind: conn.execute(sql).fetchone()[0] for kind, sql in COUNTS.items()}


def flask(env, *args):
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, check=True,  # noqa: S603  # nosec B603
                   stdout=subprocess.DEVNULL)


def wait_ready(url, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310  # nosec B310 - loopback
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer on {url}")


def main():
    work = Path(tempfile.mkdtemp(prefix="passerelle-load-"))
    env = {**os.environ, "DATABASE_URL": database_url(), "RATELIMIT_ENABLED": "false", "APP_ENV": "development",
           "INSTANCE_PATH": str(work / "instance"), "SECRET_KEY": "load-test-only",  # nosec B105 "MAIL_BACKEND": "console",
           "LOAD_DATA": str(work / "data.json"), "LOAD_RESULTS": str(work / "results.json")}
    (work / "instance").mkdir()
    print(f"== fresh database {DB_NAME}, demo data and {USERS} agents", flush=True)
    fresh_database()
    flask(env, "db", "upgrade", "heads")
    flask(env, "keys", "generate")
    flask(env, "curricula", "import", "curricula")
    flask(env, "catalog", "import")
    flask(env, "seed", "demo")
    subprocess.run([sys.executable, "load/accounts.py", env["LOAD_DATA"], str(USERS)], cwd=ROOT, env=env,  # noqa: S603  # nosec B603
                   check=True)
    before = counts()
    print(f"== gunicorn ({WORKERS} workers) on 127.0.0.1:{PORT}, locust {USERS} users for {SECONDS} s", flush=True)
    server = subprocess.Popen(  # noqa: S603  # nosec B603
        [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{PORT}", "--workers", WORKERS, "--threads", "4",
         # Keep idle connections longer than the users' think time: no reset races on reused sockets.
         "--keep-alive", "30",
         "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env)
    try:
        wait_ready(f"http://127.0.0.1:{PORT}/connexion")
        subprocess.run(  # noqa: S603  # nosec B603
            [str(BIN / "locust"), "-f", "load/locustfile.py", "--headless", "-u", str(USERS), "-r", "10",
             "-t", f"{SECONDS}s", "--host", f"http://127.0.0.1:{PORT}", "--only-summary", "--stop-timeout", "10"],
            cwd=ROOT, env=env, check=False)
    finally:
        server.terminate()
        server.wait(timeout=30)
    after = counts()
    results = json.loads(Path(env["LOAD_RESULTS"]).read_text())
    written = results["written"]
    print(f"requests: {results['requests']}  errors: {results['failures']}")
    for kind, error_count in results["errors"].items():
        print(f"  error {kind}: {error_count}")
    lost = False
    for kind in COUNTS:
        found = after[kind] - before[kind]
        print(f"{kind}: expected {written[kind]}, found {found}")
        lost = lost or found != written[kind]
    if results["failures"] or lost or results["requests"] == 0:
        print("LOAD TEST FAILED: errors or lost rows")
        return 1
    print("load test passed: zero errors, nothing lost")
    drop_database()  # kept when the run fails, to look at the rows
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
