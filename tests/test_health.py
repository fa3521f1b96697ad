"""Liveness and readiness probes."""

from app import create_app


def test_healthz_answers_while_the_process_lives(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_reports_each_check_when_ready(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ready",
        "checks": {"database": True, "postgis": True, "migrations": True},
    }


def test_readyz_answers_503_problem_when_the_database_is_unreachable():
    app = create_app(
        "test", SQLALCHEMY_DATABASE_URI="postgresql+psycopg2://nobody:x@127.0.0.1:1/none"
    )
    response = app.test_client().get("/readyz", headers={"Accept-Language": "en"})
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    body = response.get_json(force=True)
    assert body["code"] == "service_unavailable"
    assert "database" in body["detail"]
