"""Seeded back office (« Appui expert ») at national size: the expert groups of each operator (one per
département, per region or national only, some themed by catalogue procedures), their experts, and
18 months of support requests with their messages, invitations and steps (some rerouted, escalated to
the national group or handed over to a colleague), in bulk.

Groups and experts are the network's structure: the same at every --fraction; requests follow it.
"""
from datetime import timedelta

from app.accounts.models import Role
from app.accounts.passwords import hash_password
from app.backoffice import crypto
from app.backoffice.businessdays import SUBDIVISIONS, deadline_after, local_date
from app.backoffice.enums import ConsentKind, MessageKind, Operator, Status, Urgency, Usefulness
from app.backoffice.models import first_answer_business_hours
from app.common.timezones import OVERSEAS_TZ
from app.extensions import db
from app.scale.bulk import IdSequence, insert_rows
from app.seed import DEMO_PASSWORD

DOMAIN = "scale.passerelle.example"
DAYS = 548  # 18 months
ESCALATED_AFTER = timedelta(days=7)  # the escalation job's 5 business days, in calendar days
DEPARTMENTS = [f"{n:02d}" for n in range(1, 96)]  # the codes the scale seed gives its organisations
# Share of the requests per operator, and how many départements one local group covers (None: national only).
OPERATORS = [("caf", 34, 1), ("cpam", 24, 1), ("france_travail", 12, 8), ("dgfip", 10, None),
             ("carsat", 8, 6), ("msa", 6, 3), ("prefecture", 4, None), ("la_poste", 2, None)]
# The catalogue operator whose procedures each back-office operator handles.
CATALOGUE = {"caf": "CNAF", "cpam": "CNAM", "france_travail": "FRANCE-TRAVAIL", "dgfip": "DGFIP",
             "carsat": "CNAV", "msa": "MSA", "prefecture": "FRANCE-TITRES"}
LOCAL_EXPERTS, NATIONAL_EXPERTS = 3, 8
URGENCIES = [(Urgency.NONE.value, 70), (Urgency.DEADLINE.value, 12), (Urgency.RIGHTS_SUSPENDED.value, 8),
             (Urgency.NO_INCOME.value, 7), (Urgency.EVICTION.value, 3)]
CONSENTS = [(ConsentKind.PAPER.value, 50), (ConsentKind.ORAL.value, 30), (ConsentKind.MANDATE.value, 20)]
USEFUL = [(Usefulness.YES.value, 72), (Usefulness.UNSURE.value, 18), (Usefulness.NO.value, 10)]
SUBJECTS = [
    ("Versement suspendu sans courrier", "Le versement n'arrive plus depuis le mois dernier ; la personne n'a reçu "
     "aucun courrier ni message dans son espace."),
    ("Indu réclamé après un changement de situation", "Un trop-perçu est réclamé ; la personne pense avoir "
     "déclaré son changement de situation à temps et ne comprend pas le calcul."),
    ("Dossier bloqué depuis plusieurs semaines", "Le dossier est indiqué « en cours de traitement » depuis "
     "plus de six semaines, sans pièce manquante signalée."),
    ("Justificatif refusé sans explication", "Le justificatif envoyé en ligne a été refusé deux fois ; le motif "
     "affiché ne correspond pas au document transmis."),
    ("Changement d'adresse non pris en compte", "Le déménagement a été déclaré en ligne mais les courriers "
     "partent toujours à l'ancienne adresse."),
    ("Attestation introuvable dans l'espace personnel", "La personne a besoin d'une attestation pour son "
     "bailleur ; le document n'apparaît pas dans son espace."),
    ("Rendez-vous impossible à obtenir", "Aucun créneau n'est proposé en ligne ni par téléphone depuis trois "
     "semaines, alors qu'une échéance approche."),
    ("Pièce demandée déjà transmise", "Un courrier réclame une pièce que la personne a déjà envoyée, avec "
     "l'accusé de réception."),
]
TRIED = "Appel au numéro national, message dans l'espace personnel, rendez-vous demandé en ligne."
ANSWERS = [
    "Le dossier était en attente d'une pièce ; elle est rattachée, le versement reprend sous 10 jours.",
    "Le calcul est correct : la déclaration du trimestre comportait un mois vide. Elle a été corrigée.",
    "Le justificatif a été validé manuellement. La personne recevra une confirmation dans son espace.",
    "L'adresse est mise à jour ; les prochains courriers partiront à la nouvelle adresse.",
    "Un rendez-vous est réservé pour la personne : elle recevra la convocation par courrier.",
    "La demande relève d'un autre service : la marche à suivre est dans la fiche réflexe jointe.",
]
QUESTIONS = ["La personne a reçu un nouveau courrier qui contredit la réponse : pouvez-vous vérifier ?",
             "Merci. La personne demande sous quel délai elle peut s'attendre au versement."]
