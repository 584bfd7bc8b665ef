"""SCORM package modules: safe import, manifest checks, the player and its run-time data (CMI)."""


def init_app(flask_app):
    """Register the player, its commit endpoint and the package files' path."""
    from app.accounts.privacy import register_eraser, register_exporter
    from app.training.packages import (
        models,  # noqa: F401 - registers the tables
        views,
    )
    from app.training.packages.runtime import erase_attempts, export_attempts
    from app.training.packages.views import bp, content_bp

    flask_app.config.setdefault("SCORM_STORAGE_DIR", None)
    register_exporter("scorm_packages", export_attempts)
    register_eraser(erase_attempts)
    from app.extensions import csrf

    # The commit endpoint checks its CSRF token itself (header, or body of the final beacon).
    csrf.exempt(views.commit)
    flask_app.register_blueprint(bp)
    flask_app.register_blueprint(content_bp)
    flask_app.register_blueprint(views.admin_bp)
