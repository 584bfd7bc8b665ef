"""Forwarding xAPI statements to a learning record store (LRS_ENDPOINT): queue, sender, delivery log."""
import click
from flask.cli import AppGroup

lrs_cli = AppGroup("lrs", help="Envoi des déclarations xAPI au LRS (Learning Record Store).")


@lrs_cli.command("send")
def lrs_send():
    """Send the due statements to the LRS, one batch per run (for cron)."""
    from flask import current_app

    from app.training.lrs.sender import pending_count, send_pending

    if not current_app.config.get("LRS_ENDPOINT"):
        click.echo("LRS_ENDPOINT n'est pas défini : aucune déclaration n'est mise en file.")
        return
    log = send_pending()
    if log is None:
        click.echo(f"Rien à envoyer maintenant ({pending_count()} déclaration(s) en attente).")
    elif log.delivered:
        click.echo(f"{log.count} déclaration(s) envoyée(s) au LRS ; {pending_count()} en attente.")
    else:
        click.echo(f"Échec de l'envoi de {log.count} déclaration(s) : {log.message}. Nouvel essai plus tard.")
        raise SystemExit(1)


def init_app(flask_app):
    """Register the queue's listener, the statement builders, the CLI group, the worker job, the log page."""
    from app.common import jobs
    from app.training.lrs import builders, models  # noqa: F401 - models registers the tables
    from app.training.lrs.queue import init_queue
    from app.training.lrs.views import bp

    for name in ("LRS_ENDPOINT", "LRS_USERNAME", "LRS_PASSWORD"):
        flask_app.config.setdefault(name, None)
    init_queue()
    builders.register()
    from app.training.lrs.sender import deliver_job

    jobs.register_job("lrs", deliver_job)
    flask_app.cli.add_command(lrs_cli)
    flask_app.register_blueprint(bp)
