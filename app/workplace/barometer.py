"""Working-conditions barometer: campaigns, anonymous answers, results under the small-number rules."""
from datetime import date
from functools import lru_cache

from flask import current_app
from sqlalchemy import or_
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Organisation, Role
from app.audit.services import audit
from app.common.models import utcnow
from app.common.sql import joined_text
from app.extensions import db
from app.workplace import anonymity
from app.workplace.enums import BAROMETER_CODES, CampaignStatus
from app.workplace.models import (
    BarometerAnswer,
    BarometerCampaign,
    BarometerParticipation,
    BarometerTotal,
    fits_id,
)
from app.workplace.periods import quarter_of


class BarometerError(Exception):
    """A use case refused, with a French message."""


def minimum_group():
    return int(current_app.config.get("SURVEY_MIN_GROUP", 5))


def can_manage(user, campaign):
    """HR of the organisation (its own campaigns), an admin (all)."""
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.HR and campaign.organisation_id is not None and \
        campaign.organisation_id == user.organisation_id


def open_campaign(actor, title, opens_on, closes_on, national=False):
    """HR opens a campaign for their organisation, an admin a national one; one per scope and quarter."""
    if actor.role == Role.ADMIN:
        organisation_id = None
    elif actor.role == Role.HR and actor.organisation_id is not None and not national:
        organisation_id = actor.organisation_id
    else:
        raise BarometerError("Seule l'administration ouvre une campagne nationale.")
    if closes_on < opens_on:
        raise BarometerError("La clôture doit suivre l'ouverture.")
    quarter = quarter_of(opens_on)
    if quarter_of(closes_on) != quarter:
        raise BarometerError("Une campagne tient dans un trimestre (les résultats sont regroupés par trimestre).")
    clash = db.select(BarometerCampaign.id).where(BarometerCampaign.quarter == quarter)
    if organisation_id is not None:
        clash = clash.where(or_(BarometerCampaign.organisation_id.is_(None),
                                BarometerCampaign.organisation_id == organisation_id))
    if db.session.scalar(clash) is not None:
        raise BarometerError(f"Une campagne couvre déjà ce périmètre au trimestre {quarter}.")
    campaign = BarometerCampaign(title=title.strip(), organisation_id=organisation_id, quarter=quarter,
                                 opens_on=opens_on, closes_on=closes_on, opened_by_id=actor.id,
                                 status=CampaignStatus.OPEN.value)
    db.session.add(campaign)
    db.session.flush()
    audit(actor, "workplace.barometer_opened", campaign, {"quarter": quarter})
    db.session.commit()
    return campaign


def campaigns_for(user):
    """Campaigns `user` may see in the list: to answer (agent), to manage (HR, admin)."""
    query = db.select(BarometerCampaign).order_by(BarometerCampaign.opens_on.desc(), BarometerCampaign.id.desc())
    if user.role == Role.ADMIN:
        return db.session.scalars(query.limit(100)).all()
    if user.organisation_id is None:
        return []
    return db.session.scalars(query.where(or_(BarometerCampaign.organisation_id.is_(None),
                                              BarometerCampaign.organisation_id == user.organisation_id))
                              .limit(100)).all()


def get_campaign(user, campaign_id):
    """The campaign if it covers the user's organisation (admin: any), else None."""
    campaign = db.session.get(BarometerCampaign, campaign_id) if fits_id(campaign_id) else None
    if campaign is None:
        return None
    if user.role == Role.ADMIN or campaign.organisation_id is None:
        return campaign
    return campaign if campaign.organisation_id == user.organisation_id else None


def has_answered(user, campaign):
    return db.session.scalar(db.select(BarometerParticipation.id).where(
        BarometerParticipation.campaign_id == campaign.id, BarometerParticipation.user_id == user.id)) is not None


def answer(actor, campaign, scores, today=None):
    """An agent answers once. The answer row names no one; only the participation row does, until closing.

    No audit line: an audit row (actor, time) next to the answer's day would undo the anonymity.
    """
    today = today or date.today()
    if actor.role != Role.AGENT or not campaign.covers(actor.organisation):
        raise BarometerError("Cette campagne ne concerne pas votre structure.")
    if not campaign.is_open or not campaign.opens_on <= today <= campaign.closes_on:
        raise BarometerError("Cette campagne n'est pas ouverte aux réponses.")
    if set(scores) != set(BAROMETER_CODES) or any(v not in (1, 2, 3, 4, 5) for v in scores.values()):
        raise BarometerError("Répondez à chaque question par une note de 1 à 5.")
    organisation = actor.organisation
    db.session.add(BarometerParticipation(campaign_id=campaign.id, user_id=actor.id))
    db.session.add(BarometerAnswer(campaign_id=campaign.id, organisation_id=organisation.id,
                                   department=organisation.department, answered_on=today, **scores))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise BarometerError("Vous avez déjà répondu à cette campagne.") from None


