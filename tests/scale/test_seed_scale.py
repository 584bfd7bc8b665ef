"""`flask seed scale`: proportional volumes at a tiny fraction, refused in production."""
from app.accounts.models import Organisation, Role, User
from app.extensions import db
from app.passports.models import PassportEntry
from app.reports.models import MeToo, Report
from app.scale.seed import DEFAULTS, scaled
from app.training.models import LessonProgress, ModuleCompletion, QuizAttempt

FRACTION = 0.0005


def _count(model, *where):
    return db.session.scalar(db.select(db.func.count()).select_from(model).where(*where))


def test_scaled_sizes_follow_the_fraction():
    sizes = scaled(0.01)
    assert sizes == {k: round(v * 0.01) for k, v in DEFAULTS.items()}
    assert scaled(0.01, agents=7)["agents"] == 7


def test_seed_scale_at_a_tiny_fraction(app):
    result = app.test_cli_runner().invoke(args=["seed", "scale", "--fraction", str(FRACTION)])
    assert result.exit_code == 0, result.output
    sizes = scaled(FRACTION)
    assert _count(Organisation, Organisation.code.like("SC-%"), ~Organisation.code.like("SC-APPUI-%")) \
        == sizes["organisations"]
    assert _count(User, User.role == Role.AGENT) == sizes["agents"]
    assert _count(User, User.role == Role.HR) == sizes["organisations"]
    assert _count(PassportEntry) == sizes["passport_entries"]
    assert _count(Report) == sizes["reports"]
    assert _count(MeToo) > 0
    assert _count(LessonProgress) > 0
    # Every completion has its passed attempt (and there are completions: the loop checks something).
    assert _count(ModuleCompletion) > 0
    for completion in db.session.scalars(db.select(ModuleCompletion)):
        assert _count(QuizAttempt, QuizAttempt.user_id == completion.user_id,
                      QuizAttempt.version_id == completion.version_id, QuizAttempt.passed.is_(True)) == 1
    # Impact counters agree with the me-too rows, and texts are indexed as the app does.
    report = db.session.scalar(db.select(Report).where(Report.me_too_count > 0).limit(1))
    assert report.me_too_count == _count(MeToo, MeToo.report_id == report.id)
    assert report.search_text and report.reference.startswith("R-")
    assert "Mot de passe                   : passerelle-demo" in result.output
    # The desk log and the answers, with summaries that agree with the rows they were computed from.
    from app.reception.models import Answer, QualityMonth, Visit
    from app.reception.summary import rebuild

    assert _count(Visit) == sizes["visits"] and _count(Answer) == sizes["voice_answers"]
    seeded = {(r.scope, r.month): r.counts for r in db.session.scalars(db.select(QualityMonth))}
    assert sum(c.get("visits", 0) for (scope, _m), c in seeded.items() if scope == "nat") == sizes["visits"]
    rebuild()
    assert {(r.scope, r.month): r.counts for r in db.session.scalars(db.select(QualityMonth))} == seeded
    _check_backoffice(sizes, result.output)
    # A second run is refused rather than duplicating everything.
    again = app.test_cli_runner().invoke(args=["seed", "scale", "--fraction", str(FRACTION)])
    assert again.exit_code == 1 and "déjà chargées" in again.output


def test_seed_scale_is_refused_in_production(app):
    app.config["APP_ENV"] = "production"
    try:
        result = app.test_cli_runner().invoke(args=["seed", "scale", "--fraction", str(FRACTION)])
    finally:
        app.config["APP_ENV"] = "test"
    assert result.exit_code == 1
    assert "production" in result.output
    assert _count(Organisation) == 0


def _check_backoffice(sizes, output):
    """Groups of every operator (local, national, themed) with experts; requests in every state, whose
    history agrees with their columns; nothing left for the escalation job to do."""
    from app.backoffice.businessdays import business_hours
    from app.backoffice.escalation import escalate
    from app.backoffice.models import (
        GroupMember,
        SupportEvent,
        SupportGroup,
        SupportInvitation,
        SupportMessage,
        SupportRequest,
        group_procedures,
    )

    national = _count(SupportGroup, SupportGroup.is_national.is_(True))
    assert national >= 8 and _count(SupportGroup, SupportGroup.is_national.is_(False)) > 95 * 2
    assert db.session.scalar(db.select(db.func.count()).select_from(group_procedures)) > 0
    for group in db.session.scalars(db.select(SupportGroup)):
        assert _count(GroupMember, GroupMember.group_id == group.id) >= 3, group.code
        expert = db.session.scalar(db.select(User).join(GroupMember, GroupMember.user_id == User.id)
                                   .where(GroupMember.group_id == group.id).limit(1))
        assert expert.role == Role.EXPERT and expert.organisation.kind == group.operator
    assert _count(SupportRequest) == sizes["support_requests"]
    for r in db.session.scalars(db.select(SupportRequest)):
        assert r.reference == f"A-{r.created_at.year}-{r.id:06d}" and r.author.role == Role.AGENT
        assert r.organisation_id == r.author.organisation_id and r.due_at is not None
        assert (r.status == "closed") == (r.closed_at is not None)
        answers = _count(SupportMessage, SupportMessage.request_id == r.id, SupportMessage.kind == "answer")
        assert (answers > 0) == (r.first_answer_at is not None)
        assert r.first_answer_business_hours == business_hours(r.created_at, r.first_answer_at, r.department)
        assert _count(SupportEvent, SupportEvent.request_id == r.id, SupportEvent.action == "create") == 1
        handoffs = _count(SupportEvent, SupportEvent.request_id == r.id, SupportEvent.is_handoff.is_(True))
        assert r.handoffs == handoffs
        if r.assignee_id is not None:
            assert _count(GroupMember, GroupMember.user_id == r.assignee_id) == 1
    assert _count(SupportInvitation, SupportInvitation.is_automatic.is_(True)) > 0
    assert escalate() == []  # every request past the deadline was escalated by the seed
    assert "Expert d'un pôle national      : expert." in output
