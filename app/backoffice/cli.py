"""flask support ...: groups, members, the daily escalation and the weekly digest."""

import click
from flask.cli import AppGroup

from app.backoffice import escalation, groups
from app.common.cli import fail as _fail

support_cli = AppGroup("support", help="Appui expert : pôles d'appui, escalade, synthèse hebdomadaire.")
groups_cli = AppGroup("groups", help="Pôles d'appui.")
support_cli.add_command(groups_cli)


@groups_cli.command("create")
@click.option("--code", required=True, help="Code du pôle (ex. APPUI-CAF-69).")
@click.option("--name", required=True, help="Nom du pôle.")
@click.option("--operator", required=True, help="Opérateur : caf, cpam, carsat, msa, france_travail, dgfip…")
@click.option("--departments", default="", help="Départements couverts, séparés par des virgules (69,01).")
@click.option("--national", is_flag=True, help="Pôle national de l'opérateur.")
@click.option("--mailbox", default=None, help="Boîte aux lettres partagée du pôle.")
@click.option("--target-days", default=3, show_default=True, type=int, help="Délai de première réponse (jours ouvrés).")
def groups_create(code, name, operator, departments, national, mailbox, target_days):
    """Create an expert group."""
    try:
        group = groups.create_group(None, code, name, operator, groups.parse_departments(departments), national,
                                    mailbox=mailbox, target_days=target_days)
    except groups.GroupError as exc:
        _fail(str(exc))
    click.echo(f"Pôle {group.code} créé ({group.coverage_label}).")


@groups_cli.command("add-member")
@click.option("--code", required=True, help="Code du pôle.")
@click.option("--email", required=True, help="Adresse du compte expert.")
def groups_add_member(code, email):
    """Add an expert to a group."""
    group = groups.group_by_code(code)
    if group is None:
        _fail(f"aucun pôle avec le code {code}.")
    try:
        user = groups.add_member(None, group, email)
    except groups.GroupError as exc:
        _fail(str(exc))
    click.echo(f"{user.email} est membre du pôle {group.code}.")


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
