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
    assert _count(Organisation, Organisation.code.like("SC-%")) == sizes["organisations"]
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
