"""Seeded working conditions: a year of incidents and four quarters of national barometers, in bulk."""
import uuid
from datetime import timedelta

from app.scale.bulk import IdSequence, insert_rows
from app.workplace.enums import BAROMETER_CODES, IncidentContext
from app.workplace.periods import parse_quarter, previous_quarters, quarter_of

# CNAF 2016: 51 % verbal aggression, 35 % incivility, 7 % psychological (threats), 4 % physical, 3 % damage.
KINDS = [("verbal", 51), ("incivility", 35), ("threat", 7), ("physical", 4), ("damage", 3)]
# About 80 % minor, 17 % serious, 3 % very serious.
SEVERITIES = [("1", 60), ("2", 20), ("3", 17), ("4", 3)]
CHANNELS = [("desk", 60), ("phone", 25), ("email", 10), ("social", 4), ("off_site", 1)]
INCIDENT_COLUMNS = (
    "id", "organisation_id", "reporter_id", "anonymous_to_hr", "occurred_at", "channel", "kind", "severity",
    "context", "report_id", "narrative", "redaction_counts", "consequences", "support_wanted", "status",
    "created_at", "taken_at", "support_at", "closed_at",
)
CAMPAIGN_COLUMNS = ("id", "title", "organisation_id", "quarter", "opens_on", "closes_on", "status",
                    "opened_by_id", "created_at", "closed_at")
ANSWER_COLUMNS = ("id", "campaign_id", "organisation_id", "department", "answered_on", *BAROMETER_CODES)
TABLES = ("workplace_incidents", "workplace_incident_months", "workplace_incident_org_months",
          "workplace_barometer_campaigns",
          "workplace_barometer_totals")


def _pick(rng, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def seed_workplace(sizes, people, rng, now, bar_for):
    """Incidents over the last 365 days and barometer answers of four closed national quarters."""
    agents = people["agents"]
    if not agents:
        return {}
    ids = IdSequence("workplace_incidents")
    contexts = IncidentContext.values()

    def incidents():
        for _n in range(sizes["incidents"]):
            agent_id, org_id = agents[rng.randrange(len(agents))]
            created = now - timedelta(days=rng.random() * 365)
            delay = timedelta(hours=rng.choice((2, 20, 30, 60)))
            taken = created + delay if created + delay < now else None
            status = "closed" if taken is not None and rng.random() < 0.8 else ("taken" if taken else "received")
            support = taken + timedelta(days=1) if taken is not None and rng.random() < 0.4 else None
            yield (ids.take(), org_id, agent_id, rng.random() < 0.1, created - timedelta(hours=1),
                   _pick(rng, CHANNELS), _pick(rng, KINDS), _pick(rng, SEVERITIES), rng.choice(contexts), None,
                   "Usager mécontent ; propos agressifs au guichet.", {}, [], [], status, created, taken, support,
                   taken + timedelta(days=3) if status == "closed" else None)

    with bar_for("Incidents", sizes["incidents"]) as bar:
        incident_count = insert_rows("workplace_incidents", INCIDENT_COLUMNS, incidents(), bar)
    from app.workplace.summary import rebuild

    rebuild(commit=False)  # the monthly summaries the indicators read, counted as the incident use cases count
    departments = {org_id: dep for org_id, dep in people.get("departments", {}).items()}
    campaigns = IdSequence("workplace_barometer_campaigns")
    quarters = previous_quarters(quarter_of(now.date()), 5)[:-1]  # the four closed quarters before this one
    rows, per_quarter = [], max(1, sizes["barometer_answers"] // len(quarters))
    campaign_ids = []
    for quarter in quarters:
        start, end = parse_quarter(quarter)
        campaign_id = campaigns.take()
        campaign_ids.append(campaign_id)
        insert_rows("workplace_barometer_campaigns", CAMPAIGN_COLUMNS, [(
            campaign_id, f"Baromètre national {quarter}", None, quarter, start, end - timedelta(days=1), "closed",
            None, now, now)])
        for _n in range(per_quarter):
            _agent, org_id = agents[rng.randrange(len(agents))]
            rows.append((str(uuid.UUID(int=rng.getrandbits(128), version=4)), campaign_id, org_id,
                         departments.get(org_id), start + timedelta(days=rng.randrange(28)),
                         *(rng.randint(1, 5) for _c in BAROMETER_CODES)))
    with bar_for("Baromètre", len(rows)) as bar:
        answer_count = insert_rows("workplace_barometer_answers", ANSWER_COLUMNS, rows, bar)
    from app.workplace.barometer import record_totals

    record_totals(*campaign_ids)  # the sums the results read
    return {"incidents": incident_count, "barometer_answers": answer_count}
