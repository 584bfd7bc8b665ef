"""The header's unread-notification badge is read with the signed-in user, in the same query."""
import re

from app.notifications.models import Notification
from app.notifications.services import notify, unread_count
from tests.query_counter import count_queries

BADGE = re.compile(r'fr-badge--info fr-ml-1v">(\d+)<span class="fr-sr-only"> non lue')


def _badge(page):
    found = BADGE.search(page.get_data(as_text=True))
    return int(found.group(1)) if found else 0


def test_badge_counts_unread_and_follows_mark_read(app, client, login, db):
    user = login(role="agent")
    for i in range(3):
        notify(user, "test", f"Message {i}")
    db.session.commit()
    assert _badge(client.get("/notifications")) == 3
    first = db.session.scalar(db.select(Notification.id).where(Notification.user_id == user.id).limit(1))
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/notifications").get_data(as_text=True))
    data = {"id": first, "csrf_token": token.group(1) if token else ""}
    assert client.post("/notifications/lues", data=data).status_code == 302
    assert _badge(client.get("/notifications")) == 2


def test_badge_costs_no_query_of_its_own(app, client, login, db):
    user = login(role="agent")
    notify(user, "test", "Message")
    db.session.commit()
    with count_queries(app) as counter:
        page = client.get("/notifications")
    assert _badge(page) == 1
    statements = [s for s in counter.statements if "notifications" in s.lower() and "count(" in s.lower()]
    # One count inside the user's query (a subquery), one for the list's pagination, none for the header.
    assert len(statements) == 2 and any("users" in s.lower() for s in statements)


def test_a_notification_added_during_the_request_is_counted(app, db, make_user):
    user = make_user(role="agent")
    with app.test_request_context():
        from flask import g

        g.unread_notifications = (user.id, 0)
        notify(user, "test", "Nouveau")
        db.session.flush()
        assert unread_count(user) == 1
