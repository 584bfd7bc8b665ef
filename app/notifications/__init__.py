"""Notifications: in-app notifications and the e-mail outbox."""


def init_app(app):
    """The outbox command and job, retention, and the unread count memoised per request."""
    from app.common.jobs import register_job
    from app.common.request_cache import register_request_cache_key
    from app.common.retention import register_purger
    from app.notifications.cli import outbox_cli
    from app.notifications.services import UNREAD_KEY, deliver_outbox, purge_notifications

    app.cli.add_command(outbox_cli)
    register_job("outbox", deliver_outbox)
    register_purger(purge_notifications)
    register_request_cache_key(UNREAD_KEY)
