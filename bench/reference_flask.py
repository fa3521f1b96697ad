"""The bare Flask reference for issue 7: the square's nearest-first page with plain psycopg 3
(a prepared statement) and orjson. Served by `make bench` with the same server command and
workers as ours (the Makefile's run target), with this module in place of wsgi:app."""

import threading

import psycopg
from flask import Flask, Response, request

from bench.reference_common import SQUARE_SQL, database_url, origin, page_json

app = Flask(__name__)
SQL = SQUARE_SQL.format(x="%(x)s", y="%(y)s")
# One connection per worker thread, opened on first use (after the server forks).
_local = threading.local()


def _connection() -> psycopg.Connection:
    if getattr(_local, "connection", None) is None:
        _local.connection = psycopg.connect(database_url(), autocommit=True)
    return _local.connection


@app.get("/api/v1/posts")
def square():
    lat, lng = float(request.args["lat"]), float(request.args["lng"])
    x, y = origin(lat, lng)
    rows = _connection().execute(SQL, {"x": x, "y": y}, prepare=True).fetchall()
    return Response(page_json(rows, lat, lng), mimetype="application/json")
