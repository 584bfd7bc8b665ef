"""Command line: flask curricula validate|stats|import."""
import sys

import click
from flask import current_app
from flask.cli import AppGroup

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
    click.echo(f"Curricula valides : {len(tree.modules)} module(s), {len(tree.sheets)} fiche(s) réflexe(s).")


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
