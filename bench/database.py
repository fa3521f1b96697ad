"""Database figures: EXPLAIN (ANALYZE, BUFFERS) of every square query shape, and pgbench of the
bare SQL nearest first, unfiltered and filtered by kind and medicine.

The SQL is the service's own (square_statement, as tests/square/test_query_plans.py takes it),
compiled with its values inlined for pgbench.
"""

import os
import re
import subprocess
import tempfile

from sqlalchemy.engine import make_url

from app.extensions import db
from app.posts.presenter import Reader
from app.square.areas import Radius
from app.square.cursor import Cursor
from app.square.service import SquareQuery, medicine_ids, square_statement
from geo.cities import busiest_cities
from geo.points import LonLat

# Far from every city's posts: the middle of the Taklamakan. A filtered KNN here walks its
# index until it has 20 matches, the worst case issue 7 asks about.
FAR = LonLat(83.0, 38.9)
PGBENCH_CLIENTS = 2
# About 1% of items (app/demo/data.yaml's lowest weight): its index entries are few and scattered.
RARE = "bromhexine"
# In the catalog but disabled (app/catalog), so in no post: a search for it finds nothing, and
# must learn that without walking other medicines' entries.
UNPOSTED = "dextromethorphan"


def _near(point, **filters) -> SquareQuery:
    return SquareQuery(sort="distance", reader=Reader(point), limit=20, **filters)


def _newest(point, **filters) -> SquareQuery:
    return SquareQuery(sort="time", reader=Reader(point), limit=20, **filters)


def shapes() -> list[tuple[str, SquareQuery]]:
    """Every shape of square query, at the busiest city's seat (and one far from the data)."""
    centre = busiest_cities()[0].center
    return [
        ("nearest, unfiltered", _near(centre)),
        ("nearest needs", _near(centre, kind="need")),
        ("nearest for the elderly", _near(centre, urgency=("elderly",))),
        ("nearest within 3 km", _near(centre, area=Radius(centre, 3000))),
        ("nearest of one medicine", _near(centre, medicines=("antigen-test",))),
        ("nearest offers of one medicine", _near(centre, kind="offer", medicines=("ibuprofen",))),
        (
            "nearest offers of three medicines",
            _near(centre, kind="offer", medicines=("antigen-test", "ibuprofen", "acetaminophen")),
        ),
        ("nearest next page", _near(centre, cursor=Cursor("distance", 1500.0, 10, 20))),
        ("newest, unfiltered", _newest(centre)),
        ("newest needs", _newest(centre, kind="need")),
        ("newest of two medicines", _newest(centre, medicines=("ibuprofen", "acetaminophen"))),
        ("nearest, far from the data", _near(FAR)),
        ("nearest offers of one medicine, far from the data", _pgbench_filtered()),
        ("nearest offers of a rare medicine, far from the data", _pgbench_filtered(RARE)),
        ("nearest offers of a medicine nobody posted", _pgbench_filtered(UNPOSTED)),
    ]


def _pgbench_filtered(medicine: str = "ibuprofen") -> SquareQuery:
    return _near(FAR, kind="offer", medicines=(medicine,))


def explain_all() -> list[dict]:
    """Per shape: execution and planning ms, buffers, indexes used, and the plan as text."""
    figures = []
    connection = db.session.connection()
    for name, query in shapes():
        compiled = square_statement(query, medicine_ids(query), query.limit).compile(
            dialect=connection.dialect
        )
        plan = connection.exec_driver_sql(
            "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + compiled.string, compiled.params
        ).scalar()[0]
        text_plan = (
            connection.exec_driver_sql(
                "EXPLAIN (ANALYZE, BUFFERS) " + compiled.string, compiled.params
            )
            .scalars()
            .all()
        )
        nodes = list(_nodes(plan["Plan"]))
        figures.append(
            {
                "shape": name,
                "execution_ms": plan["Execution Time"],
                "planning_ms": plan["Planning Time"],
                "shared_hit": plan["Plan"].get("Shared Hit Blocks", 0),
                "shared_read": plan["Plan"].get("Shared Read Blocks", 0),
                "indexes": sorted({n["Index Name"] for n in nodes if "Index Name" in n}),
                "seq_scans": sorted(
                    {n["Relation Name"] for n in nodes if n["Node Type"] == "Seq Scan"}
                ),
                "plan": "\n".join(text_plan),
            }
        )
    db.session.rollback()
    return figures


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def inline_sql(query: SquareQuery) -> str:
    """The service's statement for query with its values written in, for pgbench."""
    statement = square_statement(query, medicine_ids(query), query.limit)
    dialect = db.session.connection().dialect
    return str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def pgbench_pair(seconds: int) -> dict:
    """pgbench (PGBENCH_CLIENTS clients, prepared) of the unfiltered and the filtered query
    (offers of ibuprofen; and, for the record, of a rare medicine and of one nobody posted), all
    from FAR;
    filtered_over_unfiltered is the ratio of the first two's mean latencies."""
    url = make_url(db.engine.url.render_as_string(hide_password=False)).set(drivername="postgresql")
    conninfo = url.render_as_string(hide_password=False)
    figures = {}
    queries = (
        ("unfiltered", _near(FAR)),
        ("filtered", _pgbench_filtered()),
        ("filtered_rare", _pgbench_filtered(RARE)),
        ("filtered_unposted", _pgbench_filtered(UNPOSTED)),
    )
    for name, query in queries:
        figures[name] = _pgbench(conninfo, inline_sql(query), seconds)
        figures[name]["sql"] = inline_sql(query)
    figures["filtered_over_unfiltered"] = round(
        figures["filtered"]["latency_ms"] / figures["unfiltered"]["latency_ms"], 2
    )
    db.session.rollback()
    return figures


def pgbench_runs(seconds: int, runs: int) -> dict:
    """pgbench_pair `runs` times: the figures of each, and filtered_over_unfiltered as the
    median of the runs with their spread (lowest, highest), since one run on a shared machine
    moves by more than the target's margin."""
    each = [pgbench_pair(seconds) for _ in range(runs)]
    ratios = sorted(run["filtered_over_unfiltered"] for run in each)
    return {
        **each[len(each) // 2],
        "runs": each,
        "filtered_over_unfiltered": ratios[len(ratios) // 2],
        "filtered_over_unfiltered_spread": [ratios[0], ratios[-1]],
    }


def _pgbench(conninfo: str, sql: str, seconds: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(" ".join(sql.split()) + ";\n")
    try:
        output = subprocess.run(
            [
                "pgbench",
                "-n",
                "-M",
                "prepared",
                "-c",
                str(PGBENCH_CLIENTS),
                "-j",
                str(PGBENCH_CLIENTS),
                "-T",
                str(seconds),
                "-f",
                script.name,
                conninfo,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    tps = float(re.search(r"tps = ([0-9.]+)", output).group(1))
    latency = float(re.search(r"latency average = ([0-9.]+) ms", output).group(1))
    return {"tps": round(tps, 1), "latency_ms": latency}


def versions() -> dict:
    """PostgreSQL's and PostGIS's versions, for the report."""
    connection = db.session.connection()
    found = {
        "postgresql": connection.exec_driver_sql("SHOW server_version").scalar(),
        "postgis": connection.exec_driver_sql("SELECT postgis_lib_version()").scalar(),
    }
    db.session.rollback()
    return found
