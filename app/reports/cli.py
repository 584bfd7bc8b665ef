"""Command line: flask catalog import|validate, flask webhooks deliver, flask reports repair."""
import sys

import click
from flask.cli import AppGroup

catalog_cli = AppGroup("catalog", help="Catalogue des services en ligne (remontées).")
webhooks_cli = AppGroup("webhooks", help="Webhooks des équipes logicielles.")
reports_cli = AppGroup("reports", help="Remontées des services en ligne.")


def _print_problems(problems):
    for problem in problems:
        click.echo(str(problem))


@catalog_cli.command("validate")
@click.argument("file", required=False)
def catalog_validate(file):
    """Check a catalogue file; one `path:line: message` per error, exit 1 if any."""
    from app.reports.catalog import DEFAULT_FILE, CatalogInvalid, load

    try:
        data = load(file or DEFAULT_FILE)
    except CatalogInvalid as exc:
        _print_problems(exc.problems)
        click.echo(f"{len(exc.problems)} erreur(s).", err=True)
        sys.exit(1)
    count = sum(len(o["applications"]) for o in data["operators"])
    click.echo(f"Catalogue valide : {len(data['operators'])} opérateur(s), {count} application(s).")


@catalog_cli.command("import")
@click.argument("file", required=False)
def catalog_import(file):
    """Validate then import a catalogue file (nothing is imported when it has an error)."""
    from app.reports.catalog import DEFAULT_FILE, CatalogInvalid, import_catalog

    try:
        report = import_catalog(file or DEFAULT_FILE)
    except CatalogInvalid as exc:
        _print_problems(exc.problems)
        click.echo("Import annulé : rien n'a été importé.", err=True)
        sys.exit(1)
    totals = report.totals
    click.echo(
        f"Catalogue : {totals['operators']} opérateur(s), {totals['applications']} application(s)."
    )
    if not report.has_changes:
        click.echo("Import terminé : rien n'a changé.")
        return
    names = {"teams": "équipe(s)", "operators": "opérateur(s)", "applications": "application(s)",
             "procedures": "démarche(s)", "steps": "étape(s)"}
    created = ", ".join(f"{count} {names[kind]}" for kind, count in report.created.items() if count)
    click.echo(
        f"Import terminé : créés {created or 'aucun'} ; mis à jour {report.updated} ; "
        f"désactivés {report.deactivated}."
    )


@webhooks_cli.command("deliver")
@click.option("--limit", default=200, show_default=True, help="Livraisons traitées au plus.")
def webhooks_deliver(limit):
    """Send the webhook deliveries that are due (retries included)."""
    from app.reports.webhooks import deliver_due

    delivered, failed = deliver_due(limit=limit)
    click.echo(f"{delivered} livraison(s) réussie(s), {failed} échec(s) (réessayés plus tard).")


@reports_cli.command("repair")
def reports_repair():
    """Recount, from the reports themselves, the reports per organisation and month kept on every write
    (after bulk writes; idempotent)."""
    from app.reports import month_counts

    before = month_counts.stored()
    rows = month_counts.rebuild()
    after = month_counts.stored()
    wrong = sum(1 for key in before.keys() | after.keys() if before.get(key) != after.get(key))
    click.echo(f"Remontées par structure et par mois : {rows} ligne(s) recalculée(s), {wrong} corrigée(s).")
