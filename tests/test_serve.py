"""What `make run` serves (app/serve.py) is the app, built before its first request."""

from app import serve
from geo.districts import mainland_outline


def test_the_served_module_is_a_ready_app_with_the_mainland_outline_built():
    assert serve.app.test_client().get("/healthz").status_code == 200
    assert mainland_outline.cache_info().currsize == 1
