"""With Redis, a committed webhook event asks the worker to deliver (the table stays the truth)."""
from app.common import jobs
from app.reports import webhooks
from tests.reports.factories import file_report


def test_filing_a_report_enqueues_the_webhook_job_after_commit(world, db, monkeypatch):
    webhooks.create_webhook(world.dev_caf, world.caf_team, "http://127.0.0.1:9/ferme", ["report.created"])
    names = []
    monkeypatch.setattr(jobs, "enqueue", lambda name: names.append(name) or False)
    file_report(world.agent, world.caf_app)
    assert "webhooks" in names
    names.clear()
    file_report(world.agent, world.ants_app)  # no webhook listening: no job
    assert "webhooks" not in names
