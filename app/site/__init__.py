"""The site shell: home pages per role, health checks, the header's navigation."""


def init_app(app):
    from flask_login import current_user

    from app.site.views import bp

    app.register_blueprint(bp)

    @app.context_processor
    def navigation():
        from app.notifications.services import unread_count
        from app.site.navigation import main_navigation

        # The user itself, once: every read through the current_user proxy looks it up again.
        user = current_user._get_current_object()
        count = 0
        if user is not None and user.is_authenticated:
            try:
                count = unread_count(user)
            except Exception:  # noqa: BLE001 - the header must render even if the count fails
                count = 0
        return {
            "unread_notifications": count,
            "main_navigation": lambda: main_navigation(user),
        }
