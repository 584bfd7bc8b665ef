"""Team webhooks: events queued with the report (same transaction), delivered out of band.

A delivery's body is fixed when the event happens, so every retry sends the same bytes.
Deliveries are signed the Standard Webhooks way (https://www.standardwebhooks.com/):
`webhook-id` (the delivery id, the same on every retry), `webhook-timestamp` (seconds, the time of
the attempt) and `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">` keyed with the
base64 part of the `whsec_` secret, so receivers verify with the `standardwebhooks` library and
refuse old timestamps (replays). The former `X-Passerelle-Signature: sha256=<hex HMAC of the body>`
is still sent for one release (deprecated).

The receiver's host is resolved once; every address is checked, then the connection goes to that
very address (TLS with the host name for SNI and the certificate check), so a DNS answer that
changes between the check and the connection (rebinding) cannot reach an internal address.
Redirects are never followed. A failing receiver only delays its own delivery.
"""
import base64
import binascii
import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import re
import secrets
import socket
import ssl
import time
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app

from app.audit.services import audit
from app.common.jobs import after_commit
from app.common.timezones import as_utc, utcnow
from app.common.urls import external_url
from app.extensions import db
from app.reports.enums import PING_EVENT, DeliveryStatus, WebhookEvent
from app.reports.models import Webhook, WebhookDelivery

# Seconds to wait after the n-th failed attempt; after the last one the delivery is abandoned.
BACKOFF = (60, 300, 1800, 7200, 21600, 43200, 86400)
MAX_ATTEMPTS = len(BACKOFF) + 1
USER_AGENT = "Passerelle-Webhooks/1"
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
SECRET_PREFIX = "whsec_"  # noqa: S105  # nosec B105
# What the team reads in the delivery log: the details (addresses, TLS errors) go to the server log.
CONNECTION_FAILED = "Échec de connexion au serveur du webhook."

log = logging.getLogger(__name__)


class WebhookError(ValueError):
    """A webhook setting refused (French message)."""


# --- settings -------------------------------------------------------------------------------------


def _check_form(url):
    """The URL's parts, if its form is acceptable (scheme, host, no credentials)."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookError("L'adresse doit commencer par https:// et nommer un serveur.")
    if parts.scheme == "http" and not current_app.config["WEBHOOK_ALLOW_PRIVATE"]:
        raise WebhookError("L'adresse doit commencer par https://.")
    if parts.username or parts.password:
        raise WebhookError("L'adresse ne doit pas contenir d'identifiant ni de mot de passe.")
    try:
        port = parts.port
    except ValueError:
        raise WebhookError("Le port de l'adresse est invalide.") from None
    return parts, port or (443 if parts.scheme == "https" else 80)


def resolve(url):
    """(parts, port, address): the URL's host resolved ONCE and checked; the caller connects to `address`."""
    parts, port = _check_form(url)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise WebhookError(f"Le serveur {parts.hostname} est introuvable.") from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise WebhookError(f"Le serveur {parts.hostname} est introuvable.")
    if not current_app.config["WEBHOOK_ALLOW_PRIVATE"]:
        # Every answer is checked: a name that resolves to one public and one internal address is refused.
        for address in addresses:
            if not ipaddress.ip_address(address.split("%")[0]).is_global:
                raise WebhookError("L'adresse désigne un réseau privé : elle n'est pas autorisée.")
    return parts, port, addresses[0]


def check_url(url, resolve_host=True):
    """Refuse addresses that are not https (http too when private ones are allowed), and private ones
    unless the settings allow them."""
    _check_form(url)
    if resolve_host and not current_app.config["WEBHOOK_ALLOW_PRIVATE"]:
        resolve(url)
    return url


def create_webhook(actor, team, url, events):
    """Add a receiver for the team; returns (webhook, secret) — the secret is shown once."""
    url = CONTROL.sub("", url or "").strip()
    check_url(url)
    events = [e for e in events if e in WebhookEvent.values()]
    if not events:
        raise WebhookError("Choisissez au moins un événement.")
    # Standard Webhooks secret: "whsec_" and 32 random bytes in standard base64.
    secret = SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")
    webhook = Webhook(team_id=team.id, url=url[:500], secret=secret, events=events)
    db.session.add(webhook)
    db.session.flush()
    audit(actor, "webhook.create", webhook, {"team": team.code, "events": events})
    db.session.commit()
    return webhook, secret


