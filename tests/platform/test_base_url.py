"""BASE_URL outside production: the port actually served, so that QR codes and links work.

`PORT=8123 make run` must print verification links on port 8123: the end-to-end test serves the
app through the Makefile's `serve` target (the last step of `make run`) on a free port, without
BASE_URL, and opens the verification URL of a freshly generated passport PDF.
"""
import os
import re
import socket
import subprocess  # nosec B404 - starts the app's own commands
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests

from tests.passports.test_documents import verification_url_in

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "passerelle-demo"  # noqa: S105  # nosec B105 - the demo accounts' password
AGENT_EMAIL = "agent.fs@passerelle.example"


def _env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in {"BASE_URL", "PORT", "FLASK_RUN_PORT", "APP_ENV"}}
    env.update(extra)
    return env


def _config_base_url(**extra):
    result = subprocess.run(  # noqa: S603  # nosec B603 - fixed command line
        [sys.executable, "-c", "import config; print(config.Config.BASE_URL)"],
        cwd=ROOT, env=_env(**extra), capture_output=True, text=True, timeout=60, check=True,
    )
    return result.stdout.strip()


def test_base_url_defaults_to_the_served_port_and_an_explicit_one_wins():
    assert _config_base_url(PORT="8123") == "http://127.0.0.1:8123"
    assert _config_base_url(FLASK_RUN_PORT="8124") == "http://127.0.0.1:8124"
    assert _config_base_url() == "http://127.0.0.1:5000"
    assert _config_base_url(PORT="8123", BASE_URL="https://passerelle.example/") == "https://passerelle.example"


def test_development_warns_at_start_when_base_url_is_unset(caplog):
    from app import create_app

    instance = tempfile.mkdtemp(prefix="passerelle-baseurl-")
    saved = os.environ.pop("BASE_URL", None)
    try:
        with caplog.at_level("WARNING"):
            create_app("development", SQLALCHEMY_DATABASE_URI="sqlite://", INSTANCE_PATH=instance)
        assert "BASE_URL n'est pas défini" in caplog.text
        caplog.clear()
        os.environ["BASE_URL"] = "https://passerelle.example"
        with caplog.at_level("WARNING"):
            create_app("development", SQLALCHEMY_DATABASE_URI="sqlite://", INSTANCE_PATH=instance)
        assert "BASE_URL" not in caplog.text
    finally:
        os.environ.pop("BASE_URL", None)
        if saved is not None:
            os.environ["BASE_URL"] = saved


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _flask(env, *args):
    result = subprocess.run(  # noqa: S603  # nosec B603 - fixed command line
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, f"flask {' '.join(args)}: {result.stdout[-2000:]}{result.stderr[-2000:]}"


def _wait_until_ready(process, base_url, log_path):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"make serve stopped ({process.returncode}): {log_path.read_text()[-3000:]}")
        try:
            if requests.get(f"{base_url}/connexion", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    pytest.fail(f"make serve not ready after 60 s: {log_path.read_text()[-3000:]}")


@pytest.mark.sqlite
def test_port_served_by_make_gives_a_passport_qr_code_that_opens_the_verification_page():
    instance = Path(tempfile.mkdtemp(prefix="passerelle-port-"))
    port = _free_port()
    env = _env(
        APP_ENV="development", INSTANCE_PATH=str(instance), PORT=str(port),
        DATABASE_URL=f"sqlite:///{instance / 'passerelle.db'}", MAIL_BACKEND="console",
        TOTP_REQUIRED_ROLES="", RATELIMIT_ENABLED="false", REDIS_URL="",
    )
    _flask(env, "db", "upgrade", "heads")
    _flask(env, "curricula", "import", "curricula")
    _flask(env, "seed", "demo")
    log_path = instance / "serve.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(  # noqa: S603  # nosec B603 - fixed command line
            ["make", "--no-print-directory", "serve", "WORKERS=1"],  # noqa: S607 - make from PATH
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_until_ready(process, base, log_path)
            session = requests.Session()
            login_page = session.get(f"{base}/connexion", timeout=15)
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page.text).group(1)
            signed_in = session.post(f"{base}/connexion", timeout=15, allow_redirects=False,
                                     data={"csrf_token": token, "email": AGENT_EMAIL, "password": DEMO_PASSWORD})
            assert signed_in.status_code == 302, signed_in.text[:500]
            document = session.get(f"{base}/passeport/document.pdf", timeout=30)
            assert document.headers["Content-Type"].startswith("application/pdf")
            # The QR code and the printed address encode the same verification_url (app.passports.pdf).
            url = verification_url_in(document.content)
            assert url.startswith(f"{base}/verify/"), url
            verification = requests.get(url, timeout=15)  # a phone that scans it: no session
            assert verification.status_code == 200
            assert "authentique" in verification.text
        finally:
            os.killpg(process.pid, 15)
            process.wait(timeout=30)
    assert "BASE_URL n'est pas défini" in log_path.read_text()
