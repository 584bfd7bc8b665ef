"""Working conditions at the desk (« conditions de travail »): incidents, workstation and site
checklist, barometer, indicators and the quarterly file for social dialogue."""
import os


def init_app(app):
    """Register the domain: its setting, models, blueprints and the figures it reads from reports."""
    app.config.setdefault("SURVEY_MIN_GROUP", int(os.environ.get("SURVEY_MIN_GROUP", "5")))
    from app.workplace import models  # noqa: F401 - registers the tables
    from app.workplace.barometer_views import bp as barometer_bp
    from app.workplace.cli import workplace_cli
    from app.workplace.dialogue_views import bp as dialogue_bp
    from app.workplace.incident_views import bp as incidents_bp
    from app.workplace.providers import register_provider
    from app.workplace.reports_provider import ONLINE_FAILURES_READ, online_failures
    from app.workplace.site_views import bp as site_bp

    for blueprint in (incidents_bp, site_bp, barometer_bp, dialogue_bp):
        app.register_blueprint(blueprint)
    app.cli.add_command(workplace_cli)
    register_provider("online_failures", online_failures, ONLINE_FAILURES_READ)
    from app.accounts.privacy import register_eraser, register_exporter
    from app.workplace.privacy import erase_workplace, export_workplace

    register_exporter("workplace", export_workplace)
    register_eraser(erase_workplace)
    from app.accounts.signals import organisation_department_changed
    from app.workplace.summary import follow_department_change

    organisation_department_changed.connect(follow_department_change)
