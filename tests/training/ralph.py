"""A real Ralph LRS (France Université Numérique) on 127.0.0.1 for the tests, in its own virtualenv.

Ralph pins old versions of some packages, so it never enters the application's environment: the test
session builds a virtualenv from requirements-lrs.txt, once per content of that file, under
~/.cache/passerelle (PASSERELLE_CACHE_DIR to change it), and reuses it afterwards.
"""
import fcntl
import hashlib
import os
import shutil
import signal
import socket
import subprocess  # nosec B404 - runs the Ralph CLI of the test virtualenv
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / "requirements-lrs.txt"
USERNAME, PASSWORD = "passerelle", "ralph-test-password"  # noqa: S105 - a throwaway test LRS account


def cache_dir():
    return Path(os.environ.get("PASSERELLE_CACHE_DIR") or Path.home() / ".cache" / "passerelle")


def ensure_venv():
    """The Ralph virtualenv (built when missing); raises RuntimeError with the reason it cannot be.

    Two test sessions may ask at once (.ci/run runs the SQLite and the PostgreSQL pass side by side):
    the first builds it under a lock, the other waits for it."""
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()[:16]
    venv = cache_dir() / f"ralph-{digest}"
    if (venv / ".complete").exists():
        return venv
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / f"ralph-{digest}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return _build_venv(venv)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _build_venv(venv):
    ready = venv / ".complete"
    if ready.exists():  # built by another session while this one waited
        return venv
    # Built in place (a venv's scripts name their interpreter by absolute path, so it cannot be moved);
    # the marker file says the build finished.
    shutil.rmtree(venv, ignore_errors=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=120)  # noqa: S603
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check",  # noqa: S603
                        "-r", str(REQUIREMENTS)], check=True, capture_output=True, timeout=900)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        shutil.rmtree(venv, ignore_errors=True)
        detail = getattr(exc, "stderr", b"") or b""
        raise RuntimeError(f"cannot build Ralph's virtualenv: {exc} {detail[-500:]!r}") from exc
    ready.write_text("ok\n")
    return venv


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Ralph:
    """One Ralph server; `start(directory)` serves a fresh LRS file-system store in that directory."""

    def __init__(self, venv, home):
        self.venv, self.home = Path(venv), Path(home)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.env = {**os.environ, "RALPH_APP_DIR": str(self.home / "app"),
                    "RALPH_AUTH_FILE": str(self.home / "auth.json"), "RALPH_RUNSERVER_BACKEND": "fs"}
        self.home.mkdir(parents=True, exist_ok=True)
        subprocess.run([str(self.venv / "bin" / "ralph"), "auth", "-u", USERNAME, "-p", PASSWORD, "-s", "all",  # noqa: S603
                        "-M", "mailto:lrs@passerelle.example", "-w"], check=True, capture_output=True, env=self.env,
                       cwd=self.home, timeout=120)

    def start(self, directory):
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        env = {**self.env, "RALPH_BACKENDS__DATA__FS__DEFAULT_DIRECTORY_PATH": str(directory)}
        self.log = open(directory / "ralph.log", "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(  # noqa: S603
            [str(self.venv / "bin" / "ralph"), "runserver", "-b", "fs", "-h", "127.0.0.1", "-p", str(self.port)],
            cwd=directory, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/__heartbeat__", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("Ralph did not start: " + (directory / "ralph.log").read_text(errors="replace")[-2000:])

    def stop(self):
        if self.process is not None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)  # uvicorn's reloader has a child process
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
            self.process = None
            self.log.close()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:  # the port is free again: the LRS is really down
            try:
                requests.get(f"{self.url}/__heartbeat__", timeout=0.5)
                time.sleep(0.2)
            except requests.RequestException:
                return

    def statements(self):
        """Every statement the LRS holds (read back through its statements API)."""
        found, url = [], f"{self.url}/xAPI/statements/?limit=500"
        while url:
            response = requests.get(url, auth=(USERNAME, PASSWORD), timeout=10,
                                    headers={"X-Experience-API-Version": "1.0.3"})
            response.raise_for_status()
            data = response.json()
            found += data["statements"]
            more = data.get("more")
            url = f"{self.url}{more}" if more else None
        return found