def close_campaign(actor, campaign):
    """Close a campaign: the participation records are deleted, the results can be read."""
    if not can_manage(actor, campaign):
        raise BarometerError("Vous ne gérez pas cette campagne.")
    if not campaign.is_open:
        raise BarometerError("Cette campagne est déjà close.")
    deleted = db.session.execute(db.delete(BarometerParticipation)
                                 .where(BarometerParticipation.campaign_id == campaign.id)).rowcount
    campaign.status = CampaignStatus.CLOSED.value
    campaign.closed_at = utcnow()
    record_totals(campaign.id)
    audit(actor, "workplace.barometer_closed", campaign, {"participations_deleted": deleted})
    db.session.commit()
    return campaign


def _totals_select(campaign_ids, per_organisation):
    """SELECT of the sums of campaigns' answers per organisation, or per département (organisation None)."""
    organisation = BarometerAnswer.organisation_id if per_organisation else db.null()
    keys = [BarometerAnswer.campaign_id, BarometerCampaign.quarter, BarometerAnswer.department]
    return (db.select(BarometerAnswer.campaign_id, BarometerCampaign.quarter, organisation, BarometerAnswer.department,
                      db.func.count(), *[db.func.sum(getattr(BarometerAnswer, code)) for code in BAROMETER_CODES])
            .join(BarometerCampaign, BarometerCampaign.id == BarometerAnswer.campaign_id)
            .where(BarometerAnswer.campaign_id.in_(campaign_ids))
            .group_by(*keys, *([BarometerAnswer.organisation_id] if per_organisation else [])))


TOTAL_COLUMNS = ("campaign_id", "quarter", "organisation_id", "department", "respondents", *BAROMETER_CODES)


def record_totals(*campaign_ids):
    """Write the sums of closed campaigns' answers, per organisation and per département (at closing; the
    seeds call it for the campaigns they close themselves). The caller commits."""
    db.session.execute(db.delete(BarometerTotal).where(BarometerTotal.campaign_id.in_(campaign_ids)))
    for per_organisation in (True, False):
        db.session.execute(db.insert(BarometerTotal).from_select(TOTAL_COLUMNS,
                                                                 _totals_select(campaign_ids, per_organisation)))


def quarter_cells(quarter, department=None):
    """The cells of a quarter (closed campaigns only: live figures would show each new answer).

    National and département cells always; organisation cells only for `department` ("*" = all of
    them). Suppression is decided top-down, so a page that needs one département reads only its
    organisations and gets the same answer as the whole tree. Read from the sums written at closing.
    """
    return quarters_cells([quarter], department)[quarter]


def quarters_cells(quarters, department=None):
    """{quarter: cells} of several quarters (see quarter_cells), read in one query whatever their number: a
    UNION of the départements' sums and, when asked for, the organisations' sums with their names."""
    T = BarometerTotal
    sums = [db.func.sum(getattr(T, code)).label(code) for code in BAROMETER_CODES]
    respondents = db.func.sum(T.respondents).label("respondents")
    departments = (db.select(T.quarter, db.cast(db.null(), db.Integer).label("organisation_id"), T.department,
                             db.cast(db.null(), db.String).label("name"), respondents, *sums)
                   .where(T.quarter.in_(quarters), T.organisation_id.is_(None)).group_by(T.quarter, T.department))
    query = departments
    if department is not None:
        organisations = (db.select(T.quarter, T.organisation_id, T.department, Organisation.name, respondents, *sums)
                         .join(Organisation, Organisation.id == T.organisation_id)
                         .where(T.quarter.in_(quarters), T.organisation_id.is_not(None)))
        if department == "?":
            organisations = organisations.where(T.department.is_(None))
        elif department != "*":
            organisations = organisations.where(T.department == department)
        query = db.union_all(departments, organisations.group_by(T.quarter, T.organisation_id, T.department,
                                                                  Organisation.name))
    rows = db.session.execute(query).all()
    labels = {f"org-{row[1]}": row[3] for row in rows if row[1] is not None}
    found = {}
    for quarter in quarters:
        data = [(row[1], row[2], int(row[4]), dict(zip(BAROMETER_CODES, map(int, row[5:]), strict=True)))
                for row in rows if row[0] == quarter and row[1] is not None]
        dep_data = [(row[2], int(row[4]), dict(zip(BAROMETER_CODES, map(int, row[5:]), strict=True)))
                    for row in rows if row[0] == quarter and row[1] is None]
        found[quarter] = anonymity.suppress(anonymity.build(data, labels, dep_data), minimum_group())
    return found


def cells_for(quarter, scope):
    """The cells a page about `scope` needs (its département's organisations, or none for national)."""
    return quarter_cells(quarter, department_of(scope))


def cells_for_quarters(quarters, scope):
    """{quarter: cells} a page about `scope` needs over several quarters (a trend)."""
    return quarters_cells(quarters, department_of(scope))


def trend_cells(quarters, scope):
    """{quarter: the scope's own cell} over several quarters (the indicators' trend), in one query."""
    rows = db.session.execute(trend_statement(scope.level, department_of(scope) == "?"),
                              trend_params(quarters, scope)).all()
    return trend_from_rows(rows, quarters, scope)


def trend_params(quarters, scope):
    """The bind parameters of trend_statement for `scope` (those of the indicators' single query too)."""
    return {"wc_quarters": list(quarters), "wc_org_id": scope.organisation_id, "wc_department": scope.department}


