"""The peer a user might pick instead of Flask (issue 7): FastAPI + asyncpg + orjson under
uvicorn, serving the same nearest-first page as bench/reference_flask.py from the same SQL.
asyncpg prepares and caches the statement itself."""

from contextlib import asynccontextmanager

import asyncpg
from fastapi import FastAPI, Response

from bench.reference_common import SQUARE_SQL, database_url, origin, page_json

SQL = SQUARE_SQL.format(x="$1", y="$2")
POOL_SIZE = 8
state = {}


@asynccontextmanager
async def lifespan(_app: FastAPI):
    state["pool"] = await asyncpg.create_pool(database_url(), min_size=2, max_size=POOL_SIZE)
    yield
    await state["pool"].close()


app = FastAPI(lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None)


@app.get("/api/v1/posts")
async def square(lat: float, lng: float) -> Response:
    x, y = origin(lat, lng)
    rows = await state["pool"].fetch(SQL, x, y)
    return Response(page_json(rows, lat, lng), media_type="application/json")
