"""The public note is written with the post and read as stored; `remask` brings rows masked
under older rules up to date."""

from sqlalchemy import update

from app.areas.models import District
from app.areas.service import load_districts
from app.cli import medshare_cli
from app.posts.areas import rename_areas
from app.posts.models import Post
from app.posts.public import public_note_of, remask, write_note
from moderation.masking import MASKING_VERSION, mask_personal_data
from tests.factories import make_post
from tests.posts.conftest import POSTS, offer_body

NOTE = "多买了，电话 13912345678，微信 wx_liu2022"


def test_a_new_post_stores_its_masked_note_with_the_rules_version(poster, create, db_session):
    _, headers = poster()
    created = create(headers, {**offer_body(), "note": NOTE})
    post = db_session.get(Post, created.json["id"])
    assert post.public_note == mask_personal_data(NOTE) != NOTE
    assert post.masking_version == MASKING_VERSION
    assert post.hand_masked_note is None


def test_reads_show_the_stored_public_note_and_never_mask(client, poster, db_session):
    user, _ = poster()
    post = make_post(user, note=NOTE)
    # Stored text that masking would never produce: a read that masked would not show it.
    db_session.execute(update(Post).where(Post.id == post.id).values(public_note="（已隐藏）"))
    db_session.commit()
    square = client.get(POSTS).json["posts"]
    assert [shown["note"] for shown in square if shown["id"] == post.id] == ["（已隐藏）"]
    assert client.get(f"{POSTS}/{post.id}").json["note"] == "（已隐藏）"


def test_remask_masks_again_only_rows_of_an_older_version(poster, db_session):
    user, _ = poster()
    stale, by_hand, current = (make_post(user, note=NOTE) for _ in range(3))
    write_note(by_hand, NOTE, hand_masked_note="多买了，电话 ***********，微信 wx_liu2022")
    current.public_note = "kept as it is"
    db_session.flush()
    db_session.execute(
        update(Post)
        .where(Post.id.in_([stale.id, by_hand.id]))
        .values(public_note="", masking_version=MASKING_VERSION - 1)
    )
    assert remask(batch=1) == 2
    db_session.expire_all()
    assert stale.public_note == mask_personal_data(NOTE)
    # A moderator's masking is masked again: newer rules hide what it left (the handle).
    assert by_hand.public_note == public_note_of(NOTE, by_hand.hand_masked_note)
    assert "wx_liu2022" not in by_hand.public_note and "*" * 11 in by_hand.public_note
    assert {stale.masking_version, by_hand.masking_version} == {MASKING_VERSION}
    assert current.public_note == "kept as it is"
    assert remask(batch=100) == 0


def test_the_remask_command_reports_what_it_wrote(app, poster, db_session):
    user, _ = poster()
    post = make_post(user, note=NOTE)
    db_session.execute(update(Post).where(Post.id == post.id).values(masking_version=0))
    result = app.test_cli_runner().invoke(medshare_cli, ["remask"])
    assert result.exit_code == 0, result.output
    assert result.output == "posts: 1 public notes masked again\n"


def test_make_run_remasks_after_migrating():
    with open("Makefile", encoding="utf-8") as handle:
        makefile = handle.read()
    assert "$(FLASK) db upgrade\n\t$(FLASK) medshare remask\n" in makefile


def test_a_posts_area_name_follows_its_division_when_the_districts_are_reloaded(poster, db_session):
    user, _ = poster()
    post = make_post(user)
    assert post.area_name == "黄浦区"
    db_session.execute(update(Post).where(Post.id == post.id).values(area_name="旧名"))
    db_session.execute(
        update(District).where(District.code == post.area_code).values(name_zh="旧名")
    )
    load_districts()
    assert rename_areas() == 1
    db_session.expire_all()
    assert post.area_name == "黄浦区"