def delete_webhook(actor, webhook):
    """Stop a receiver; its delivery log is kept, pending deliveries are abandoned."""
    webhook.is_active = False
    db.session.execute(
        db.update(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == webhook.id, WebhookDelivery.status == DeliveryStatus.PENDING)
        .values(status=DeliveryStatus.FAILED.value, last_error="Webhook supprimé.")
    )
    audit(actor, "webhook.delete", webhook)
    db.session.commit()


def team_webhooks(team):
    """The team's active webhooks."""
    return db.session.scalars(
        db.select(Webhook).where(Webhook.team_id == team.id, Webhook.is_active.is_(True)).order_by(Webhook.id)).all()


def team_webhook(team, webhook_id):
    """One active webhook of the team, or None (another team's is nobody's)."""
    return db.session.scalar(
        db.select(Webhook).where(Webhook.id == webhook_id, Webhook.team_id == team.id, Webhook.is_active.is_(True)))


def deliveries_of(webhook):
    return (
        db.select(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == webhook.id)
        .order_by(WebhookDelivery.id.desc())
    )


# --- payloads ---------------------------------------------------------------------------------------


def report_payload(report):
    """The report as receivers see it: masked texts, no agent identity."""
    organisation = report.organisation
    return {
        "id": report.id,
        "reference": report.reference,
        "url": external_url("reports.detail", reference=report.reference),
        "application": {"code": report.application.code, "name": report.application.name},
        "procedure": (
            {"code": report.procedure.code, "title": report.procedure.title} if report.procedure else None
        ),
        "step": {"code": report.step.code, "title": report.step.title} if report.step else None,
        "screen": report.screen,
        "page_url": report.page_url,
        "problem_type": report.problem_type,
        "status": report.status,
        "title": report.title,
        "what_happened": report.what_happened,
        "expected": report.expected,
        "error_message": report.error_message,
        "reproducible": report.reproducible,
        "citizen_device": report.citizen_device,
        "citizen_browser": report.citizen_browser,
        "impact": {
            "citizen_blocked": report.citizen_blocked,
            "right_at_risk": report.right_at_risk,
            "people_affected": report.people_affected,
            "people_total": report.people_total,
            "me_too_count": report.me_too_count,
        },
        "reporter": {
            "organisation_kind": organisation.kind if organisation else None,
            "department": organisation.department if organisation else None,
        },
        "tracker": {"url": report.tracker_url, "key": report.tracker_key},
        "created_at": as_utc(report.created_at).isoformat(),
    }


def _body(event, delivery_id, data):
    document = {"event": event, "delivery": delivery_id, "occurred_at": utcnow().isoformat(), **data}
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def queue_event(report, event, extra=None):
    """Queue a delivery to each of the owning team's webhooks listening to this event."""
    return queue_team_event(report.application.team_id, event, lambda: {"report": report_payload(report), **(extra or {})})


def queue_team_event(team_id, event, make_data):
    """Queue `event` to each active webhook of the team that listens to it; `make_data()` builds the body's
    data once per delivery (sibling domains queue their own events here)."""
    if team_id is None:
        return []
    hooks = db.session.scalars(
        db.select(Webhook).where(Webhook.team_id == team_id, Webhook.is_active.is_(True))
    ).all()
    queued = []
    for hook in hooks:
        if event not in (hook.events or []):
            continue
        delivery_id = str(uuid.uuid4())
        delivery = WebhookDelivery(
            webhook_id=hook.id, delivery_id=delivery_id, event=event,
            body=_body(event, delivery_id, make_data()), next_attempt_at=utcnow(),
        )
        db.session.add(delivery)
        queued.append(delivery)
    if queued:
        # With Redis the worker sends them once the change is committed; else `flask webhooks deliver`.
        after_commit(db.session, "webhooks")
    return queued


def sign(secret, body):
    """The X-Passerelle-Signature value of a raw body (deprecated: kept for one release)."""
    digest = hmac.new(secret.encode(), body if isinstance(body, bytes) else body.encode(), hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def _signing_key(secret):
    """The key of a `whsec_` secret, decoded as the standardwebhooks libraries do; None if it is not base64."""
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX) + "==")
    except (binascii.Error, ValueError):
        return None
    return key or None


