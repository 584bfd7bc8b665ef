"""Seeded desk log and citizens' answers at national volume (one quarter), with their monthly
summaries computed on the way (the same counters as the live writes), in bulk."""
import json
from collections import Counter
from datetime import datetime, time, timedelta

from app.extensions import db
from app.reception.enums import OPERATOR_VALUES, Channel, Duration, Need, Outcome, Waiting
from app.reception.summary import NATIONAL, department_scope, org_scope
from app.reports.models import Application
from app.scale.bulk import IdSequence, insert_rows

VISIT_COLUMNS = ("id", "organisation_id", "agent_id", "visited_on", "channel", "operators", "outcome",
                 "duration", "waiting", "needs", "created_at")
ANSWER_COLUMNS = ("id", "organisation_id", "handled", "welcome", "waiting", "application_id", "created_at")
# Shares seen in the network: five operators make most requests, most are handled on site.
OPERATOR_WEIGHTS = {"france_titres": 19, "caf": 16, "cpam": 16, "dgfip": 15, "assurance_retraite": 12,
                    "france_travail": 7, "msa": 4, "urssaf": 3, "mdph": 3, "la_poste": 2, "prefecture": 2,
                    "carsat": 1}
CHANNELS = [(Channel.IN_PERSON.value, 70), (Channel.PHONE.value, 22), (Channel.VIDEO.value, 2),
            (Channel.EMAIL.value, 6)]
OUTCOMES = [(Outcome.RESOLVED.value, 82), (Outcome.REFERRED.value, 9), (Outcome.APPOINTMENT.value, 4),
            (Outcome.ESCALATED.value, 3), (Outcome.UNRESOLVED.value, 2)]
WAITS = [(None, 30), (Waiting.NONE.value, 25), (Waiting.UNDER_5.value, 20), (Waiting.FROM_5_TO_15.value, 15),
         (Waiting.FROM_15_TO_30.value, 7), (Waiting.OVER_30.value, 3)]
SCORES = [(5, 62), (4, 26), (3, 6), (2, 3), (1, 3)]
LONG = {Waiting.FROM_15_TO_30.value, Waiting.OVER_30.value}
BLOCK = 50_000


def _quarter_days(now):
    """The 91 days before today: a quarter's volume, most of it in the current quarter (the pages' default)."""
    today = now.date()
    return [today - timedelta(days=n) for n in range(91, 0, -1)]


def _picker(rng, pairs):
    values, weights = zip(*pairs, strict=True)

    def pick(count):
        return rng.choices(values, weights, k=count)

    return pick


