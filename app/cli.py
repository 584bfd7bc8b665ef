"""Command line: flask --app wsgi <group> <command>."""
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from app.accounts import services
from app.accounts.models import Organisation, OrgKind, Role, Team, find_user_by_email
from app.extensions import db

orgs_cli = AppGroup("orgs", help="Structures (organisations).")
teams_cli = AppGroup("teams", help="Équipes logicielles.")
users_cli = AppGroup("users", help="Comptes utilisateurs.")
tokens_cli = AppGroup("tokens", help="Jetons d'API.")
outbox_cli = AppGroup("outbox", help="File d'envoi des e-mails.")
seed_cli = AppGroup("seed", help="Données de démonstration.")
keys_cli = AppGroup("keys", help="Clés de l'instance (dans instance/).")
reminders_cli = AppGroup("reminders", help="Rappels de formation (échéances, retards), de passeport et du plan d'action poste et lieu d'accueil.")


def _fail(message):
    click.echo(f"Erreur : {message}", err=True)
    sys.exit(1)


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
        org = services.create_organisation(None, code, name, kind, department, not is_private, siret=siret)
    except services.AccountError as exc:
        _fail(str(exc))
    click.echo(f"Structure {org.code} créée.")


@teams_cli.command("create")
@click.option("--code", required=True)
@click.option("--name", required=True)
def teams_create(code, name):
    """Create a software team."""
    try:
        team = services.create_team(None, code, name)
    except services.AccountError as exc:
        _fail(str(exc))
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
            _fail(f"structure inconnue : {org_code}")
    if team_code:
        team = db.session.scalar(db.select(Team).where(Team.code == team_code.upper()))
        if team is None:
            _fail(f"équipe inconnue : {team_code}")
    generated = not password_stdin
    password = sys.stdin.readline().rstrip("\n") if password_stdin else secrets.token_urlsafe(18)
    try:
        user = services.create_user(None, email, name, role, organisation, team, password)
    except services.AccountError as exc:
        _fail(str(exc))
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
        _fail(f"aucun compte pour {email}")
    _token, raw = services.create_api_token(None, user, label)
    click.echo(raw)


@outbox_cli.command("send")
def outbox_send():
    """Deliver pending e-mails."""
    from app.notifications.services import deliver_pending

    total_sent = total_failed = 0
    while True:
        sent, failed = deliver_pending()
        total_sent += sent
        total_failed += failed
        if sent == 0:
            break
    click.echo(f"{total_sent} e-mail(s) envoyé(s), {total_failed} échec(s).")
    if total_failed:
        sys.exit(1)


@seed_cli.command("demo")
def seed_demo_command():
    """Load the demo data (idempotent; refused in production)."""
    if current_app.config["APP_ENV"] == "production":
        _fail("les données de démonstration sont interdites en production (APP_ENV=production).")
    from app.seed import DEMO_PASSWORD, seed_demo

    accounts = seed_demo()
    click.echo("Données de démonstration prêtes. Comptes (mot de passe : " + DEMO_PASSWORD + ") :")
    for email, role in accounts:
        click.echo(f"  {email:<34} {role}")


@seed_cli.command("scale")
@click.option("--fraction", type=float, default=1.0, show_default=True,
              help="Part des volumes par défaut (0.01 = 1 %).")
@click.option("--organisations", type=int, default=None, help="Structures (défaut 3 000).")
@click.option("--agents", type=int, default=None, help="Agents d'accueil (défaut 30 000).")
@click.option("--passport-entries", type=int, default=None, help="Lignes de passeport (défaut 150 000).")
@click.option("--reports", type=int, default=None, help="Remontées (défaut 100 000).")
def seed_scale_command(fraction, organisations, agents, passport_entries, reports):
    """Bulk-load data at the size of the national network (refused in production)."""
    from app.scale.seed import ScaleRefused, scaled, seed_scale

    if current_app.config["APP_ENV"] == "production":
        _fail("les données de volume sont interdites en production (APP_ENV=production).")
    if not 0 < fraction <= 10:
        _fail("--fraction doit être compris entre 0 et 10.")
    sizes = scaled(fraction, organisations=organisations, agents=agents,
                   passport_entries=passport_entries, reports=reports)

    def bar_for(label, length):
        return click.progressbar(length=max(length, 1), label=f"{label:<18}", show_percent=True,
                                 show_pos=True)

    try:
        summary = seed_scale(current_app.config, sizes, bar_for=bar_for)
    except ScaleRefused as exc:
        _fail(str(exc))
    for name, count in summary.counts.items():
        click.echo(f"  {name:<20} {count:>10,}".replace(",", " "))
    click.echo(f"RH de la plus grande structure : {summary.largest_hr_email}")
    click.echo(f"Agent avec une progression     : {summary.agent_email}")
    click.echo(f"Équipe logicielle (triage)     : {summary.triager_email}")
    click.echo(f"Mot de passe                   : {summary.password}")


@keys_cli.command("generate")
def keys_generate():
    """Create the instance's missing keys (run before the server starts)."""
    from app.common.keys import generate_keys

    created = generate_keys(current_app.instance_path)
    click.echo("Clés créées : " + ", ".join(created) if created else "Clés déjà présentes.")




curricula_cli = AppGroup("curricula", help="Référentiel, profils, certifications et modules de formation.")