@lru_cache(maxsize=8)
def trend_statement(level, without_department=False):
    """The SELECT of the trend of a scope of `level` (parameters: wc_quarters, wc_org_id, wc_department;
    `without_department`: the scope's département is unknown, "?"), built once.

    The nation's cell needs no département (it is shown when it has enough respondents, whatever its
    children): it is read from the sums per quarter, the same few rows for a small network and for the whole
    one. For an organisation or a département see _own_trend_statement."""
    T = BarometerTotal
    quarters = db.bindparam("wc_quarters", expanding=True)
    if level == "national":
        return (db.select(T.quarter, db.func.sum(T.respondents).label("respondents"),
                          *[db.func.sum(getattr(T, code)).label(code) for code in BAROMETER_CODES])
                .where(T.quarter.in_(quarters), T.organisation_id.is_(None)).group_by(T.quarter))
    return _own_trend_statement(level, quarters, without_department)


def _own_trend_statement(level, quarters, without_department):
    """The cell of an organisation or a département over several quarters.

    Whether a cell is shown depends only on the respondents of the tree above it and of its siblings:
    anonymity.path_cell decides it from counts alone, with the rule anonymity.suppress applies to the whole
    tree (the same decision as quarters_cells). The item sums are read for the scope's own cell only, and the
    organisations of its département only for an organisation (a département's cell does not depend on its
    children). The counts come as one text per quarter ("69=12,75=40", "12=5,14=9"): a few rows, however
    many départements and organisations answered."""
    T = BarometerTotal
    in_department = (T.department.is_(None) if without_department
                     else T.department == db.bindparam("wc_department", type_=db.String))
    no_text = db.cast(db.null(), db.String).label("counts")
    no_sums = [db.cast(db.null(), db.Integer).label(code) for code in BAROMETER_CODES]

    def counts_text(kind, key, where):
        """(quarter, kind, "key=respondents,...", no sums) per quarter, `key` a SQL text per group."""
        grouped = (db.select(T.quarter, key.label("key"), db.func.sum(T.respondents).label("respondents"))
                   .where(T.quarter.in_(quarters), *where).group_by(T.quarter, key).subquery())
        pair = grouped.c.key + db.literal("=", db.String) + db.cast(grouped.c.respondents, db.String)
        return db.select(grouped.c.quarter, db.literal(kind, db.String).label("kind"),
                         joined_text(pair).label("counts"), *no_sums).group_by(grouped.c.quarter)

    department_key = db.func.coalesce(db.func.nullif(T.department, ""), db.literal("?", db.String))
    parts = [counts_text("departments", department_key, (T.organisation_id.is_(None),))]
    if level == "organisation":
        parts.append(counts_text("organisations", db.cast(T.organisation_id, db.String),
                                 (T.organisation_id.is_not(None), in_department)))
        own = (T.organisation_id == db.bindparam("wc_org_id", type_=db.Integer), in_department)
    else:
        own = (T.organisation_id.is_(None), in_department)
    parts.append(db.select(T.quarter, db.literal("own", db.String).label("kind"), no_text,
                           *[db.func.sum(getattr(T, code)).label(code) for code in BAROMETER_CODES])
                 .where(T.quarter.in_(quarters), *own).group_by(T.quarter))
    return db.union_all(*parts)


def trend_from_rows(rows, quarters, scope):
    """{quarter: the scope's own cell} from the rows of trend_statement."""
    minimum = minimum_group()
    if scope.level == "national":
        found = {}
        for quarter in quarters:
            cell = anonymity.Cell(scope.key, scope.level, scope.label)
            for row in rows:
                if row[0] == quarter:
                    cell.count = int(row[1])
                    cell.sums = dict(zip(BAROMETER_CODES, map(int, row[2:]), strict=True))
            cell.shown = cell.count >= minimum
            found[quarter] = cell
        return found
    department = department_of(scope)
    per_quarter = {quarter: ({}, {}, {}) for quarter in quarters}  # départements, organisations, own sums
    for quarter, kind, counts, *sums in rows:
        departments, organisations, own = per_quarter[quarter]
        if kind == "own":
            own.update(zip(BAROMETER_CODES, map(int, sums), strict=True))
            continue
        target, prefix = (departments, "dep-") if kind == "departments" else (organisations, "org-")
        for pair in counts.split(","):
            key, count = pair.split("=")
            target[f"{prefix}{key}"] = int(count)
    return {quarter: anonymity.path_cell(scope.key, scope.level, scope.label, departments, f"dep-{department}",
                                         organisations, own, minimum)
            for quarter, (departments, organisations, own) in per_quarter.items()}


def department_of(scope):
    return None if scope.level == "national" else (scope.department or "?")


def view_of(cells, scope):
    """The scope's cell and its children: what one page (or CSV, PDF) may show. Missing cell = empty."""
    root = cells.get(scope.key) or anonymity.Cell(scope.key, scope.level, scope.label)
    root.label = scope.label
    return root, [cells[key] for key in sorted(root.children, key=lambda k: cells[k].label)]
