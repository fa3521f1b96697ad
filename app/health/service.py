"""Liveness and readiness checks."""

import functools

from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.migration_options import MIGRATIONS_DIR


@functools.cache
def migration_heads() -> frozenset[str]:
    """The head revisions of the migrations shipped with this code."""
    config = AlembicConfig()
    config.set_main_option("script_location", MIGRATIONS_DIR)
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def readiness() -> dict[str, bool]:
    """Whether the database answers, has PostGIS, and is migrated to this code's head.

    Returns:
        check name -> passed, for "database", "postgis" and "migrations".
    """
    checks = {"database": False, "postgis": False, "migrations": False}
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            checks["database"] = True
            checks["postgis"] = bool(
                connection.scalar(
                    text("SELECT count(*) FROM pg_extension WHERE extname = 'postgis'")
                )
            )
            if connection.scalar(text("SELECT to_regclass('alembic_version') IS NOT NULL")):
                applied = connection.scalars(text("SELECT version_num FROM alembic_version"))
                checks["migrations"] = frozenset(applied) == migration_heads()
    except SQLAlchemyError:
        pass
    return checks
