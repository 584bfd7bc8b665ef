"""Audit: the append-only log every service writes to."""


def init_app(app):
    """Old audit rows go with retention; a purge that deleted something is itself audited."""
    from app.audit.services import install_write_tracking, purge_audit_log, record_purge
    from app.common.retention import register_purge_recorder, register_purger

    install_write_tracking()
    register_purger(purge_audit_log)
    register_purge_recorder(record_purge)
