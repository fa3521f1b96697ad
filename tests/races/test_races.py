"""Requests that race for the same row: exactly one wins, the others get a clear 409 problem
(or the first answer again), never a 500, a 503 or a deadlock. Each race runs a few times."""

import pytest
from sqlalchemy import func, select

from app.auth.models import User
from app.extensions import db
from app.moderation.models import AuditEntry, ModerationCase
from app.posts.models import IdempotencyKey, Post
from tests.moderation.items import CLEAN_NOTE
from tests.posts.conftest import need_body, offer_body
from tests.races.conftest import at_once

POSTS = "/api/v1/posts"
PROBLEM = "application/problem+json"
ATTEMPTS = range(3)


def problem_code(response) -> str:
    assert response.mimetype == PROBLEM, response.get_data(as_text=True)
    return response.get_json()["code"]


def statuses(responses) -> list[int]:
    return sorted(response.status_code for response in responses)


@pytest.fixture
def post_of(client_of):
    """A post on the square made by the poster with these headers; returns its id."""

    def post_of(headers, body=None):
        made = client_of().post(POSTS, json=body or offer_body(note=CLEAN_NOTE), headers=headers)
        assert made.status_code == 201, made.get_json()
        return made.get_json()["id"]

    return post_of


@pytest.fixture
def reported_case(race_app, poster, client_of):
    """Report a post as a new user; returns the id of the queue item the report opened."""

    def reported_case(post_id: int) -> int:
        _reporter, headers = poster()
        answer = client_of().post(
            f"{POSTS}/{post_id}/reports", json={"reason": "fake", "note": ""}, headers=headers
        )
        assert answer.status_code == 201, answer.get_json()
        with race_app.app_context():
            return db.session.scalar(
                select(ModerationCase.id).where(
                    ModerationCase.post_id == post_id, ModerationCase.state == "open"
                )
            )

    return reported_case


@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_two_moderators_claiming_one_item_leave_it_to_one(
    attempt, race_app, poster, post_of, reported_case, moderator
):
    _user, headers = poster()
    case_id = reported_case(post_of(headers))
    first, second = moderator(), moderator()

    answers = at_once(lambda: first.claim(case_id), lambda: second.claim(case_id))

    assert statuses(answers) == [200, 409]
    refused = next(answer for answer in answers if answer.status_code == 409)
    assert problem_code(refused) == "case_claimed"
    winner = first if answers[0].status_code == 200 else second
    with race_app.app_context():
        case = db.session.get(ModerationCase, case_id)
        claims = db.session.scalar(
            select(func.count()).where(AuditEntry.case_id == case_id, AuditEntry.action == "claim")
        )
        assert (case.claimer.username, claims) == (winner.username, 1)


@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_a_post_resolved_twice_at_once_is_resolved_once(
    attempt, race_app, poster, post_of, client_of
):
    _user, headers = poster()
    post_id = post_of(headers)

    answers = at_once(
        *(lambda: client_of().post(f"{POSTS}/{post_id}/resolve", headers=headers),) * 2
    )

    # Resolving again is documented as changing nothing: the second gets the first's answer.
    assert statuses(answers) == [200, 200]
    assert {answer.get_json()["status"] for answer in answers} == {"resolved"}
    assert len({answer.get_json()["resolved_at"] for answer in answers}) == 1
    with race_app.app_context():
        assert db.session.get(Post, post_id).status == "resolved"


@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_creates_racing_the_open_post_limit_make_exactly_the_limit(
    attempt, race_app, poster, client_of
):
    user_id, headers = poster()
    limit = race_app.config["OPEN_POSTS_PER_USER"]

    answers = at_once(
        *(lambda: client_of().post(POSTS, json=need_body(), headers=headers),) * (limit + 2)
    )

    assert statuses(answers) == [201] * limit + [409, 409]
    assert {problem_code(a) for a in answers if a.status_code == 409} == {"too_many_open_posts"}
    with race_app.app_context():
        made = db.session.scalar(select(func.count()).where(Post.user_id == user_id))
        assert made == limit


@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_one_idempotency_key_from_two_clients_makes_one_post(attempt, race_app, poster, client_of):
    user_id, headers = poster()
    keyed = {**headers, "Idempotency-Key": f"race-{attempt}"}

    answers = at_once(*(lambda: client_of().post(POSTS, json=need_body(), headers=keyed),) * 2)

    with race_app.app_context():
        [post_id] = db.session.scalars(select(Post.id).where(Post.user_id == user_id)).all()
        keys = db.session.scalar(select(func.count()).where(IdempotencyKey.user_id == user_id))
    assert keys == 1
    assert 201 in statuses(answers)
    for answer in answers:
        if answer.status_code == 201:
            assert answer.get_json()["id"] == post_id
        else:
            # The other was sent while the first held the key: it may send again.
            assert (answer.status_code, problem_code(answer)) == (409, "idempotency_key_in_flight")


@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_two_bans_of_one_poster_from_two_items_at_once_ban_once_without_a_deadlock(
    attempt, race_app, poster, post_of, reported_case, moderator
):
    poster_id, headers = poster()
    post_ids = [post_of(headers), post_of(headers, offer_body(note=CLEAN_NOTE + "，第二盒"))]
    case_ids = [reported_case(post_id) for post_id in post_ids]
    moderators = [moderator(), moderator()]
    versions = [
        staff.claim(case_id).get_json()["version"]
        for staff, case_id in zip(moderators, case_ids, strict=True)
    ]

    answers = at_once(
        *(
            lambda staff=staff, case_id=case_id, version=version: staff.decide(
                case_id, "ban", version
            )
            for staff, case_id, version in zip(moderators, case_ids, versions, strict=True)
        )
    )

    assert statuses(answers) == [200, 409], [answer.get_json() for answer in answers]
    refused = next(answer for answer in answers if answer.status_code == 409)
    assert problem_code(refused) == "decision_not_applicable"
    with race_app.app_context():
        assert db.session.get(User, poster_id).status == "banned"
        assert {db.session.get(Post, post_id).status for post_id in post_ids} == {"removed"}
        bans = db.session.scalar(
            select(func.count()).where(
                AuditEntry.case_id.in_(case_ids), AuditEntry.action == "decide.ban"
            )
        )
        assert bans == 1