NOTES = ["Vu avec le service gestion : dossier en double, fusion demandée.",
         "Cas déjà rencontré la semaine dernière, même cause."]
GROUP_COLUMNS = ("id", "code", "name", "operator", "is_national", "departments", "public_note", "mailbox",
                 "target_days", "is_active", "created_at")
REQUEST_COLUMNS = (
    "id", "reference", "author_id", "organisation_id", "department", "operator", "procedure_id", "group_id",
    "assignee_id", "status", "subject", "situation", "tried", "redaction_counts", "urgency", "urgency_date",
    "shared_with_site", "citizen_block", "consent_kind", "consent_date", "citizen_wiped_at", "operator_case_number",
    "handoffs", "escalated_at", "due_at", "first_answer_at", "first_answer_business_hours", "transferred_at", "closed_at", "useful",
    "agent_read_at", "created_at", "updated_at",
)
TABLES = ("support_groups", "support_group_members", "support_requests", "support_messages",
          "support_invitations", "support_events", "support_delay_months")


def _pick(rng, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def _procedures():
    """{back-office operator: [active procedure ids of its catalogue operator]}."""
    from app.reports.catalog_models import Application, Procedure
    from app.reports.catalog_models import Operator as CatalogueOperator

    rows = db.session.execute(
        db.select(CatalogueOperator.code, Procedure.id).join(Application, Application.operator_id == CatalogueOperator.id)
        .join(Procedure, Procedure.application_id == Application.id)
        .where(Procedure.is_active.is_(True), Application.is_active.is_(True)).order_by(Procedure.id)).all()
    by_code = {}
    for code, procedure_id in rows:
        by_code.setdefault(code, []).append(procedure_id)
    return {operator: by_code.get(code, []) for operator, code in CATALOGUE.items()}


class Network:
    """The groups, their experts and the in-memory routing of the seeded requests."""

    def __init__(self, now, procedures):
        self.now, self.procedures = now, procedures
        self.group_ids, self.org_ids = IdSequence("support_groups"), IdSequence("organisations")
        self.user_ids, self.member_ids = IdSequence("users"), IdSequence("support_group_members")
        self.membership_ids = IdSequence("memberships")
        self.groups, self.themes, self.experts, self.names = [], [], {}, {}
        self.local, self.national, self.themed, self.target = {}, {}, {}, {}
        self.orgs, self.users, self.members, self.memberships = [], [], [], []

    def build(self, password_hash):
        for operator, _share, span in OPERATORS:
            label = Operator(operator).label
            if span:
                for start in range(0, len(DEPARTMENTS), span):
                    covered = DEPARTMENTS[start:start + span]
                    name = (f"Pôle d'appui {label} {covered[0]}" if span == 1
                            else f"Pôle d'appui {label} départements {covered[0]} à {covered[-1]}")
                    suffix = covered[0] if span == 1 else f"R{start // span + 1:02d}"
                    group = self._group(operator, suffix, name, covered, 3, password_hash)
                    for department in covered:
                        self.local[(operator, department)] = group
            self.national[operator] = self._group(operator, "NAT", f"Pôle d'appui {label} national", [], 5,
                                                  password_hash)
            theme = self.procedures.get(operator, [])[::3]
            if theme:  # a national group for a third of the operator's procedures, asked first for them
                group = self._group(operator, "NAT-THEME", f"Pôle d'appui {label} national thématique", [], 5,
                                    password_hash)
                self.themes += [(group, procedure_id) for procedure_id in theme]
                self.themed.update(dict.fromkeys(((operator, p) for p in theme), group))

    def _group(self, operator, suffix, name, departments, target_days, password_hash):
        group_id = self.group_ids.take()
        code = f"SC-APPUI-{operator.upper().replace('_', '-')}-{suffix}"
        self.groups.append((group_id, code, name, operator, not departments, ",".join(departments),
                            f"{name} : demandes bloquées malgré les canaux habituels.", None, target_days, True,
                            self.now - timedelta(days=DAYS + 30)))
        self.target[group_id] = target_days
        org_id = self.org_ids.take()
        self.orgs.append((org_id, code, f"{Operator(operator).label} — {name}", operator, True,
                          departments[0] if departments else None, self.now))
        started = self.now - timedelta(days=DAYS + 30)
        self.experts[group_id] = []
        for _n in range(NATIONAL_EXPERTS if not departments else LOCAL_EXPERTS):
            user_id = self.user_ids.take()
            full_name = f"Expert {Operator(operator).label} {user_id}"
            self.users.append((user_id, f"expert.{user_id}@{DOMAIN}", full_name, Role.EXPERT.value, True,
                               password_hash, 1, org_id, None, self.now))
            self.memberships.append((self.membership_ids.take(), user_id, org_id, started))
            self.members.append((self.member_ids.take(), group_id, user_id, started, None))
            self.experts[group_id].append(user_id)
            self.names[user_id] = full_name
        return group_id

    def route(self, operator, department, procedure_id):
        """Like groups.route: the local group, else the national group of the procedure's theme, else national."""
        return (self.local.get((operator, department)) or self.themed.get((operator, procedure_id))
                or self.national[operator])


def _insert_network(network, bar_for):
    insert_rows("organisations", ("id", "code", "name", "kind", "is_public", "department", "created_at"),
                network.orgs)
    with bar_for("Experts", len(network.users)) as bar:
        insert_rows("users", ("id", "email", "full_name", "role", "active", "password_hash", "session_version",
                              "organisation_id", "team_id", "created_at"), network.users, bar)
    insert_rows("memberships", ("id", "user_id", "organisation_id", "started_at"), network.memberships)
    insert_rows("support_groups", GROUP_COLUMNS, network.groups)
    insert_rows("support_group_procedures", ("group_id", "procedure_id"), network.themes)
    insert_rows("support_group_members", ("id", "group_id", "user_id", "started_at", "ended_at"), network.members)


class Writer:
    """Rows of one request's history, with ids taken in order."""

    def __init__(self):
        self.message_ids, self.event_ids = IdSequence("support_messages"), IdSequence("support_events")
        self.invitation_ids = IdSequence("support_invitations")
        self.messages, self.events, self.invitations = [], [], []

    def message(self, request_id, author_id, kind, body, at, hidden=False):
        self.messages.append((self.message_ids.take(), request_id, author_id, kind, body, hidden, at))

    def event(self, request_id, actor_id, action, label, at, handoff=False):
        self.events.append((self.event_ids.take(), request_id, actor_id, action, label[:300], handoff, at))

    def invitation(self, request_id, group_id, invited_by_id, automatic, at):
        self.invitations.append((self.invitation_ids.take(), request_id, group_id, None, invited_by_id, automatic, at))


def seed_backoffice(sizes, people, rng, now, bar_for, config):
    """The groups, experts and support requests; returns counts and the bench accounts."""
    agents = people["agents"]
    if not agents:
        return {}
    network = Network(now, _procedures())
    network.build(hash_password(DEMO_PASSWORD))
    _insert_network(network, bar_for)
    colleagues = {}
    for agent_id, org_id in agents:
        colleagues.setdefault(org_id, []).append(agent_id)
    departments = people["departments"]
    blobs = [crypto.encrypt_json({"last_name": f"Usager{n}", "first_name": "Camille", "caf_number": f"{1234500 + n}"})
             for n in range(16)]
    retention = timedelta(days=config["SUPPORT_RETENTION_DAYS"])
    group_names = {g[0]: g[2] for g in network.groups}
    deadlines = {}
    writer = Writer()
    request_ids = IdSequence("support_requests")
    operators = [(op, share) for op, share, _span in OPERATORS]
    per_author, open_national = {}, {}

    def due(created, department, target):
        # The deadline depends on the local day, the holiday calendar and the time zone: the same for
        # every département of mainland France but those with their own calendar (computing it costs ~0.4 ms).
        own = department if department in SUBDIVISIONS or department in OVERSEAS_TZ else None
        key = (local_date(created, department), own, target)
        if key not in deadlines:
            deadlines[key] = deadline_after(created, target, department)
        return deadlines[key]

    def requests():
        for n in range(sizes.get("support_requests", 0)):
            # The first two are set, so that even a tiny seed has an open request in a national group (n=0,
            # rerouted) and one escalated there automatically (n=1, a local CAF group's, never answered).
            request_id = request_ids.take()
            author_id, org_id = agents[rng.randrange(len(agents))]
            department = departments.get(org_id)
            operator = "caf" if n == 1 else _pick(rng, operators)
            choices = network.procedures.get(operator) or []
            procedure_id = choices[rng.randrange(len(choices))] if n != 1 and choices and rng.random() < 0.85 else None
            group_id = network.route(operator, department, procedure_id)
            created = (now - timedelta(days=30) if n < 2
                       else now - timedelta(days=DAYS * rng.random() ** 1.2, minutes=rng.randrange(600)))
            subject, situation = SUBJECTS[rng.randrange(len(SUBJECTS))]
            writer.event(request_id, author_id, "create", f"Demande envoyée au pôle « {group_names[group_id]} »",
                         created)
            handoffs, status, assignee = 0, Status.NEW.value, None
            last = created
            if n == 0 or rng.random() < 0.04:  # « pas le bon interlocuteur »: to the operator's national group
                national = network.national[operator]
                if national != group_id:
                    by = network.experts[group_id][0]
                    last = created + timedelta(hours=rng.randint(2, 30))
                    group_id, handoffs, status = national, 1, Status.REROUTED.value
                    writer.event(request_id, by, "reroute", f"Réorientée vers le pôle « {group_names[national]} »",
                                 last, handoff=True)
            experts = network.experts[group_id]
            # First answer: most within the 3-5 business days target, some late, some never.
            delay = None if n < 2 else rng.choices((0.5, 2, 4, 9, None), (25, 40, 20, 10, 5))[0]
            answered = created + timedelta(days=delay * (0.5 + rng.random())) if delay else None
            if answered is not None and answered > now:
                answered = None
            if rng.random() < 0.85 and (answered is None or answered > created + timedelta(hours=3)):
                take_at = created + timedelta(hours=rng.randint(1, 20))
                if take_at < now and (answered is None or take_at < answered):
                    assignee = experts[rng.randrange(len(experts))]
                    status, last = Status.TAKEN.value, take_at
                    writer.event(request_id, assignee, "take", f"{network.names[assignee]} s'occupe de la demande",
                                 take_at)
            escalated = None
            if (answered is None or answered - created > ESCALATED_AFTER) and created + ESCALATED_AFTER < now:
                escalated = created + ESCALATED_AFTER
                national = network.national[operator]
                if national != group_id:
                    handoffs += 1
                    writer.invitation(request_id, national, None, True, escalated)
                    writer.event(request_id, None, "escalate", f"Escalade automatique : pôle « {group_names[national]} »",
                                 escalated, handoff=True)
                    last = max(last, escalated)
            transferred = closed = useful = case_number = read = None
            if answered is not None:
                assignee = assignee or experts[rng.randrange(len(experts))]
                writer.message(request_id, assignee, MessageKind.ANSWER.value, ANSWERS[rng.randrange(len(ANSWERS))],
                               answered)
                status, last = Status.ANSWERED.value, answered
                if rng.random() < 0.1:
                    writer.message(request_id, assignee, MessageKind.NOTE.value, NOTES[rng.randrange(len(NOTES))],
                                   answered - timedelta(hours=1), hidden=True)
                if rng.random() < 0.25:  # the agent asks again, the expert answers again
                    asked = answered + timedelta(days=1 + rng.random() * 3)
                    again = asked + timedelta(days=rng.random() * 3)
                    if again < now:
                        writer.message(request_id, author_id, MessageKind.QUESTION.value,
                                       QUESTIONS[rng.randrange(len(QUESTIONS))], asked)
                        writer.message(request_id, assignee, MessageKind.ANSWER.value,
                                       ANSWERS[rng.randrange(len(ANSWERS))], again)
                        last = again
                if rng.random() < 0.05:
                    transferred = last + timedelta(hours=2)
                    case_number = f"{operator.upper()}-{created.year}-{request_id:06d}"
                    status = Status.TRANSFERRED.value
                    writer.event(request_id, assignee, "transfer", f"Transférée au niveau expert (dossier {case_number}) ; "
                                 "vous restez référent(e)", transferred)
                    last = transferred
                read = last + timedelta(hours=rng.randint(1, 48)) if rng.random() < 0.85 else None
                closing = last + timedelta(days=rng.random() * 12)
                if read is not None and closing < now and rng.random() < 0.85:
                    closed, useful = max(closing, read), _pick(rng, USEFUL)
                    status, last = Status.CLOSED.value, closed
                    writer.event(request_id, author_id, "close",
                                 f"Clôturée par l'agent (réponse utile : {Usefulness(useful).label.lower()})", closed)
                if read is not None and read > now:
                    read = None
            if rng.random() < 0.02 and len(colleagues[org_id]) > 1:  # handed over to a colleague
                colleague = colleagues[org_id][rng.randrange(len(colleagues[org_id]))]
                if colleague != author_id:
                    writer.event(request_id, author_id, "handover", f"Demande confiée à Agent {colleague}",
                                 created + timedelta(days=1))
                    author_id, read = colleague, None
            urgency = _pick(rng, URGENCIES)
            block = consent = consent_on = wiped = None
            if rng.random() < 0.35:
                consent, consent_on = _pick(rng, CONSENTS), created.date()
                if closed is not None and closed + retention < now:
                    wiped = closed + retention
                else:
                    block = blobs[rng.randrange(len(blobs))]
            per_author[author_id] = per_author.get(author_id, 0) + 1
            if status != Status.CLOSED.value and group_id in network.national.values():
                open_national[group_id] = open_national.get(group_id, 0) + 1
            yield (
                request_id, f"A-{created.year}-{request_id:06d}", author_id, org_id, department, operator, procedure_id,
                group_id, assignee, status, subject, situation, TRIED, {}, urgency,
                created.date() + timedelta(days=10) if urgency == Urgency.DEADLINE.value else None,
                rng.random() < 0.1, block, consent, consent_on, wiped, case_number, handoffs, escalated,
                due(created, department, network.target[group_id]), answered,
                first_answer_business_hours(created, answered, department, config), transferred, closed, useful, read,
                created, last,
            )

    total = sizes.get("support_requests", 0)
    with bar_for("Demandes d'appui", total) as bar:
        count = insert_rows("support_requests", REQUEST_COLUMNS, requests(), bar)
    from app.backoffice.delay_summary import rebuild

    rebuild(commit=False)  # the monthly first-answer delays the working-conditions indicators read
    from app.backoffice import open_counts

    open_counts.rebuild(commit=False)  # each group's open requests, the expert board's total
    with bar_for("Échanges d'appui", len(writer.messages)) as bar:
        insert_rows("support_messages", ("id", "request_id", "author_id", "kind", "body", "hidden_from_agent",
                                         "created_at"), writer.messages, bar)
    insert_rows("support_invitations", ("id", "request_id", "group_id", "user_id", "invited_by_id", "is_automatic",
                                        "created_at"), writer.invitations)
    from app.backoffice.invitations import follow_status

    follow_status()  # the invitations of closed requests leave the expert board's index
    with bar_for("Étapes d'appui", len(writer.events)) as bar:
        insert_rows("support_events", ("id", "request_id", "actor_id", "action", "label", "is_handoff",
                                       "created_at"), writer.events, bar)
    busiest = max(open_national, key=open_national.get, default=network.national["caf"])
    agent = max(per_author, key=per_author.get, default=None)
    return {"support_groups": len(network.groups), "experts": len(network.users), "support_requests": count,
            "support_messages": len(writer.messages), "support_events": len(writer.events),
            "support_invitations": len(writer.invitations),
            "support_expert": network.experts[busiest][0], "support_agent": agent}

