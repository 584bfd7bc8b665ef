"""Sign-in with ProConnect (OpenID Connect), off unless the PROCONNECT_* settings are set."""


def init_app(app):
    """Register the blueprint, the 404 guard (settings unset), the template flags, the eraser and the purger."""
    from app.accounts.privacy import register_eraser, register_exporter
    from app.accounts.proconnect import models  # noqa: F401 - registers the tables
    from app.accounts.proconnect.client import is_enabled
    from app.accounts.proconnect.services import (
        erase_proconnect,
        export_proconnect,
        purge_proconnect_sessions,
    )
    from app.accounts.proconnect.views import HANDLE, bp, hide_when_disabled
    from app.common.retention import register_purger

    app.register_blueprint(bp)
    # Runs before the access rules, so that a hidden route is a 404 for everyone.
    app.before_request(hide_when_disabled)
    register_eraser(erase_proconnect)
    register_exporter("proconnect", export_proconnect)
    register_purger(purge_proconnect_sessions)

    @app.context_processor
    def proconnect_flags():
        from flask import has_request_context, session

        return {
            "proconnect_enabled": is_enabled(app),
            "proconnect_session": has_request_context() and bool(session.get(HANDLE)),
        }
