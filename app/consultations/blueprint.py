"""The consultations blueprint: agents' pages (views_agent) and the team's pages (views_team)."""
from flask import Blueprint

bp = Blueprint("consultations", __name__)


def apply_service_error(form, exc, default_field):
    """Show a refused use case's message next to the field it names."""
    target = getattr(form, getattr(exc, "field", None) or "", None) or getattr(form, default_field)
    target.errors = [*target.errors, str(exc)]
