"""Consistent SQLite backups while writes go on (online backup API), and checked restores."""
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(RuntimeError):
    pass


def sqlite_path(database_uri):
    url = make_url(database_uri)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise BackupError(
            "flask backup ne gère que SQLite ; pour PostgreSQL, utilisez pg_dump et pg_restore (voir le README)."
        )
    return Path(url.database)


def backup_sqlite(database_uri, target):
    """Copy the live database page by page with SQLite's backup API; returns the table row counts."""
    source_path = sqlite_path(database_uri)
    target = Path(target)
    if target.exists():
        raise BackupError(f"Le fichier {target} existe déjà.")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
    destination = sqlite3.connect(target)
    try:
        # 256 pages per step lets writers in between steps; SQLite restarts the copy if the
        # source changes, so the result is one consistent snapshot.
        source.backup(destination, pages=256)
        check_integrity(destination)
        return row_counts(destination)
    finally:
        destination.close()
        source.close()


def check_integrity(connection):
    result = connection.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise BackupError(f"Contrôle d'intégrité en échec : {result}")


def row_counts(connection):
    names = [r[0] for r in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )]
    counts = {}
    for name in names:
        try:
            counts[name] = connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # noqa: S608  # nosec B608
        except sqlite3.OperationalError:
            continue  # virtual-table shadow tables of other modules
    return counts


def restore_sqlite(backup_file, database_uri, force=False):
    """Check the backup's integrity, then copy it over the configured database."""
    backup_file = Path(backup_file)
    if not backup_file.exists():
        raise BackupError(f"Sauvegarde introuvable : {backup_file}")
    target_path = sqlite_path(database_uri)
    if target_path.exists() and not force:
        raise BackupError("La base existe : relancez avec --force pour la remplacer (les données actuelles seront perdues).")
    source = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    try:
        check_integrity(source)
        target = sqlite3.connect(target_path, timeout=30)
        try:
            source.backup(target)
            check_integrity(target)
            return row_counts(target)
        finally:
            target.close()
    finally:
        source.close()
