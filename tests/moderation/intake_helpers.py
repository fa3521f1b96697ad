"""What users do that puts a post in front of moderators, over the API: report, appeal, read."""

from sqlalchemy import select

from app.auth.models import User, UserVerification
from app.extensions import db
from app.moderation.models import ModerationCase, Report
from moderation.screening import load_rules
from tests.conftest import bearer

POSTS = "/api/v1/posts"
RULES = load_rules()


def rule_case(rule_id: str, side: str = "hits", index: int = 0) -> str:
    """A case written for the rule in moderation/data/screening-rules.yaml."""
    [rule] = [rule for rule in RULES.rules if rule.id == rule_id]
    return rule.cases[side][index]


def users(sign_in, count: int, name: str = "举报人", *, levels=("identity",)) -> list[dict]:
    """Sign in count new users verified to levels (real-name verified unless told); returns
    each one's request headers."""
    return [
        bearer(
            sign_in(
                User(
                    display_name=f"{name}{index}",
                    verifications=[
                        UserVerification(level=level, provider="test") for level in levels
                    ],
                )
            )[1].access_token
        )
        for index in range(count)
    ]


def report(client, headers: dict, post_id: int, reason: str = "trading", note: str = ""):
    return client.post(
        f"{POSTS}/{post_id}/reports", json={"reason": reason, "note": note}, headers=headers
    )


def appeal(client, headers: dict, post_id: int, note: str = "请再看一下，我是免费送的"):
    return client.post(f"{POSTS}/{post_id}/appeal", json={"note": note}, headers=headers)


def read(client, post_id: int, headers: dict | None = None):
    return client.get(f"{POSTS}/{post_id}", headers=headers or {})


def open_case(post_id: int) -> ModerationCase | None:
    """The post's open case as committed, read afresh."""
    db.session.expire_all()
    return db.session.scalar(
        select(ModerationCase).where(
            ModerationCase.post_id == post_id, ModerationCase.state == "open"
        )
    )


def cases_of(post_id: int) -> list[ModerationCase]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(ModerationCase)
            .where(ModerationCase.post_id == post_id)
            .order_by(ModerationCase.id)
        )
    )


def reports_on(post_id: int) -> list[Report]:
    return list(db.session.scalars(select(Report).where(Report.post_id == post_id)))


def problem(response, status: int, code: str) -> dict:
    """Assert the answer is the problem+json of that status and code; returns its body."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["code"] == code, body
    return body
