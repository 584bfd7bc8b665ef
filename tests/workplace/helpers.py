"""Helpers for the working-conditions tests: incidents filed through the real use case."""
from datetime import UTC, datetime, timedelta

from app.workplace import incidents

NAME = "Zoé Victimeanonyme"


def incident_values(**overrides):
    values = {
        "occurred_at": datetime.now(UTC) - timedelta(hours=2),
        "channel": "desk", "kind": "verbal", "severity": "2", "context": "waiting",
        "narrative": "Un usager a crié pendant l'attente.", "consequences": [], "support_wanted": ["debriefing"],
        "anonymous_to_hr": False, "report_reference": "",
    }
    values.update(overrides)
    return values


def file(agent, **overrides):
    return incidents.file_incident(agent, incident_values(**overrides))


def form_data(**overrides):
    data = {"occurred_at": (datetime.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "channel": "desk", "kind": "verbal", "severity": "2", "context": "waiting",
            "narrative": "Insultes au guichet.", "support_wanted": "debriefing"}
    data.update(overrides)
    return data
