"""Webhooks (acceptance 4) against a real HTTP receiver on 127.0.0.1."""
import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.common.timezones import utcnow
from app.reports import triage, webhooks
from app.reports.models import Report, WebhookDelivery
from tests.factories import PASSWORD
from tests.reports.factories import file_report


class Receiver:
    """A loopback HTTP server recording what it receives; answers `status` (a list, consumed in order)."""

    def __init__(self):
        self.requests = []
        self.statuses = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                status = receiver.statuses.pop(0) if receiver.statuses else 204
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


def _verify(secret, request):
    expected = "sha256=" + hmac.new(secret.encode(), request["body"], hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, request["headers"]["X-Passerelle-Signature"])


def test_events_are_signed_and_carry_no_agent_identity(app, world, db, receiver):
    hook, secret = webhooks.create_webhook(world.dev_caf, world.caf_team, receiver.url,
                                           ["report.created", "report.status_changed", "report.commented"])
    report = file_report(world.agent, world.caf_app, what_happened="Bloqué ; rappeler au 06 12 34 56 78.")
    triage.change_status(world.dev_caf, report, "qualified")
    triage.add_team_comment(world.dev_caf, report, "Merci, nous regardons.")
    file_report(world.agent, world.ants_app)  # another team's service: not sent to this hook
    assert webhooks.deliver_due() == (3, 0)
    assert [r["headers"]["X-Passerelle-Event"] for r in receiver.requests] == [
        "report.created", "report.status_changed", "report.commented"]
    ids = {r["headers"]["X-Passerelle-Delivery"] for r in receiver.requests}
    assert len(ids) == 3
    for request in receiver.requests:
        assert _verify(secret, request)
        assert not _verify("wrong-secret", request)
        assert request["headers"]["Content-Type"].startswith("application/json")
        raw = request["body"].decode()
        document = json.loads(raw)
        assert document["report"]["reference"] == report.reference
        assert document["delivery"] == request["headers"]["X-Passerelle-Delivery"]
        assert document["report"]["reporter"] == {"organisation_kind": "france_services", "department": "69"}
        for identity in (world.agent.email, world.agent.full_name, world.dev_caf.email, "12 34 56"):
            assert identity not in raw
    created = json.loads(receiver.requests[0]["body"])
    assert "[téléphone masqué]" in created["report"]["what_happened"]
    assert json.loads(receiver.requests[1]["body"])["change"] == {"from": "new", "to": "qualified"}
    assert json.loads(receiver.requests[2]["body"])["comment"]["body"] == "Merci, nous regardons."
    assert webhooks.deliver_due() == (0, 0)  # nothing left to send


def test_a_failing_receiver_is_retried_and_the_report_is_intact(app, world, db, receiver):
    hook, secret = webhooks.create_webhook(world.dev_caf, world.caf_team, receiver.url, ["report.created"])
    receiver.statuses = [500, 503]
    report = file_report(world.agent, world.caf_app, title="Remontée qui doit survivre")
    reference = report.reference
    assert webhooks.deliver_due() == (0, 1)
    delivery = db.session.scalar(db.select(WebhookDelivery))
    assert delivery.status == "pending" and delivery.attempts == 1 and delivery.last_status_code == 500
    assert delivery.next_attempt_at > utcnow() + timedelta(seconds=50)  # backoff
    # Not due yet: nothing is sent.
    assert webhooks.deliver_due() == (0, 0)
    # Later, twice: one more failure then a success with the very same body and signature.
    assert webhooks.deliver_due(now=utcnow() + timedelta(minutes=2)) == (0, 1)
    assert delivery.next_attempt_at > utcnow() + timedelta(minutes=4)  # the wait grows
    assert webhooks.deliver_due(now=utcnow() + timedelta(hours=1)) == (1, 0)
    db.session.refresh(delivery)
    assert delivery.status == "delivered" and delivery.attempts == 3 and delivery.last_status_code == 204
    bodies = {r["body"] for r in receiver.requests}
    assert len(receiver.requests) == 3 and len(bodies) == 1
    assert all(_verify(secret, r) for r in receiver.requests)
    assert len({r["headers"]["X-Passerelle-Delivery"] for r in receiver.requests}) == 1
    stored = db.session.scalar(db.select(Report).where(Report.reference == reference))
    assert stored.title == "Remontée qui doit survivre" and stored.status == "new"


