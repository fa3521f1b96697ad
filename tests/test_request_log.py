"""One JSON log line per request, with a request id, and never personal data."""

import json
import logging.config
import os
import re

import pytest

from app.request_log import new_request_id
from moderation.masking import redact_personal_data

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GRANIAN_LOG_CONFIG = os.path.join(ROOT, "app", "granian_logging.json")

PHONE = "13912345678"
ID_NUMBER = "11010519491231002X"
COORDINATES = ("113.93012", "22.54311")


def request_lines(records):
    return [line for line in records() if line["logger"] == "medshare.request"]


def test_each_request_logs_one_line_with_id_method_route_status_and_duration(client, log_records):
    response = client.get("/api/v1/medicines?include_unpostable=true")
    [line] = request_lines(log_records)
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", line["request_id"])
    assert line["method"] == "GET"
    assert line["route"] == "/api/v1/medicines"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float)


def test_a_callers_request_id_is_kept_and_returned(client, log_records):
    response = client.get("/healthz", headers={"X-Request-ID": "mini-program.42"})
    assert response.headers["X-Request-ID"] == "mini-program.42"
    assert request_lines(log_records)[0]["request_id"] == "mini-program.42"


@pytest.mark.parametrize(
    "offered", [f"phone {PHONE}", PHONE, f"req-{ID_NUMBER}", "x" * 129, '{"forged": true}', ""]
)
def test_a_request_id_that_could_smuggle_data_is_replaced(client, log_records, offered):
    response = client.get("/healthz", headers={"X-Request-ID": offered})
    returned = response.headers["X-Request-ID"]
    assert returned != offered
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", returned)
    assert request_lines(log_records)[0]["request_id"] == returned


def test_a_method_outside_http_is_redacted_in_the_request_line(client, log_records):
    client.open("/healthz", method=PHONE)
    [line] = request_lines(log_records)
    assert line["method"] == "[phone]"
    assert PHONE not in str(log_records())


def test_paths_and_queries_with_personal_data_are_not_logged(client, log_records):
    client.get(f"/api/v1/users/{PHONE}?lng={COORDINATES[0]}&lat={COORDINATES[1]}&id={ID_NUMBER}")
    client.get(f"/api/v1/medicines?phone={PHONE}&lng={COORDINATES[0]}")
    logged = str(log_records())
    for secret in (PHONE, ID_NUMBER, *COORDINATES):
        assert secret not in logged
    assert [line["route"] for line in request_lines(log_records)] == [
        "<unmatched>",
        "/api/v1/medicines",
    ]


def test_unexpected_errors_are_logged_without_personal_data(client, log_records):
    client.get("/api/v1/_probe/crash")
    records = log_records()
    errors = [line for line in records if line["level"] == "error"]
    assert errors and "RuntimeError" in errors[0]["exception"]
    for secret in (PHONE, *COORDINATES):
        assert secret not in str(records)


def test_database_errors_do_not_echo_bound_parameters(client, log_records):
    client.get("/api/v1/_probe/database-error")
    records = log_records()
    assert any("DataError" in line.get("exception", "") for line in records)
    assert PHONE not in str(records)


def test_generated_request_ids_never_look_like_phone_numbers():
    ids = [new_request_id() for _ in range(5000)]
    assert len(set(ids)) == len(ids)
    assert all(redact_personal_data(request_id) == request_id for request_id in ids)


def test_redaction_catches_the_forms_people_write_numbers_in():
    text = (
        "call 139 1234 5678 or +86-139-1234-5678 or 8613912345678, id 11010519491231002x, "
        "old id 110105491231002, at 22.543110 113.930120"
    )
    redacted = redact_personal_data(text)
    assert redacted == (
        "call [phone] or [phone] or [phone], id [id-number], "
        "old id [id-number], at [coordinate] [coordinate]"
    )


def test_redaction_leaves_ordinary_numbers_alone():
    text = "ibuprofen 4 tablets, 2 tests, order 20221208, 0.5 g, 36.8 degrees"
    assert redact_personal_data(text) == text


def test_granians_own_log_lines_are_json_and_redacted(capsys):
    """Granian logs a failed request's line, query string included, outside Flask: its log
    config (what `make run` passes with --log-config) routes that through JsonFormatter."""
    root = logging.getLogger()
    saved_root = (root.handlers[:], root.level)
    granian_logger = logging.getLogger("_granian")
    with open(GRANIAN_LOG_CONFIG, encoding="utf-8") as handle:
        config = json.load(handle)
    try:
        logging.config.dictConfig(config)
        granian_logger.error(
            "Error handling request /api/v1/x?phone=%s&lng=%s", PHONE, COORDINATES[0]
        )
        [line] = capsys.readouterr().err.splitlines()
    finally:
        for name in config["loggers"]:
            logging.getLogger(name).handlers.clear()
        root.handlers[:], root.level = saved_root
    entry = json.loads(line)
    assert entry["logger"] == "_granian"
    assert PHONE not in line and COORDINATES[0] not in line
    assert "[phone]" in entry["message"]
    # No access log: app.request_log writes one line per request, with the route, not the path.
    assert config["loggers"]["granian.access"]["level"] == "WARNING"


def test_make_run_serves_with_this_log_config():
    with open(os.path.join(ROOT, "Makefile"), encoding="utf-8") as handle:
        assert "--log-config app/granian_logging.json" in handle.read()


def test_lines_written_during_a_request_carry_its_request_id(client, log_records):
    client.get("/api/v1/_probe/crash", headers={"X-Request-ID": "trace-me-1"})
    lines = [line for line in log_records() if line["logger"] != "medshare.request"]
    assert lines and all(line["request_id"] == "trace-me-1" for line in lines)
