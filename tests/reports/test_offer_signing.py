"""« Moi aussi » offers: signed by services.me_too_offer byte for byte as the serializer signs them."""
import time
from types import SimpleNamespace

from app.reports import services


def test_me_too_offer_is_what_the_serializer_writes_and_reads(app, monkeypatch):
    with app.app_context():
        serializer = services._offers()
        for now in (1_765_000_000, 1_799_999_999.7):
            monkeypatch.setattr(time, "time", lambda now=now: now)
            for user_id, report_id in ((1, 1), (1750, 98547), (999_999_999, 123_456_789), (2**40, 2**41), (7, 0)):
                offer = services.me_too_offer(SimpleNamespace(id=user_id), report_id)
                assert offer == serializer.dumps([user_id, report_id])
                assert serializer.loads(offer) == [user_id, report_id]
