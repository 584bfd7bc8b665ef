"""`flask workplace ...`: rebuild the monthly incident summaries the indicators read."""
import click
from flask.cli import AppGroup

from app.workplace import summary

workplace_cli = AppGroup("workplace", help="Conditions de travail : signalements, indicateurs.")


@workplace_cli.command("rebuild-summaries")
def rebuild_summaries_command():
    """Recompute the monthly incident summaries from the incidents (repair, or after a bulk load)."""
    count = summary.rebuild()
    click.echo(f"{count} ligne(s) de synthèse des signalements recalculée(s).")
