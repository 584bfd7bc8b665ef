"""flask support ...: groups, members, the daily escalation, the weekly digest, the repair of what is kept on write."""

import click
from flask.cli import AppGroup

from app.accounts.models import find_user_by_email
from app.backoffice import delay_summary, escalation, groups, invitations, open_counts
from app.common.cli import fail as _fail
from app.extensions import db

support_cli = AppGroup("support", help="Appui expert : pôles d'appui, escalade, synthèse hebdomadaire.")
groups_cli = AppGroup("groups", help="Pôles d'appui.")
support_cli.add_command(groups_cli)


def _themes(value):
    """"caf-fr/creer-compte, caf-fr/rsa" -> procedures of the catalogue (GroupError on an unknown one)."""
    return groups.find_procedures((value or "").replace(";", ",").split(","))


def _group_or_fail(code):
    group = groups.group_by_code(code)
    if group is None:
        _fail(f"aucun pôle avec le code {code}.")
    return group


def _themes_label(group):
    return ", ".join(groups.procedure_key(p) for p in group.procedures) or "toutes les démarches"


THEMES_HELP = ("Thèmes : démarches du catalogue des services en ligne, code-du-service/code-de-la-démarche "
               "séparés par des virgules (ex. caf-fr/creer-compte).")


@groups_cli.command("create")
@click.option("--code", required=True, help="Code du pôle (ex. APPUI-CAF-69).")
@click.option("--name", required=True, help="Nom du pôle.")
@click.option("--operator", required=True, help="Opérateur : caf, cpam, carsat, msa, france_travail, dgfip…")
@click.option("--departments", default="", help="Départements couverts, séparés par des virgules (69,01).")
@click.option("--national", is_flag=True, help="Pôle national de l'opérateur.")
@click.option("--mailbox", default=None, help="Boîte aux lettres partagée du pôle.")
@click.option("--target-days", default=3, show_default=True, type=int, help="Délai de première réponse (jours ouvrés).")
@click.option("--themes", default="", help=THEMES_HELP)
def groups_create(code, name, operator, departments, national, mailbox, target_days, themes):
    """Create an expert group (optionally split by theme)."""
    try:
        group = groups.create_group(None, code, name, operator, groups.parse_departments(departments), national,
                                    mailbox=mailbox, target_days=target_days, procedures=_themes(themes))
    except groups.GroupError as exc:
        _fail(str(exc))
    click.echo(f"Pôle {group.code} créé ({group.coverage_label} ; thèmes : {_themes_label(group)}).")


@groups_cli.command("update")
@click.option("--code", required=True, help="Code du pôle.")
@click.option("--name", default=None, help="Nouveau nom.")
@click.option("--departments", default=None, help="Pôle départemental : départements couverts (69,01).")
@click.option("--national", is_flag=True, help="Pôle national (les départements sont retirés).")
@click.option("--mailbox", default=None, help="Boîte aux lettres partagée (vide : aucune).")
@click.option("--target-days", default=None, type=int, help="Délai de première réponse (jours ouvrés).")
@click.option("--themes", default=None, help=THEMES_HELP + " Une chaîne vide retire tous les thèmes.")
def groups_update(code, name, departments, national, mailbox, target_days, themes):
    """Rename a group, change its level (départements or national), mailbox, target or themes; what is
    not given stays."""
    group = _group_or_fail(code)
    if national and departments:
        _fail("choisissez --departments ou --national, pas les deux.")
    try:
        values = {
            "departments": [] if national else (groups.parse_departments(departments) if departments is not None
                                                else group.department_list),
            "national": national or (group.is_national and departments is None),
            "public_note": group.public_note,
            "mailbox": group.mailbox if mailbox is None else mailbox,
            "target_days": group.target_days if target_days is None else target_days,
            "procedures": group.procedures if themes is None else _themes(themes),
        }
        groups.update_group(None, group, group.name if name is None else name, **values)
    except groups.GroupError as exc:
        _fail(str(exc))
    click.echo(f"Pôle {group.code} modifié : {group.name} ({group.coverage_label} ; thèmes : {_themes_label(group)}).")


@groups_cli.command("list")
def groups_list():
    """List the active groups with their level, themes and members."""
    for group in groups.active_groups():
        click.echo(f"{group.code}\t{group.operator}\t{group.coverage_label}\t{_themes_label(group)}\t"
                   f"{len(groups.members(group))} membre(s)\t{group.name}")


@groups_cli.command("add-member")
@click.option("--code", required=True, help="Code du pôle.")
@click.option("--email", required=True, help="Adresse du compte expert.")
def groups_add_member(code, email):
    """Add an expert to a group."""
    group = _group_or_fail(code)
    try:
        user = groups.add_member(None, group, email)
    except groups.GroupError as exc:
        _fail(str(exc))
    click.echo(f"{user.email} est membre du pôle {group.code}.")


@groups_cli.command("remove-member")
@click.option("--code", required=True, help="Code du pôle.")
@click.option("--email", required=True, help="Adresse du compte expert.")
def groups_remove_member(code, email):
    """End an expert's membership of a group (the history is kept)."""
    group = _group_or_fail(code)
    user = find_user_by_email(email)
    try:
        if user is None:
            raise groups.GroupError(f"Aucun compte pour l'adresse {email}.")
        groups.remove_member(None, group, user)
    except groups.GroupError as exc:
        _fail(str(exc))
    click.echo(f"{user.email} ne fait plus partie du pôle {group.code}.")


@support_cli.command("escalate")
def escalate_command():
    """Invite the national group on requests left 5 business days without answer (daily cron; idempotent)."""
    done = escalation.escalate()
    click.echo(f"{len(done)} demande(s) escaladée(s)" + (" : " + ", ".join(done) if done else "") + ".")


@support_cli.command("digest")
def digest_command():
    """E-mail each group its late requests (weekly cron)."""
    sent = escalation.digest()
    click.echo(f"Synthèse envoyée à {len(sent)} pôle(s)" + (
        " : " + ", ".join(f"{code} ({n})" for code, n in sent.items()) if sent else "") + ".")


@support_cli.command("repair")
def repair_command():
    """Set again, from the requests themselves, what the back office keeps on every write: whether each
    invitation's request is open, each group's number of open requests, and the monthly first-answer delays
    per site (after bulk writes; idempotent)."""
    changed = invitations.follow_status()
    wrong = open_counts.rebuild(commit=False)
    delays = delay_summary.rebuild(commit=False)
    db.session.commit()
    click.echo(f"{changed} invitation(s) remise(s) en accord avec le statut de leur demande ; "
               f"{wrong} pôle(s) dont le nombre de demandes ouvertes a été recompté ; "
               f"{delays} ligne(s) mensuelle(s) de délais de première réponse recalculée(s).")