def test_an_unreachable_receiver_never_blocks_filing(app, world, db):
    webhooks.create_webhook(world.dev_caf, world.caf_team, "http://127.0.0.1:9/ferme", ["report.created"])
    client = app.test_client()
    client.post("/connexion", data={"email": world.agent.email, "password": PASSWORD})
    from tests.reports.test_filing import _form

    assert client.post("/remontees/nouvelle/confirmer", data=_form(world)).status_code == 302
    assert webhooks.deliver_due() == (0, 1)
    delivery = db.session.scalar(db.select(WebhookDelivery))
    assert delivery.status == "pending" and "connexion" in delivery.last_error.lower()
    assert db.session.scalar(db.select(db.func.count(Report.id))) == 1


def test_gives_up_after_the_last_attempt(world, db, receiver):
    webhooks.create_webhook(world.dev_caf, world.caf_team, receiver.url, ["report.created"])
    receiver.statuses = [500] * webhooks.MAX_ATTEMPTS
    file_report(world.agent, world.caf_app)
    later = utcnow()
    for _ in range(webhooks.MAX_ATTEMPTS):
        later += timedelta(days=2)
        webhooks.deliver_due(now=later)
    delivery = db.session.scalar(db.select(WebhookDelivery))
    assert delivery.status == "failed" and delivery.attempts == webhooks.MAX_ATTEMPTS


def test_settings_page_test_button_and_delivery_log(app, world, db, receiver):
    client = app.test_client()
    client.post("/connexion", data={"email": world.dev_caf.email, "password": PASSWORD})
    response = client.post("/equipe/reglages/webhooks", data={"url": receiver.url, "report_created": "y"})
    assert response.status_code == 200
    secret = response.get_data(as_text=True).split('id="secret-value">')[1].split("<")[0].strip()
    assert secret.startswith("whsec_")
    hook = db.session.scalar(db.select(webhooks.Webhook))
    response = client.post(f"/equipe/reglages/webhooks/{hook.id}/test")
    assert response.status_code == 302
    assert receiver.requests[-1]["headers"]["X-Passerelle-Event"] == "ping"
    assert _verify(secret, receiver.requests[-1])
    log = client.get(f"/equipe/reglages/webhooks/{hook.id}").get_data(as_text=True)
    assert "Livrée" in log and "204" in log and "Livraison de test réussie" in log
    # Another team cannot see it; deleting asks for confirmation first.
    ants = app.test_client()
    ants.post("/connexion", data={"email": world.dev_ants.email, "password": PASSWORD})
    assert ants.get(f"/equipe/reglages/webhooks/{hook.id}").status_code == 404
    assert "Supprimer le webhook" in client.get(f"/equipe/reglages/webhooks/{hook.id}/supprimer").get_data(as_text=True)
    assert client.post(f"/equipe/reglages/webhooks/{hook.id}/supprimer").status_code == 302
    assert client.get(f"/equipe/reglages/webhooks/{hook.id}").status_code == 404


def test_webhook_urls_are_checked(app, world):
    with pytest.raises(webhooks.WebhookError, match="https://"):
        webhooks.create_webhook(world.dev_caf, world.caf_team, "ftp://exemple.fr/x", ["report.created"])
    with pytest.raises(webhooks.WebhookError, match="au moins un"):
        webhooks.create_webhook(world.dev_caf, world.caf_team, "https://exemple.fr/x", [])
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False
    try:
        with pytest.raises(webhooks.WebhookError, match="https://"):
            webhooks.check_url("http://exemple.fr/x")
        with pytest.raises(webhooks.WebhookError, match="réseau privé"):
            webhooks.check_url("https://127.0.0.1/x")
    finally:
        app.config["WEBHOOK_ALLOW_PRIVATE"] = True


def test_cli_deliver(app, world, receiver):
    webhooks.create_webhook(world.dev_caf, world.caf_team, receiver.url, ["report.created"])
    file_report(world.agent, world.caf_app)
    result = app.test_cli_runner().invoke(args=["webhooks", "deliver"])
    assert result.exit_code == 0 and "1 livraison(s) réussie(s)" in result.output
    assert len(receiver.requests) == 1