def standard_signature(secret, message_id, timestamp, body):
    """The `webhook-signature` value: v1,<base64 HMAC-SHA256 of "id.timestamp.body">; None for a legacy secret."""
    key = _signing_key(secret)
    if key is None:
        return None
    signed = f"{message_id}.{int(timestamp)}.".encode() + (body if isinstance(body, bytes) else body.encode())
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode("ascii")


def signature_headers(secret, message_id, body, timestamp=None):
    """The Standard Webhooks headers of one attempt (timestamp: now)."""
    timestamp = int(time.time() if timestamp is None else timestamp)
    signature = standard_signature(secret, message_id, timestamp, body)
    if signature is None:
        return {}
    return {"webhook-id": message_id, "webhook-timestamp": str(timestamp), "webhook-signature": signature}


# --- delivery -----------------------------------------------------------------------------------------


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Plain HTTP (allowed only with WEBHOOK_ALLOW_PRIVATE) to an address resolved beforehand."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to an address resolved beforehand, with the host name for SNI and the certificate check."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=tls_context())
        self._address = address

    def connect(self):
        raw = socket.create_connection((self._address, self.port), self.timeout)
        try:
            self.sock = self._context.wrap_socket(raw, server_hostname=self.host)
        except BaseException:
            raw.close()
            raise


def tls_context():
    """Certificates checked against the system's authorities and the host name."""
    return ssl.create_default_context()


def _post(url, body, headers, timeout):
    """POST once; (status, error). The host is resolved once and redirects are not followed (a 3xx fails)."""
    parts, port, address = resolve(url)
    kind = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = kind(parts.hostname, port, address, timeout)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(65536)
        status = response.status
    finally:
        connection.close()
    return status, "" if 200 <= status < 300 else f"Réponse HTTP {status}."


def attempt(delivery, timeout=None):
    """Try one delivery now and record the outcome (the caller commits)."""
    hook = delivery.webhook
    body = delivery.body.encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Passerelle-Event": delivery.event,
        "X-Passerelle-Delivery": delivery.delivery_id,
        "X-Passerelle-Signature": sign(hook.secret, body),
        **signature_headers(hook.secret, delivery.delivery_id, body),
    }
    delivery.attempts += 1
    now = utcnow()
    try:
        status, error = _post(hook.url, body, headers, timeout or current_app.config["WEBHOOK_TIMEOUT"])
    except WebhookError as exc:
        status, error = None, str(exc)
    except (OSError, ValueError, http.client.HTTPException) as exc:
        # The details (an internal address, a TLS error) stay in the server log.
        log.warning("webhook %s delivery %s failed: %r", hook.id, delivery.delivery_id, exc)
        status, error = None, CONNECTION_FAILED
    delivery.last_status_code = status
    if status is not None and 200 <= status < 300:
        delivery.status = DeliveryStatus.DELIVERED.value
        delivery.delivered_at = now
        delivery.last_error = ""
        return True
    delivery.last_error = error[:500]
    if delivery.attempts >= MAX_ATTEMPTS or not hook.is_active:
        delivery.status = DeliveryStatus.FAILED.value
    else:
        delivery.next_attempt_at = now + timedelta(seconds=BACKOFF[delivery.attempts - 1])
    return False


def deliver_due(limit=200, now=None):
    """Send the deliveries whose time has come; returns (delivered, failed)."""
    now = now or utcnow()
    query = (
        db.select(WebhookDelivery)
        .where(WebhookDelivery.status == DeliveryStatus.PENDING, WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = db.session.scalars(query).all()
    delivered = failed = 0
    for delivery in ids:
        if attempt(delivery):
            delivered += 1
        else:
            failed += 1
        db.session.commit()
    db.session.commit()
    return delivered, failed


def send_test(actor, webhook):
    """Queue a `ping` delivery and try it at once; returns the delivery."""
    delivery_id = str(uuid.uuid4())
    data = {"team": {"code": webhook.team.code}, "message": "Livraison de test envoyée depuis Passerelle."}
    delivery = WebhookDelivery(
        webhook_id=webhook.id, delivery_id=delivery_id, event=PING_EVENT,
        body=_body(PING_EVENT, delivery_id, data), next_attempt_at=utcnow(),
    )
    db.session.add(delivery)
    db.session.flush()
    audit(actor, "webhook.test", webhook)
    db.session.commit()
    attempt(delivery, timeout=5)
    db.session.commit()
    return delivery
