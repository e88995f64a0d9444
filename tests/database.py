"""Resetting the real databases: what CKAN's clean_db does, plus the plugins' own tables."""
from __future__ import annotations

from collections.abc import Callable

# The plugins of test.ini that have migrations of their own.
MIGRATED_PLUGINS = ("activity", "harvest", "pm25")


def reset_database(reset_db: Callable[[], None], migrate: Callable[[str], None]) -> None:
    """An empty CKAN database with every migrated plugin's tables (``migrate``: CKAN's ``migrate_db_for``).

    CKAN's reset drops every table only the first time in a session; after that it deletes the
    rows and keeps the tables, the plugins' ones (at their head revision) included. The plugins'
    migrations then have nothing to do, and asking alembic so costs about a second per reset, so
    they run only after a reset that dropped the tables."""
    from ckan import model

    tables_kept = model.repo.tables_created_and_initialised
    reset_db()
    if not tables_kept:
        for plugin in MIGRATED_PLUGINS:
            migrate(plugin)


def reset_stores(reset_db: Callable[[], None], reset_index: Callable[[], None],
                 migrate: Callable[[str], None], *, datastore: bool = False) -> None:
    """What clean_db and clean_index (and, with ``datastore``, clean_datastore) do, for
    module-scoped fixtures that build their data once."""
    reset_database(reset_db, migrate)
    reset_index()
    if datastore:
        reset_datastore()


def reset_datastore() -> None:
    """Every DataStore table dropped, as CKAN's ``clean_datastore`` does, for module-scoped fixtures."""
    import ckanext.datastore.tests.helpers as datastore_helpers

    engine = datastore_helpers.db.get_write_engine()
    datastore_helpers.rebuild_all_dbs(datastore_helpers.orm.scoped_session(
        datastore_helpers.orm.sessionmaker(bind=engine)))