def seed_reception(sizes, people, rng, now, bar_for):
    agents = people["agents"]
    if not agents or not sizes.get("visits"):
        return {}
    departments = dict(db.session.execute(db.text("SELECT id, department FROM organisations")).all())
    days = _quarter_days(now)
    operators = [o for o in OPERATOR_WEIGHTS if o in OPERATOR_VALUES]
    pick_operator = _picker(rng, [(o, OPERATOR_WEIGHTS[o]) for o in operators])
    pick_channel, pick_outcome = _picker(rng, CHANNELS), _picker(rng, OUTCOMES)
    pick_wait, pick_score = _picker(rng, WAITS), _picker(rng, SCORES)
    durations, needs = Duration.values(), Need.values()
    per_month = {}
    visit_ids = IdSequence("reception_visits")

    def visits():
        left = sizes["visits"]
        while left:
            count = min(BLOCK, left)
            left -= count
            for op, channel, outcome, wait in zip(pick_operator(count), pick_channel(count), pick_outcome(count),
                                                 pick_wait(count), strict=True):
                agent_id, org_id = agents[rng.randrange(len(agents))]
                day = days[rng.randrange(len(days))]
                ops = op if rng.random() > 0.08 else ",".join(sorted({op, pick_operator(1)[0]}))
                need = needs[rng.randrange(len(needs))] if rng.random() < 0.12 else ""
                duration = durations[rng.randrange(len(durations))]
                counts = per_month.setdefault((org_id, day.replace(day=1)), Counter())
                keys = ["visits", f"channel:{channel}", f"outcome:{outcome}", f"duration:{duration}"]
                keys += [f"operator:{o}" for o in ops.split(",")]
                if need:
                    keys.append(f"need:{need}")
                if wait:
                    keys.append("waiting_known")
                    if wait in LONG:
                        keys.append("waiting_over_15")
                counts.update(keys)
                created = datetime.combine(day, time(9 + rng.randrange(8), rng.randrange(60)), now.tzinfo)
                yield (visit_ids.take(), org_id, agent_id, day, channel, ops, outcome, duration, wait, need, created)

    with bar_for("Registre", sizes["visits"]) as bar:
        visit_count = insert_rows("reception_visits", VISIT_COLUMNS, visits(), bar)
    app_ids = list(db.session.scalars(db.select(Application.id).where(Application.is_active.is_(True))))
    answer_ids = IdSequence("reception_answers")

    def answers():
        for _n in range(sizes.get("voice_answers", 0)):
            agent_id, org_id = agents[rng.randrange(len(agents))]
            day = days[rng.randrange(len(days))]
            handled, welcome, waiting = pick_score(3)
            application_id = app_ids[rng.randrange(len(app_ids))] if app_ids and rng.random() < 0.05 else None
            counts = per_month.setdefault((org_id, day.replace(day=1)), Counter())
            counts.update(["answers", f"handled:{handled}", f"welcome:{welcome}", f"waiting:{waiting}"])
            if application_id:
                counts.update(["citizen_problems", f"citizen_problem:{application_id}"])
            created = datetime.combine(day, time(10 + rng.randrange(7), rng.randrange(60)), now.tzinfo)
            yield answer_ids.take(), org_id, handled, welcome, waiting, application_id, created

    with bar_for("Avis des usagers", sizes.get("voice_answers", 0)) as bar:
        answer_count = insert_rows("reception_answers", ANSWER_COLUMNS, answers(), bar)
    scopes = {}
    for (org_id, month), counts in per_month.items():
        for scope in (org_scope(org_id), department_scope(departments.get(org_id)), NATIONAL):
            scopes.setdefault((scope, month), Counter()).update(counts)
    summary_ids = IdSequence("reception_quality_months")
    rows = ((summary_ids.take(), scope, month, json.dumps(dict(counts)), now)
            for (scope, month), counts in sorted(scopes.items()))
    with bar_for("Synthèses qualité", len(scopes)) as bar:
        insert_rows("reception_quality_months", ("id", "scope", "month", "counts", "updated_at"), rows, bar)
    readers = _seed_readers(people, departments, now)
    return {"reception_visits": visit_count, "reception_answers": answer_count, "reception_summaries": len(scopes),
            "quality_readers": readers}


def _seed_readers(people, departments, now):
    """An « animateur réseau » for the largest organisation's département, and an administrator: the
    readers of the département and national indicator pages that `make bench` measures."""
    from app.accounts.models import Role
    from app.accounts.passwords import hash_password
    from app.seed import DEMO_PASSWORD

    department = departments.get(people["first_org"]) or "69"
    user_ids, network_ids = IdSequence("users"), IdSequence("reception_network_departments")
    password_hash = hash_password(DEMO_PASSWORD)
    network_id, admin_id = user_ids.take(), user_ids.take()
    domain = "scale.passerelle.example"
    insert_rows("users", ("id", "email", "full_name", "role", "active", "password_hash", "session_version",
                          "organisation_id", "team_id", "created_at"), [
        (network_id, f"reseau.{department}@{domain}", f"Animateur réseau {department}",
         Role.MANAGER_NETWORK.value, True, password_hash, 1, None, None, now),
        (admin_id, f"admin@{domain}", "Administrateur (volume)", Role.ADMIN.value, True, password_hash, 1, None,
         None, now),
    ])
    insert_rows("reception_network_departments", ("id", "user_id", "department"),
                [(network_ids.take(), network_id, department)])
    return 2
