"""Staff accounts for the catalog's administration tests."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.staff import service
from app.staff.models import StaffAccount

PASSWORD = "correct horse battery staple"


def _account(username: str, role: str) -> StaffAccount:
    service.create_staff(username, role, PASSWORD)
    return db.session.scalars(select(StaffAccount).filter_by(username=username)).one()


@pytest.fixture
def admin(db_session) -> StaffAccount:
    return _account("admin.wang", "admin")


@pytest.fixture
def moderator(db_session) -> StaffAccount:
    return _account("mod.li", "moderator")
