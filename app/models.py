"""Every model, imported once so that db.metadata (and Alembic autogenerate) sees every table."""

from app.auth.models import User
from app.catalog.models import CatalogEdition, Medicine
from app.posts.models import Post, PostItem

__all__ = ["CatalogEdition", "Medicine", "Post", "PostItem", "User"]
