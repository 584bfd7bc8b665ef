"""Webhook signing (Standard Webhooks) and SSRF defences (issue 21 items 4 and 5b).

The receivers are real HTTP(S) servers on 127.0.0.1; host names are answered by a fake resolver.
"""
import datetime as dt
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import standardwebhooks
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.reports import webhooks
from app.reports.models import WebhookDelivery
from config import Config, DevelopmentConfig, ProductionConfig
from tests.reports.factories import file_report


class VerifyingReceiver:
    """A loopback receiver that verifies each delivery with the `standardwebhooks` library (401 if it fails)."""

    def __init__(self, secret_of, tls_context=None, redirect_to=None):
        self.requests, self.accepted, self.errors = [], [], []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                if redirect_to is not None:
                    self.send_response(307)
                    self.send_header("Location", redirect_to)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                try:
                    payload = standardwebhooks.Webhook(secret_of()).verify(body, dict(self.headers))
                except standardwebhooks.webhooks.WebhookVerificationError as exc:
                    receiver.errors.append(str(exc))
                    status = 401
                else:
                    receiver.accepted.append(payload)
                    status = 204
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls_context is not None:
            self.server.socket = tls_context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def make_receiver():
    started = []

    def make(*args, **kwargs):
        started.append(VerifyingReceiver(*args, **kwargs))
        return started[-1]

    yield make
    for receiver in started:
        receiver.close()


def _only_delivery(db):
    return db.session.scalar(db.select(WebhookDelivery))


def test_deliveries_verify_with_the_standardwebhooks_library_and_old_timestamps_are_refused(
        app, world, db, make_receiver, monkeypatch):
    secrets = {}
    receiver = make_receiver(lambda: secrets["hook"])
    hook, secret = webhooks.create_webhook(world.dev_caf, world.caf_team, f"http://127.0.0.1:{receiver.port}/hook",
                                           ["report.created"])
    secrets["hook"] = secret
    assert secret.startswith("whsec_") and len(standardwebhooks.Webhook(secret)._whsecret) == 32
    report = file_report(world.agent, world.caf_app)
    assert webhooks.deliver_due() == (1, 0)
    request = receiver.requests[0]
    delivery = _only_delivery(db)
    assert receiver.accepted[0]["report"]["reference"] == report.reference
    assert request["headers"]["webhook-id"] == delivery.delivery_id
    assert request["headers"]["webhook-signature"].startswith("v1,")
    assert abs(int(request["headers"]["webhook-timestamp"]) - time.time()) < 60
    # The deprecated header is still sent for one release.
    assert request["headers"]["X-Passerelle-Signature"] == webhooks.sign(secret, request["body"])
    # Another secret, or a body changed in transit, does not verify.
    other = "whsec_" + "QUJD" * 8
    with pytest.raises(standardwebhooks.webhooks.WebhookVerificationError):
        standardwebhooks.Webhook(other).verify(request["body"], request["headers"])
    with pytest.raises(standardwebhooks.webhooks.WebhookVerificationError):
        standardwebhooks.Webhook(secret).verify(request["body"] + b" ", request["headers"])

    # A delivery signed ten minutes ago (a replay, or a clock far off) is refused by the receiver.
    file_report(world.agent, world.caf_app)
    real_time = time.time
    monkeypatch.setattr(webhooks.time, "time", lambda: real_time() - 600)
    assert webhooks.deliver_due() == (0, 1)
    assert receiver.errors == ["Message timestamp too old"]
    late = db.session.scalars(db.select(WebhookDelivery).order_by(WebhookDelivery.id.desc())).first()
    assert late.status == "pending" and late.last_status_code == 401


def test_private_addresses_are_an_explicit_opt_in_in_every_environment(monkeypatch):
    monkeypatch.delenv("WEBHOOK_ALLOW_PRIVATE", raising=False)
    for config in (Config, DevelopmentConfig, ProductionConfig):
        assert config.WEBHOOK_ALLOW_PRIVATE is False, config.__name__


@pytest.fixture
def fake_dns(monkeypatch):
    """Names of the test answered by `answers[name]` (a list consumed in order, the last one repeated)."""
    real = socket.getaddrinfo
    answers, asked = {}, []

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            asked.append(host)
            queue = answers[host]
            address = queue.pop(0) if len(queue) > 1 else queue[0]
            return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port or 0))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers, asked


