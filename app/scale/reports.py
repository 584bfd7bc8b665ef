"""Seeded reports: masked texts, "moi aussi", followers and status history, in bulk."""
from datetime import timedelta

from app.extensions import db
from app.reports.enums import Browser, Device, FollowReason, ProblemType, Reproducible, Status
from app.reports.models import Application, Procedure
from app.reports.search import FTS_TABLE
from app.scale.bulk import IdSequence, insert_rows
from app.scale.texts import COMBINATIONS, report_text

STATUS_SHARE = [
    (Status.NEW.value, 30), (Status.QUALIFIED.value, 10), (Status.ACKNOWLEDGED.value, 15),
    (Status.IN_PROGRESS.value, 10), (Status.WORKAROUND_AVAILABLE.value, 5), (Status.INFO_REQUESTED.value, 3),
    (Status.FIXED.value, 10), (Status.VERIFIED.value, 7), (Status.NOT_REPRODUCIBLE.value, 3),
    (Status.WONT_FIX.value, 3), (Status.OUT_OF_SCOPE.value, 2), (Status.WITHDRAWN.value, 2),
]
REPORT_COLUMNS = (
    "id", "reference", "author_id", "organisation_id", "application_id", "procedure_id", "screen",
    "page_url", "problem_type", "title", "what_happened", "expected", "error_message", "occurred_at",
    "citizen_device", "citizen_browser", "agent_browser", "reproducible", "workaround_used",
    "citizen_blocked", "right_at_risk", "people_affected", "on_behalf", "consent", "citizen_words",
    "redaction_counts", "search_text", "status", "status_reason", "redirect_to", "tracker_url",
    "tracker_key", "workaround", "me_too_count", "people_total", "blocked_total", "created_at",
    "updated_at", "acknowledge_due_at", "answer_due_at", "acknowledged_at", "answered_at", "fixed_at",
    "closed_at",
)
CLOSED_STATUSES = {Status.VERIFIED.value, Status.NOT_REPRODUCIBLE.value, Status.WONT_FIX.value,
                   Status.OUT_OF_SCOPE.value, Status.WITHDRAWN.value}


def seed_reports(sizes, people, rng, now, bar_for):
    applications = db.session.execute(
        db.select(Application.id, Application.acknowledge_days, Application.answer_days)
        .where(Application.is_active.is_(True)).order_by(Application.id)
    ).all()
    if not applications:
        return {}
    procedures = {}
    for procedure_id, application_id in db.session.execute(
        db.select(Procedure.id, Procedure.application_id).where(Procedure.is_active.is_(True))
    ):
        procedures.setdefault(application_id, []).append(procedure_id)
    # A few services get most reports, as in real life.
    app_weights = [1 / (1 + i) for i in range(len(applications))]
    statuses = [s for s, _w in STATUS_SHARE]
    status_weights = [w for _s, w in STATUS_SHARE]
    agents = people["agents"]
    report_ids, me_too_ids = IdSequence("reports"), IdSequence("report_me_toos")
    follower_ids, event_ids = IdSequence("report_followers"), IdSequence("report_events")
    reports, me_toos, followers, events = [], [], [], []
    for _n in range(sizes["reports"]):
        report_id = report_ids.take()
        author_id, org_id = agents[rng.randrange(len(agents))]
        application_id, ack_days, answer_days = rng.choices(applications, app_weights)[0]
        masked, counts, search_text = report_text(rng.randrange(COMBINATIONS))
        status = rng.choices(statuses, status_weights)[0]
        created = now - timedelta(minutes=rng.randint(10, 700 * 24 * 60))
        people_affected, blocked = rng.choice((1, 1, 1, 2, 5)), rng.random() < 0.3
        me_too_count = people_total = 0
        blocked_total = people_affected if blocked else 0
        people_total = people_affected
        if rng.random() < 0.35 and len(agents) > 1:
            joiners = {agents[rng.randrange(len(agents))] for _k in range(rng.randint(1, 8))}
            for user_id, joiner_org in joiners:
                if user_id == author_id:
                    continue
                extra, extra_blocked = rng.choice((1, 1, 3)), rng.random() < 0.3
                at = created + timedelta(hours=rng.randint(1, 200))
                me_toos.append((me_too_ids.take(), report_id, user_id, joiner_org, extra, extra_blocked, at))
                followers.append((follower_ids.take(), report_id, user_id, FollowReason.ME_TOO.value, at))
                me_too_count += 1
                people_total += extra
                blocked_total += extra if extra_blocked else 0
        followers.append((follower_ids.take(), report_id, author_id, FollowReason.AUTHOR.value, created))
        events.append((event_ids.take(), report_id, None, Status.NEW.value, False, "", created))
        if status != Status.NEW.value:
            events.append((event_ids.take(), report_id, Status.NEW.value, status, True, "", created + timedelta(days=1)))
        acknowledged = created + timedelta(days=1) if status not in (Status.NEW.value, Status.WITHDRAWN.value) else None
        answered = created + timedelta(days=2) if acknowledged and status != Status.QUALIFIED.value else None
        fixed = created + timedelta(days=5) if status in (Status.FIXED.value, Status.VERIFIED.value) else None
        closed = created + timedelta(days=6) if status in CLOSED_STATUSES else None
        procedure_choices = procedures.get(application_id)
        reports.append((
            report_id, f"R-{created.year}-{report_id:06d}", author_id, org_id, application_id,
            rng.choice(procedure_choices) if procedure_choices and rng.random() < 0.7 else None,
            masked["screen"], masked["page_url"], rng.choice(ProblemType.values()), masked["title"],
            masked["what_happened"], masked["expected"], masked["error_message"], created,
            rng.choice(Device.values()), rng.choice(Browser.values()), "Firefox 128 (Windows)",
            rng.choice(Reproducible.values()), masked["workaround_used"], blocked, rng.random() < 0.1,
            people_affected, False, False, "", counts, search_text, status, "", "", "", "",
            "Passer par l'application mobile." if status == Status.WORKAROUND_AVAILABLE.value else "",
            me_too_count, people_total, blocked_total, created, closed or answered or created,
            created + timedelta(days=ack_days), created + timedelta(days=answer_days),
            acknowledged, answered, fixed, closed,
        ))
    with bar_for("Remontées", len(reports)) as bar:
        insert_rows("reports", REPORT_COLUMNS, reports, bar)
    from app.reports.month_counts import rebuild

    rebuild(commit=False)  # the monthly counts the working-conditions cross-readings read
    if db.session.connection().dialect.name == "sqlite":
        # The FTS5 index is kept by ORM events; bulk rows are indexed here.
        first = reports[0][0]
        db.session.execute(db.text(f"DELETE FROM {FTS_TABLE} WHERE rowid >= :first"),  # noqa: S608  # nosec B608
                           {"first": first})
        insert_rows(FTS_TABLE, ("rowid", "search_text"), ((r[0], r[26]) for r in reports))
    with bar_for("Moi aussi", len(me_toos)) as bar:
        insert_rows("report_me_toos", ("id", "report_id", "user_id", "organisation_id", "people_affected",
                                       "citizen_blocked", "created_at"), me_toos, bar)
    with bar_for("Abonnements", len(followers)) as bar:
        insert_rows("report_followers", ("id", "report_id", "user_id", "reason", "created_at"), followers, bar)
    with bar_for("Historique", len(events)) as bar:
        insert_rows("report_events", ("id", "report_id", "from_status", "to_status", "by_team", "note",
                                      "created_at"), events, bar)
    return {"reports": len(reports), "report_me_toos": len(me_toos), "report_followers": len(followers),
            "report_events": len(events)}
