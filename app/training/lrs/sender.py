"""Send the pending statements to the LRS: one batch per flush, retries with back-off, a log line each."""
from datetime import timedelta

import requests
from flask import current_app

from app.common.timezones import utcnow
from app.extensions import db
from app.training.lrs.models import LrsDelivery, LrsStatement

XAPI_VERSION = "1.0.3"
MAX_BATCH = 500
MAX_BACKOFF = timedelta(hours=6)


def backoff(tries):
    """Wait before the next try: 1, 2, 4 ... minutes, at most six hours."""
    return min(timedelta(minutes=2 ** max(tries - 1, 0)), MAX_BACKOFF)


def _statements_url():
    endpoint = current_app.config["LRS_ENDPOINT"].rstrip("/")
    return endpoint if endpoint.endswith("/statements") else endpoint + "/statements"


def send_pending(now=None, limit=MAX_BATCH):
    """POST the due statements as one batch; returns the LrsDelivery logged (None when nothing is due).

    A batch the LRS accepts (or already holds: 409) is marked sent; any other answer leaves every statement
    pending for a later try. Nothing is lost, and nothing is marked sent that the LRS did not take.
    """
    if not current_app.config.get("LRS_ENDPOINT"):
        return None
    now = now or utcnow()
    batch = db.session.scalars(
        db.select(LrsStatement).where(LrsStatement.sent_at.is_(None), LrsStatement.next_try_at <= now)
        .order_by(LrsStatement.id).limit(limit)
    ).all()
    if not batch:
        return None
    status_code, message = None, ""
    try:
        response = requests.post(
            _statements_url(), json=[row.statement for row in batch], timeout=15,
            auth=(current_app.config.get("LRS_USERNAME") or "", current_app.config.get("LRS_PASSWORD") or ""),
            headers={"X-Experience-API-Version": XAPI_VERSION},
        )
        status_code = response.status_code
        delivered = status_code in (200, 204) or status_code == 409
        message = "reçu par le LRS" if status_code in (200, 204) else (
            "déjà présents dans le LRS" if status_code == 409 else f"refusé : {response.text[:300]}")
    except requests.RequestException as exc:
        delivered = False
        message = f"LRS injoignable : {type(exc).__name__}"
    for row in batch:
        if delivered:
            row.sent_at = now
        else:
            row.tries += 1
            row.next_try_at = now + backoff(row.tries)
    log = LrsDelivery(started_at=now, count=len(batch), delivered=delivered, status_code=status_code,
                      message=message)
    db.session.add(log)
    db.session.commit()
    return log


def pending_count():
    return db.session.scalar(db.select(db.func.count(LrsStatement.id)).where(LrsStatement.sent_at.is_(None)))


def recent_deliveries(limit=50):
    return db.session.scalars(db.select(LrsDelivery).order_by(LrsDelivery.id.desc()).limit(limit)).all()


def deliver_job():
    """The worker's job: flush what is due (one batch)."""
    try:
        log = send_pending()
        return log.count if log is not None and log.delivered else 0
    finally:
        db.session.remove()
