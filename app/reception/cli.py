"""`flask reception ...`: rebuild the monthly summaries, assign départements to an animateur réseau."""
import sys

import click
from flask.cli import AppGroup

from app.accounts.models import find_user_by_email
from app.reception import services, summary

reception_cli = AppGroup("reception", help="Registre d'accueil, avis des usagers, indicateurs de qualité.")


@reception_cli.command("refresh")
def refresh_command():
    """Recompute the monthly summaries from the desk log and the answers (repair after a bulk load)."""
    count = summary.rebuild()
    click.echo(f"{count} ligne(s) de synthèse recalculée(s).")


@reception_cli.command("assign-department")
@click.argument("email")
@click.argument("department")
def assign_department_command(email, department):
    """Give an « animateur réseau » (role manager_network) a département to follow."""
    user = find_user_by_email(email)
    if user is None:
        click.echo(f"Erreur : aucun compte pour {email}.", err=True)
        sys.exit(1)
    try:
        services.assign_department(None, user, department)
    except services.ReceptionError as exc:
        click.echo(f"Erreur : {exc}", err=True)
        sys.exit(1)
    click.echo(f"Département {department} suivi par {email}.")
