"""Command line: flask orgs|teams|users|tokens create."""
import sys

import click
from flask.cli import AppGroup

from app.accounts import organisations, services
from app.accounts.models import Organisation, OrgKind, Role, Team, find_user_by_email
from app.common.cli import fail
from app.extensions import db

orgs_cli = AppGroup("orgs", help="Structures (organisations).")
teams_cli = AppGroup("teams", help="Équipes logicielles.")
users_cli = AppGroup("users", help="Comptes utilisateurs.")
tokens_cli = AppGroup("tokens", help="Jetons d'API.")


@orgs_cli.command("create")
@click.option("--code", required=True)
@click.option("--name", required=True)
@click.option("--kind", required=True, type=click.Choice(OrgKind.values()))
@click.option("--department", default=None)
@click.option("--private", "is_private", is_flag=True, help="Structure privée (délégataire).")
@click.option("--siret", default=None, help="SIRET (14 chiffres) : rattache les connexions ProConnect.")
def orgs_create(code, name, kind, department, is_private, siret):
    """Create an organisation."""
    try:
        org = organisations.create_organisation(None, code, name, kind, department, not is_private, siret=siret)
    except services.AccountError as exc:
        fail(str(exc))
    click.echo(f"Structure {org.code} créée.")


@teams_cli.command("create")
@click.option("--code", required=True)
@click.option("--name", required=True)
def teams_create(code, name):
    """Create a software team."""
    try:
        team = organisations.create_team(None, code, name)
    except services.AccountError as exc:
        fail(str(exc))
    click.echo(f"Équipe {team.code} créée.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(Role.values()))
@click.option("--org", "org_code", default=None)
@click.option("--team", "team_code", default=None)
@click.option("--password-stdin", is_flag=True, help="Lire le mot de passe sur l'entrée standard.")
def users_create(email, name, role, org_code, team_code, password_stdin):
    """Create a user; without --password-stdin a strong password is generated and printed once."""
    import secrets

    organisation = team = None
    if org_code:
        organisation = db.session.scalar(
            db.select(Organisation).where(Organisation.code == org_code.upper())
        )
        if organisation is None:
            fail(f"structure inconnue : {org_code}")
    if team_code:
        team = db.session.scalar(db.select(Team).where(Team.code == team_code.upper()))
        if team is None:
            fail(f"équipe inconnue : {team_code}")
    generated = not password_stdin
    password = sys.stdin.readline().rstrip("\n") if password_stdin else secrets.token_urlsafe(18)
    try:
        user = services.create_user(None, email, name, role, organisation, team, password)
    except services.AccountError as exc:
        fail(str(exc))
    click.echo(f"Compte {user.email} créé ({user.role}).")
    if generated:
        click.echo(f"Mot de passe (affiché une seule fois) : {password}")


@tokens_cli.command("create")
@click.option("--email", required=True)
@click.option("--label", default="")
def tokens_create(email, label):
    """Create a personal API token and print it once."""
    user = find_user_by_email(email)
    if user is None:
        fail(f"aucun compte pour {email}")
    _token, raw = services.create_api_token(None, user, label)
    click.echo(raw)
