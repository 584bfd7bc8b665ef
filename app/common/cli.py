"""Helpers for the flask commands of every domain."""
import sys

import click


def fail(message):
    """Print a French error and exit with status 1."""
    click.echo(f"Erreur : {message}", err=True)
    sys.exit(1)
