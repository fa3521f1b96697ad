"""What Alembic compares and how it renders revisions: shared by env.py and the drift test."""

import os

from geoalchemy2 import alembic_helpers

MIGRATIONS_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir, "migrations"))

# PostGIS and its optional parts own these tables; they are not ours to migrate.
EXTENSION_TABLES = frozenset({"spatial_ref_sys", "geometry_columns", "geography_columns"})


def include_object(obj, name, obj_type, reflected, compare_to) -> bool:
    if obj_type == "table" and name in EXTENSION_TABLES:
        return False
    return alembic_helpers.include_object(obj, name, obj_type, reflected, compare_to)


def context_options() -> dict:
    """Options for alembic's context.configure / MigrationContext.configure."""
    return {
        "include_object": include_object,
        "render_item": alembic_helpers.render_item,
        "compare_type": True,
        "compare_server_default": True,
    }
