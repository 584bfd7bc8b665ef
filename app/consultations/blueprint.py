"""The consultations blueprint: agents' pages (views_agent) and the team's pages (views_team)."""
from flask import Blueprint, abort, send_file

from app.reports import images

bp = Blueprint("consultations", __name__)


def apply_service_error(form, exc, default_field):
    """Show a refused use case's message next to the field it names."""
    target = getattr(form, getattr(exc, "field", None) or "", None) or getattr(form, default_field)
    target.errors = [*target.errors, str(exc)]


def send_image(row):
    """A stored screenshot, always as a download (never rendered inline from our origin)."""
    path = images.attachment_path(row.stored_name) if row else None
    if row is None or not path.is_file():
        abort(404)
    response = send_file(path, mimetype=row.content_type, as_attachment=True, download_name=row.download_name,
                         max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