@curricula_cli.command("validate")
@click.argument("directory", required=False)
def curricula_validate(directory):
    """Check a curricula folder; one `path:line: message` per error, exit 1 if any."""
    from app.training.curricula.validate import load_tree

    directory = directory or current_app.config["CURRICULA_DIR"]
    tree = load_tree(directory)
    for problem in tree.problems:
        click.echo(str(problem))
    for warning in tree.warnings:  # e.g. a lesson reviewed more than 12 months ago: reported, never fatal
        click.echo(str(warning))
    if tree.problems:
        click.echo(f"{len(tree.problems)} erreur(s).", err=True)
        sys.exit(1)
    click.echo(f"Curricula valides : {len(tree.modules)} module(s).")


@curricula_cli.command("stats")
@click.argument("directory", required=False)
def curricula_stats(directory):
    """Corpus figures: answer positions, longest-correct share, multi-answer counts, durations, pending lessons."""
    from app.training.curricula.corpus import figures, format_figures
    from app.training.curricula.validate import load_tree

    tree = load_tree(directory or current_app.config["CURRICULA_DIR"])
    for line in format_figures(figures(tree)):
        click.echo(line)
    if tree.problems:
        click.echo(f"{len(tree.problems)} erreur(s) : lancez flask curricula validate.", err=True)


@curricula_cli.command("import")
@click.argument("directory", required=False)
def curricula_import(directory):
    """Validate then import a curricula folder (nothing is imported when it has an error)."""
    from app.training.curricula.importer import CurriculaInvalid, import_curricula

    directory = directory or current_app.config["CURRICULA_DIR"]
    try:
        report = import_curricula(directory)
    except CurriculaInvalid as exc:
        for problem in exc.problems:
            click.echo(str(problem))
        click.echo("Import annulé : rien n'a été importé.", err=True)
        sys.exit(1)
    if report.new_versions:
        for slug, number in report.new_versions:
            click.echo(f"Module {slug} : version {number}")
    click.echo("Import terminé." if report.has_changes else "Import terminé : rien n'a changé.")


@reminders_cli.command("send")
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Jour de référence (AAAA-MM-JJ) ; par défaut aujourd'hui, heure de Paris.")
def reminders_send(on):
    """Send the training and passport reminders of the day (meant to run daily); each is sent once."""
    from app.common.timezones import timezone_for_department, utcnow
    from app.passports.reminders import send_expiry_reminders
    from app.training.reminders import send_reminders

    today = on.date() if on else utcnow().astimezone(timezone_for_department(None)).date()
    report = send_reminders(today)
    click.echo(
        f"{report.total} rappel(s) envoyé(s) : {report.due_soon} échéance(s) proche(s), "
        f"{report.overdue} retard(s)."
    )
    expiring = send_expiry_reminders(today)
    click.echo(f"Passeport : {expiring} ligne(s) arrivant à échéance dans les 60 jours signalée(s).")
    from app.workplace.checklist import send_action_reminders

    actions = send_action_reminders(today)
    click.echo(f"Poste et lieu d'accueil : {actions} rappel(s) d'action envoyé(s).")


@click.command("backup")
@click.argument("target", required=False)
def backup_command(target):
    """Consistent online backup of the SQLite database (PostgreSQL: pg_dump, see the README)."""
    from datetime import datetime
    from pathlib import Path

    from app.common.backup import BackupError, backup_sqlite

    target = target or str(Path(current_app.instance_path) / "backups" /
                           f"passerelle-{datetime.now():%Y%m%d-%H%M%S}.db")
    try:
        counts = backup_sqlite(current_app.config["SQLALCHEMY_DATABASE_URI"], target)
    except BackupError as exc:
        _fail(str(exc))
    click.echo(f"Sauvegarde écrite : {target} ({sum(counts.values())} lignes, intégrité vérifiée).")


@click.command("restore")
@click.argument("backup_file")
@click.option("--force", is_flag=True, help="Remplacer la base existante.")
def restore_command(backup_file, force):
    """Check a SQLite backup's integrity and restore it."""
    from app.common.backup import BackupError, restore_sqlite
    from app.extensions import db as database

    database.engine.dispose()
    try:
        counts = restore_sqlite(backup_file, current_app.config["SQLALCHEMY_DATABASE_URI"], force)
    except BackupError as exc:
        _fail(str(exc))
    click.echo(f"Base restaurée : {sum(counts.values())} lignes, intégrité vérifiée.")


@click.command("purge")
def purge_command():
    """Delete what is past its retention period (see the README's settings); idempotent."""
    from app.common.retention import purge

    counts = purge(current_app.config)
    click.echo("Purge terminée : " + (", ".join(f"{k} {v}" for k, v in counts.items() if v) or "rien à supprimer") + ".")


@click.command("worker")
@click.option("--burst", is_flag=True, help="S'arrêter quand la file est vide.")
def worker_command(burst):
    """Run the RQ worker (e-mails, webhooks) inside the app context; needs REDIS_URL."""
    from rq import SimpleWorker

    from app.common.jobs import QUEUE_NAME, redis_connection

    connection = redis_connection()
    if connection is None:
        _fail("REDIS_URL n'est pas défini : sans Redis, utilisez `flask outbox send` et "
              "`flask webhooks deliver` (cron).")
    # SimpleWorker runs jobs in this process, inside the app context (no fork sharing the
    # database connections of the parent).
    SimpleWorker([QUEUE_NAME], connection=connection).work(burst=burst)


def register_cli(app):
    app.cli.add_command(worker_command)
    app.cli.add_command(purge_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    from app.reports.cli import catalog_cli, webhooks_cli

    app.cli.add_command(catalog_cli)
    app.cli.add_command(webhooks_cli)
    groups = (orgs_cli, teams_cli, users_cli, tokens_cli, outbox_cli, seed_cli, keys_cli, curricula_cli,
              reminders_cli)
    for group in groups:
        app.cli.add_command(group)
