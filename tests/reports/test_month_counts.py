"""The reports per organisation and month (ReportOrgMonth) stay equal to a count of the reports, and the
working-conditions cross-readings read the same figures from them as the provider counts from the reports."""
from datetime import UTC, date, datetime

from app.extensions import db
from app.reports import month_counts
from app.reports.models import ReportOrgMonth
from app.workplace import providers
from app.workplace.indicator_read import read
from app.workplace.scope import organisation_scope
from tests.factories import OrganisationFactory, UserFactory
from tests.reports.factories import ApplicationFactory, file_report


def test_the_monthly_counts_follow_every_write_and_equal_a_rebuild(app):
    site, other = OrganisationFactory(), OrganisationFactory()
    agent = UserFactory(role="agent", organisation=site)
    application = ApplicationFactory()
    reports = [file_report(agent, application) for _ in range(4)]
    for report, created in zip(reports, (datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 10, 31, 23, tzinfo=UTC),
                                         datetime(2026, 11, 2, tzinfo=UTC), datetime(2026, 12, 5, tzinfo=UTC)),
                               strict=True):
        report.created_at = created
    db.session.commit()
    assert month_counts.stored() == month_counts.recount() == {
        (site.id, date(2026, 10, 1)): 2, (site.id, date(2026, 11, 1)): 1, (site.id, date(2026, 12, 1)): 1}
    reports[0].organisation_id = other.id  # moved to another organisation
    reports[3].organisation_id = None  # counted nowhere
    db.session.commit()
    assert month_counts.stored() == month_counts.recount() == {
        (site.id, date(2026, 10, 1)): 1, (site.id, date(2026, 11, 1)): 1, (other.id, date(2026, 10, 1)): 1}
    expected = month_counts.stored()
    db.session.execute(db.update(ReportOrgMonth).values(reports=ReportOrgMonth.reports + 3))
    db.session.commit()
    month_counts.rebuild()
    assert month_counts.stored() == expected
    quarter = (date(2026, 10, 1), date(2027, 1, 1))
    figures = read(organisation_scope(site), "2026-T4", *quarter).figures["online_failures"]
    assert figures == providers.fetch("online_failures", [site.id], *quarter) == {
        (site.id, "2026-10"): 1, (site.id, "2026-11"): 1}


def test_flask_reports_repair_recounts_wrong_and_missing_rows(app):
    site = OrganisationFactory()
    agent = UserFactory(role="agent", organisation=site)
    application = ApplicationFactory()
    for created in (datetime(2026, 10, 3, tzinfo=UTC), datetime(2026, 11, 4, tzinfo=UTC)):
        file_report(agent, application).created_at = created
    db.session.commit()
    expected = {(site.id, date(2026, 10, 1)): 1, (site.id, date(2026, 11, 1)): 1}
    assert month_counts.stored() == expected
    # a bulk write that went around the ORM: one month counted wrong, the other lost
    db.session.execute(db.update(ReportOrgMonth).where(ReportOrgMonth.month == date(2026, 10, 1)).values(reports=7))
    db.session.execute(db.delete(ReportOrgMonth).where(ReportOrgMonth.month == date(2026, 11, 1)))
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reports", "repair"])
    assert result.exit_code == 0, result.output
    assert "2 ligne(s) recalculée(s), 2 corrigée(s)" in result.output
    db.session.expire_all()
    assert month_counts.stored() == expected
    again = runner.invoke(args=["reports", "repair"])
    assert "2 ligne(s) recalculée(s), 0 corrigée(s)" in again.output
