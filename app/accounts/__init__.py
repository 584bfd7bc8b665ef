"""Accounts: users, organisations, teams, sign-in, sessions, two-factor, privacy requests."""


def init_app(app):
    """Pages, commands, the user loader, and what common runs for accounts (retention, saved forms)."""
    from app.accounts import admin_views, hr_views, privacy_views, security_views, views
    from app.accounts.cli import orgs_cli, teams_cli, tokens_cli, users_cli
    from app.accounts.loader import init_login
    from app.accounts.privacy import purge_expired_tokens
    from app.accounts.sessions import pending_form_of_current_user
    from app.common.forms import register_pending_form_source
    from app.common.retention import register_purger
    from app.extensions import login_manager

    for blueprint in (views.bp, security_views.bp, privacy_views.bp, admin_views.bp, hr_views.bp):
        app.register_blueprint(blueprint)
    for group in (orgs_cli, teams_cli, users_cli, tokens_cli):
        app.cli.add_command(group)
    init_login(login_manager)
    register_purger(purge_expired_tokens)
    register_pending_form_source(pending_form_of_current_user)
    from app.accounts import proconnect

    proconnect.init_app(app)
