"""Alembic environment: migrations connect as the owner role (DATABASE_OWNER_URL)."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app
from geoalchemy2 import alembic_helpers
from sqlalchemy import create_engine, pool

from app.migration_options import context_options

config = context.config
# Keep loggers configured before Alembic ran (the app's JSON request log, when run in-process).
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")
target_metadata = current_app.extensions["migrate"].db.metadata
owner_url = current_app.config["DATABASE_OWNER_URL"]


def skip_empty_autogenerate(migration_context, revision, directives):
    alembic_helpers.writer(migration_context, revision, directives)
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def run_migrations_offline():
    context.configure(
        url=owner_url, target_metadata=target_metadata, literal_binds=True, **context_options()
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    engine = create_engine(owner_url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            process_revision_directives=skip_empty_autogenerate,
            **context_options(),
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
