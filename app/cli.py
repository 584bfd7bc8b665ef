"""Command line shared by all domains (seed, keys, reminders, backup, purge, worker); each domain
registers its own groups in its init_app."""

import click
from flask import current_app
from flask.cli import AppGroup

from app.common.cli import fail

seed_cli = AppGroup("seed", help="Données de démonstration.")
keys_cli = AppGroup("keys", help="Clés de l'instance (dans instance/).")
reminders_cli = AppGroup("reminders", help="Rappels de formation (échéances, retards), de passeport et du plan d'action poste et lieu d'accueil.")


@seed_cli.command("demo")
def seed_demo_command():
    """Load the demo data (idempotent; refused in production)."""
    if current_app.config["APP_ENV"] == "production":
        fail("les données de démonstration sont interdites en production (APP_ENV=production).")
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
@click.option("--visits", type=int, default=None, help="Lignes du registre d'accueil (défaut 2 000 000, un trimestre).")
def seed_scale_command(fraction, organisations, agents, passport_entries, reports, visits):
    """Bulk-load data at the size of the national network (refused in production)."""
    from app.scale.seed import ScaleRefused, scaled, seed_scale

    if current_app.config["APP_ENV"] == "production":
        fail("les données de volume sont interdites en production (APP_ENV=production).")
    if not 0 < fraction <= 10:
        fail("--fraction doit être compris entre 0 et 10.")
    sizes = scaled(fraction, organisations=organisations, agents=agents,
                   passport_entries=passport_entries, reports=reports, visits=visits)

    def bar_for(label, length):
        return click.progressbar(length=max(length, 1), label=f"{label:<18}", show_percent=True,
                                 show_pos=True)

    try:
        summary = seed_scale(current_app.config, sizes, bar_for=bar_for)
    except ScaleRefused as exc:
        fail(str(exc))
    for name, count in summary.counts.items():
        click.echo(f"  {name:<20} {count:>10,}".replace(",", " "))
    click.echo(f"RH de la plus grande structure : {summary.largest_hr_email}")
    click.echo(f"Agent avec une progression     : {summary.agent_email}")
    click.echo(f"Équipe logicielle (triage)     : {summary.triager_email}")
    click.echo(f"Expert d'un pôle national      : {summary.expert_email}")
    click.echo(f"Agent avec le plus de demandes : {summary.support_agent_email}")
    click.echo(f"Mot de passe                   : {summary.password}")


@keys_cli.command("generate")
def keys_generate():
    """Create the instance's missing keys (run before the server starts)."""
    from app.common.keys import generate_keys

    created = generate_keys(current_app.instance_path)
    click.echo("Clés créées : " + ", ".join(created) if created else "Clés déjà présentes.")


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
        fail(str(exc))
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
        fail(str(exc))
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
        fail("REDIS_URL n'est pas défini : sans Redis, utilisez `flask outbox send` et "
              "`flask webhooks deliver` (cron).")
    # SimpleWorker runs jobs in this process, inside the app context (no fork sharing the
    # database connections of the parent).
    SimpleWorker([QUEUE_NAME], connection=connection).work(burst=burst)


def register_cli(app):
    for command in (worker_command, purge_command, backup_command, restore_command, seed_cli, keys_cli,
                    reminders_cli):
        app.cli.add_command(command)