def test_the_host_is_resolved_once_and_the_connection_goes_to_the_checked_address(
        app, world, db, fake_dns, monkeypatch):
    """DNS rebinding: the name answers a public address to the check, then 127.0.0.1 to anyone asking again."""
    answers, asked = fake_dns
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False
    connected = []

    def create_connection(address, *args, **kwargs):
        connected.append(address)
        raise ConnectionRefusedError(111, "Connection refused")  # never leave the machine

    monkeypatch.setattr(socket, "create_connection", create_connection)
    try:
        answers["rebind.example"] = ["93.184.216.34"]
        webhooks.create_webhook(world.dev_caf, world.caf_team, "https://rebind.example:8443/hook",
                                ["report.created"])
        file_report(world.agent, world.caf_app)
        asked.clear()
        answers["rebind.example"] = ["93.184.216.34", "127.0.0.1"]
        assert webhooks.deliver_due() == (0, 1)
    finally:
        app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    assert asked == ["rebind.example"]  # resolved once for the attempt
    assert connected == [("93.184.216.34", 8443)]  # to the address checked, not to the name again
    delivery = _only_delivery(db)
    # The team reads a generic message: no address, no system error.
    assert delivery.last_error == webhooks.CONNECTION_FAILED
    assert "93.184" not in delivery.last_error and "Errno" not in delivery.last_error
    # A name whose answer is internal at delivery time is refused before any connection.
    answers["rebind.example"] = ["10.0.0.7"]
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False
    try:
        webhooks.deliver_due(now=delivery.next_attempt_at)
    finally:
        app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    assert connected == [("93.184.216.34", 8443)]
    assert "réseau privé" in _only_delivery(db).last_error


def test_redirects_are_never_followed(app, world, db, make_receiver):
    target = make_receiver(lambda: "whsec_")
    receiver = make_receiver(lambda: "whsec_", redirect_to=f"http://127.0.0.1:{target.port}/internal")
    webhooks.create_webhook(world.dev_caf, world.caf_team, f"http://127.0.0.1:{receiver.port}/hook",
                            ["report.created"])
    file_report(world.agent, world.caf_app)
    assert webhooks.deliver_due() == (0, 1)
    assert len(receiver.requests) == 1 and target.requests == []
    delivery = _only_delivery(db)
    assert delivery.last_status_code == 307 and delivery.status == "pending"


def _certificate(tmp_path, name):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_tls_uses_the_host_name_for_sni_and_the_certificate_check(
        app, world, db, make_receiver, fake_dns, monkeypatch, tmp_path):
    answers, _asked = fake_dns
    answers["hook.example"] = ["127.0.0.1"]
    answers["wrong.example"] = ["127.0.0.1"]
    cert_path, key_path = _certificate(tmp_path, "hook.example")
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert_path, key_path)
    names = []
    server_context.sni_callback = lambda _sock, name, _ctx: names.append(name)
    secrets = {}
    receiver = make_receiver(lambda: secrets["hook"], tls_context=server_context)
    client_context = ssl.create_default_context(cafile=str(cert_path))  # trusts this test certificate only
    monkeypatch.setattr(webhooks, "tls_context", lambda: client_context)

    _hook, secrets["hook"] = webhooks.create_webhook(
        world.dev_caf, world.caf_team, f"https://hook.example:{receiver.port}/hook", ["report.created"])
    file_report(world.agent, world.caf_app)
    assert webhooks.deliver_due() == (1, 0)
    assert names == ["hook.example"] and len(receiver.accepted) == 1

    # The same server under a name its certificate does not carry: refused by the certificate check.
    db.session.execute(db.update(webhooks.Webhook).values(url=f"https://wrong.example:{receiver.port}/hook"))
    db.session.commit()
    file_report(world.agent, world.caf_app)
    assert webhooks.deliver_due() == (0, 1)
    assert len(receiver.accepted) == 1
    failed = db.session.scalars(db.select(WebhookDelivery).order_by(WebhookDelivery.id.desc())).first()
    assert failed.last_error == webhooks.CONNECTION_FAILED
