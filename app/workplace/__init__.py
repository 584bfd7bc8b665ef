"""Working conditions at the desk (« conditions de travail »): incidents, workstation and site
checklist, barometer, indicators and the quarterly file for social dialogue."""
import os


def init_app(app):
    """Register the domain: settings, models, blueprints, providers, reminders."""
    app.config.setdefault("SURVEY_MIN_GROUP", int(os.environ.get("SURVEY_MIN_GROUP", "5")))
    from app.workplace import (
        models,  # noqa: F401 - registers the tables
        providers,
    )
    from app.workplace.incident_views import bp as incidents_bp
    from app.workplace.reports_provider import online_failures

    app.register_blueprint(incidents_bp)
    for module in ("site_views", "barometer_views", "dialogue_views"):
        try:
            blueprint = __import__(f"app.workplace.{module}", fromlist=["bp"]).bp
        except ModuleNotFoundError:
            continue
        app.register_blueprint(blueprint)
    providers.register_provider("online_failures", online_failures)
