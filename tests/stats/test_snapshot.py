"""`medshare snapshot-stats`: counts up to yesterday at district x day, once a day."""

from datetime import timedelta

from sqlalchemy import select

from app.stats.models import StatsCell, StatsMedicineCell, StatsSnapshot
from tests.stats.conftest import AS_OF, CHAOYANG, FUTIAN, NANSHAN, NOW


def cells(db_session) -> list[StatsCell]:
    return list(db_session.scalars(select(StatsCell).order_by(StatsCell.area_code, StatsCell.kind)))


def test_a_snapshot_counts_each_district_day_channel_and_kind(db_session, posts, snapshot):
    posts(3, place=NANSHAN)
    posts(2, place=NANSHAN, kind="need")
    posts(1, place=CHAOYANG, status="resolved")
    report = snapshot()
    assert report.taken and report.as_of == AS_OF
    found = [
        (cell.day, cell.province_code, cell.city_code, cell.area_code, cell.kind, cell.posts)
        for cell in cells(db_session)
    ]
    assert found == [
        (AS_OF, "110000", "110000", "110105", "offer", 1),
        (AS_OF, "440000", "440300", "440305", "need", 2),
        (AS_OF, "440000", "440300", "440305", "offer", 3),
    ]
    [beijing] = [cell for cell in cells(db_session) if cell.area_code == "110105"]
    assert beijing.resolved == 1 and len(beijing.resolution_minutes) == 1
    medicines = db_session.scalars(select(StatsMedicineCell)).all()
    assert sum(cell.posts for cell in medicines) == 6
    assert {cell.medicine_code for cell in medicines} == {"ibuprofen"}


def test_today_and_posts_taken_down_or_deleted_are_not_counted(db_session, posts, snapshot):
    posts(1, day=AS_OF + timedelta(days=1))
    for status in ("held", "hidden", "removed", "withdrawn", "deleted"):
        posts(1, place=FUTIAN, status=status)
    posts(1, place=FUTIAN, status="expired")
    snapshot()
    assert [(cell.area_code, cell.posts) for cell in cells(db_session)] == [("440304", 1)]


def test_taking_it_again_the_same_day_changes_nothing(app, db_session, posts, snapshot):
    posts(2)
    first = snapshot()
    posts(5)
    again = snapshot()
    assert again.taken is False and again.as_of == first.as_of
    assert sum(cell.posts for cell in cells(db_session)) == 2
    runner = app.test_cli_runner()
    said = runner.invoke(args=["medshare", "snapshot-stats"])
    assert said.exit_code == 0 and "already taken, nothing changed" in said.output


def test_the_next_days_snapshot_replaces_the_last_and_counts_the_day_that_ended(
    db_session, posts, snapshot
):
    posts(2)
    posts(3, day=AS_OF + timedelta(days=1))
    snapshot()
    tomorrow = snapshot(NOW + timedelta(days=1))
    assert tomorrow.taken and tomorrow.as_of == AS_OF + timedelta(days=1)
    [kept] = db_session.scalars(select(StatsSnapshot)).all()
    assert kept.as_of == tomorrow.as_of
    assert sorted(cell.posts for cell in cells(db_session)) == [2, 3]
