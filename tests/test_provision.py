"""The provisioning script works from a clone only root may enter, such as one in /root.

postgres may not enter a mode-700 folder, so nothing the script runs as postgres may read the
checkout or start in it. The test copies the script into such a folder, runs it from there (as
`make run` would from a clone in root's home) and checks the database it named exists.
"""

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PROVISION = Path(__file__).resolve().parent.parent / "migrations" / "provision"


def _as_postgres(sql: str) -> None:
    subprocess.run(
        [
            "runuser",
            "-u",
            "postgres",
            "--",
            "psql",
            "--quiet",
            "--no-psqlrc",
            "-v",
            "ON_ERROR_STOP=1",
        ],
        input=sql,
        text=True,
        cwd="/",
        check=True,
        capture_output=True,
    )


@pytest.fixture
def database_name(app):
    name = make_url(app.config["DATABASE_OWNER_URL"]).database + "_provision"
    drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE);'
    _as_postgres(drop)
    yield name
    _as_postgres(drop)


@pytest.fixture
def clone_only_root_may_enter(tmp_path):
    home = tmp_path / "root-home"
    clone = home / "medshare"
    shutil.copytree(PROVISION, clone / "migrations" / "provision")
    home.chmod(0o700)
    # The premise: postgres cannot look inside, as in a clone under /root.
    refused = subprocess.run(
        ["runuser", "-u", "postgres", "--", "test", "-r", str(clone / "migrations")], check=False
    )
    assert refused.returncode != 0
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    return clone


def test_provisioning_from_a_clone_postgres_cannot_enter_makes_the_database(
    app, database_name, clone_only_root_may_enter
):
    assert os.geteuid() == 0, "make test runs as root, as the provisioning script needs"
    finished = subprocess.run(
        ["migrations/provision/postgres.sh", database_name],
        cwd=clone_only_root_may_enter,
        capture_output=True,
        text=True,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    assert "Permission denied" not in finished.stderr
    assert f"database {database_name} ready" in finished.stderr

    owner_url = make_url(app.config["DATABASE_OWNER_URL"]).set(database=database_name)
    engine = create_engine(owner_url)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT current_database()")).scalar() == database_name
            extensions = set(connection.execute(text("SELECT extname FROM pg_extension")).scalars())
    finally:
        engine.dispose()
    assert {"postgis", "btree_gist"} <= extensions


def test_redis_provisioning_runs_from_a_clone_others_cannot_enter(clone_only_root_may_enter):
    finished = subprocess.run(
        ["migrations/provision/redis.sh"],
        cwd=clone_only_root_may_enter,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "REDIS_URL": "redis://127.0.0.1:6379/0"},
    )
    assert finished.returncode == 0, finished.stderr
    assert "redis ready on 127.0.0.1:6379" in finished.stderr
