"""The migration that creates the monthly incident summaries counts the incidents already there."""
from datetime import UTC, date, datetime, timedelta

from flask_migrate import downgrade, upgrade

from tests.conftest import fresh_app_context

BEFORE = "f3c8a1d7e254"  # the revision before the summaries


def test_the_migration_backfills_the_summaries(tmp_path):
    from app.accounts.models import Organisation, User
    from app.extensions import db
    from app.workplace import summary
    from app.workplace.models import Incident, IncidentMonth

    with fresh_app_context(tmp_path):
        upgrade(revision=BEFORE)
        orgs = [db.session.execute(db.insert(Organisation.__table__).values(
            code=code, name=code, kind="caf", department=department).returning(Organisation.id)).scalar_one()
            for code, department in (("A", "69"), ("B", "69"), ("C", None))]
        reporter = db.session.execute(db.insert(User.__table__).values(
            email="a@example.org", full_name="A", role="agent", organisation_id=orgs[0])
            .returning(User.id)).scalar_one()
        created = datetime(2026, 10, 31, 23, 30, tzinfo=UTC)
        rows = [  # (organisation, occurred, kind, severity, taken after, support)
            (orgs[0], created, "verbal", "2", timedelta(hours=47), True),
            (orgs[0], created + timedelta(hours=1), "verbal", "2", timedelta(hours=49), False),  # November
            (orgs[1], created, "threat", "3", None, False),
            (orgs[2], created, "verbal", "1", timedelta(hours=2), True),
        ]
        for org_id, occurred, kind, severity, taken_after, support in rows:
            db.session.execute(db.insert(Incident.__table__).values(
                organisation_id=org_id, reporter_id=reporter, occurred_at=occurred, channel="desk", kind=kind,
                severity=severity, context="waiting", status="received", created_at=created,
                taken_at=created + taken_after if taken_after else None,
                support_at=created + timedelta(days=3) if support else None))
        db.session.commit()
        upgrade(revision="heads")
        stored = summary.stored()
        assert stored == summary.recount()
        assert summary.stored_org_months() == summary.org_months_of(stored) == {
            (orgs[0], "69", date(2026, 10, 1)): 1, (orgs[0], "69", date(2026, 11, 1)): 1,
            (orgs[1], "69", date(2026, 10, 1)): 1, (orgs[2], None, date(2026, 10, 1)): 1}
        nat = db.session.execute(
            db.select(db.func.sum(IncidentMonth.incidents), db.func.sum(IncidentMonth.taken_within_48h),
                      db.func.sum(IncidentMonth.support_given)).where(IncidentMonth.scope == "nat")).one()
        assert tuple(nat) == (4, 2, 2)
        months = {key[2].month for key in stored if key[0] == f"org:{orgs[0]}"}
        assert months == {10, 11}
        assert {key[0] for key in stored if key[0].startswith("dep:")} == {"dep:69"}
        db.session.remove()  # end the read transaction: on PostgreSQL it would block the DROP of the downgrade
        downgrade(revision=BEFORE)
        assert "workplace_incident_months" not in db.inspect(db.engine).get_table_names()
