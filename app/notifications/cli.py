"""Command line: flask outbox send."""
import sys

import click
from flask.cli import AppGroup

outbox_cli = AppGroup("outbox", help="File d'envoi des e-mails.")


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
