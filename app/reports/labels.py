"""Team-defined labels and the triage board's per-user preferences.

Labels belong to a team: a team sees, puts and filters only its own. The board reads the labels of a
page's rows in one query, whatever the number of rows.
"""
from app.accounts.models import Role
from app.audit.services import audit
from app.extensions import db
from app.reports.label_models import LabelColour, ReportLabel, ReportLabelLink, TriagePreference
from app.reports.services import ReportError, clean

MAX_LABELS = 50


def team_labels(actor):
    """The labels of the actor's team, by name (none for administrators and agents)."""
    team_id = getattr(actor, "team_id", None)
    if getattr(actor, "role", None) != Role.TRIAGER or team_id is None:
        return []
    return db.session.scalars(
        db.select(ReportLabel).where(ReportLabel.team_id == team_id).order_by(ReportLabel.name)
    ).all()


def find_team_label(actor, label_id):
    """A label of the actor's team, or None (another team's label is not found)."""
    team_id = getattr(actor, "team_id", None)
    if team_id is None or label_id is None:
        return None
    return db.session.scalar(
        db.select(ReportLabel).where(ReportLabel.id == label_id, ReportLabel.team_id == team_id))


def create_label(actor, team, name, colour):
    """Define a label for the team's reports (name unique within the team, colour of the DSFR palette)."""
    name = " ".join(clean(name).split())[:40]
    if not name:
        raise ReportError("Indiquez le nom de l'étiquette.", "name")
    if colour not in LabelColour.values():
        raise ReportError("Choisissez une couleur de la liste.", "colour")
    existing = db.session.scalars(db.select(ReportLabel.name).where(ReportLabel.team_id == team.id)).all()
    if name.casefold() in {n.casefold() for n in existing}:
        raise ReportError(f"L'étiquette « {name} » existe déjà.", "name")
    if len(existing) >= MAX_LABELS:
        raise ReportError(f"Une équipe a au plus {MAX_LABELS} étiquettes.", "name")
    label = ReportLabel(team_id=team.id, name=name, colour=colour)
    db.session.add(label)
    db.session.flush()
    audit(actor, "report_label.create", label, {"team": team.code})
    db.session.commit()
    return label


def delete_label(actor, label):
    """Remove a label of the team, and from every report that carries it."""
    if label.team_id != getattr(actor, "team_id", None):
        raise ReportError("Cette étiquette n'appartient pas à votre équipe.")
    db.session.execute(db.delete(ReportLabelLink).where(ReportLabelLink.label_id == label.id))
    audit(actor, "report_label.delete", label, {"name": label.name})
    db.session.delete(label)
    db.session.commit()


def labels_by_report(report_ids):
    """{report id: [labels]} for these reports, in one query."""
    found = {}
    if not report_ids:
        return found
    rows = db.session.execute(
        db.select(ReportLabelLink.report_id, ReportLabel)
        .join(ReportLabel, ReportLabel.id == ReportLabelLink.label_id)
        .where(ReportLabelLink.report_id.in_(sorted(report_ids)))
        .order_by(ReportLabel.name)
    ).all()
    for report_id, label in rows:
        found.setdefault(report_id, []).append(label)
    return found


def add_label(report, label):
    """Put a label on a report (nothing if it is already there); no commit (see bulk)."""
    exists = db.session.get(ReportLabelLink, (report.id, label.id))
    if exists is None:
        db.session.add(ReportLabelLink(report_id=report.id, label_id=label.id))
        return True
    return False


def labelled_clause(Report, label_id):
    """SQL: the report carries this label."""
    return Report.id.in_(db.select(ReportLabelLink.report_id).where(ReportLabelLink.label_id == label_id))


# --- preferences --------------------------------------------------------------------------------------


def keyboard_shortcuts_on(user):
    """Whether single-key shortcuts (j, k) are on for this user (on unless turned off)."""
    if getattr(user, "id", None) is None:
        return False
    return shortcuts_from(db.session.scalars(keyboard_shortcuts_statement(user.id)).all())


def keyboard_shortcuts_statement(user_id):
    """SQL: the user's shortcut preference (no row when never set); the board reads it with its options."""
    return db.select(TriagePreference.keyboard_shortcuts).where(TriagePreference.user_id == user_id)


def shortcuts_from(values):
    """Whether shortcuts are on, from the values of keyboard_shortcuts_statement (on unless turned off)."""
    return True if not values or values[0] is None else bool(values[0])


def set_keyboard_shortcuts(actor, enabled):
    """Turn the board's single-key shortcuts on or off for the acting user (WCAG 2.1.4)."""
    row = db.session.get(TriagePreference, actor.id)
    if row is None:
        row = TriagePreference(user_id=actor.id)
        db.session.add(row)
    row.keyboard_shortcuts = bool(enabled)
    audit(actor, "triage.shortcuts", actor, {"enabled": bool(enabled)})
    db.session.commit()


def set_report_labels(actor, report, label_ids):
    """Put exactly these labels of the team on one report (others of the team removed)."""
    if not report.can_triage(actor):
        raise ReportError("Cette remontée ne relève pas de votre équipe.")
    wanted = {int(i) for i in label_ids if str(i).isascii() and str(i).isdigit() and len(str(i)) <= 9}
    team = {label.id: label for label in team_labels(actor)}
    unknown = wanted - set(team)
    if unknown:
        raise ReportError("Choisissez des étiquettes de votre équipe.", "labels")
    current = set(db.session.scalars(
        db.select(ReportLabelLink.label_id).where(ReportLabelLink.report_id == report.id,
                                                  ReportLabelLink.label_id.in_(sorted(team) or [0]))))
    for label_id in sorted(current - wanted):
        db.session.execute(db.delete(ReportLabelLink).where(ReportLabelLink.report_id == report.id,
                                                            ReportLabelLink.label_id == label_id))
    for label_id in sorted(wanted - current):
        db.session.add(ReportLabelLink(report_id=report.id, label_id=label_id))
    audit(actor, "report.labels", report, {"added": sorted(wanted - current), "removed": sorted(current - wanted)})
    db.session.commit()
