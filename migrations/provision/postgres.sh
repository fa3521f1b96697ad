#!/usr/bin/env bash
# Makes sure PostgreSQL with PostGIS is installed and listening on 127.0.0.1:5432, then creates the
# MedShare roles and each database named on the command line. Safe to run again: it only does
# what is missing. Needs root on a fresh Debian machine (apt-get, and runuser to reach postgres).
#
#   migrations/provision/postgres.sh medshare [more databases...]
#   migrations/provision/postgres.sh --fresh medshare_test_browser
#
# --fresh drops each named database first (closing its connections), for a test whose rows are
# committed and cannot be deleted afterwards (the audit trail refuses DELETE).
#
# PGADMIN_URL, if set, is a superuser connection string used instead of the local postgres user,
# for a server this script did not start (it then installs and starts nothing).
#
# PG_CLUSTER and PG_PORT name another local cluster than main on 5432, made if missing: `make
# fault` stops and restarts a cluster of its own (PG_CLUSTER=fault PG_PORT=5439), never main.
set -euo pipefail

PG_HOST=127.0.0.1
PG_PORT=${PG_PORT:-5432}
PG_CLUSTER=${PG_CLUSTER:-main}
# psql as postgres reaches the cluster's socket by its port.
export PGPORT=$PG_PORT
OWNER_ROLE=medshare_owner
OWNER_PASSWORD=${MEDSHARE_DB_OWNER_PASSWORD:-medshare_owner}
APP_ROLE=medshare_app
APP_PASSWORD=${MEDSHARE_DB_APP_PASSWORD:-medshare_app}
HERE=$(cd "$(dirname "$0")" && pwd)
# Everything below runs from /, and nothing run as postgres opens a file of the checkout: a clone
# may live where only root may enter (root's home is mode 700), and postgres programs started
# from there fail to enter their working directory.
cd /
apt_updated=""
fresh=""
if [ "${1:-}" = "--fresh" ]; then
  fresh=1
  shift
fi

say() { echo "provision: $*" >&2; }

apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    say "need root to install $*"; exit 1
  fi
  if [ -z "$apt_updated" ]; then
    say "apt-get update"
    apt-get update -qq
    apt_updated=1
  fi
  say "installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

listening() { (exec 3<>"/dev/tcp/$PG_HOST/$PG_PORT") 2>/dev/null; }

ensure_local_server() {
  if ! compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null; then
    apt_install postgresql postgresql-contrib
  fi
  local version
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  installed "postgresql-$version-postgis-3" || apt_install "postgresql-$version-postgis-3"
  if listening; then
    return
  fi
  if ! pg_lsclusters -h | awk -v v="$version" -v c="$PG_CLUSTER" '$1 == v && $2 == c' | grep -q .; then
    say "creating cluster $version/$PG_CLUSTER on port $PG_PORT"
    pg_createcluster "$version" "$PG_CLUSTER" -p "$PG_PORT" >/dev/null
  fi
  say "starting cluster $version/$PG_CLUSTER"
  pg_ctlcluster "$version" "$PG_CLUSTER" start
  for _ in $(seq 1 30); do listening && return; sleep 1; done
  say "PostgreSQL did not start listening on $PG_HOST:$PG_PORT"; exit 1
}

# psql as a superuser, reading its SQL from standard input: root opens the file and hands it
# over, since the postgres user may not read the checkout (see the cd above).
admin_psql() {
  if [ -n "${PGADMIN_URL:-}" ]; then
    psql "$PGADMIN_URL" "$@"
  else
    # Peer authentication over the local socket; the database server never runs as root.
    runuser -u postgres -- psql --quiet "$@"
  fi
}

if [ -z "${PGADMIN_URL:-}" ]; then
  ensure_local_server
fi

for database in "$@"; do
  if [ -n "$fresh" ]; then
    echo 'SET client_min_messages = warning; DROP DATABASE IF EXISTS :"dbname" WITH (FORCE);' |
      admin_psql --no-psqlrc -v ON_ERROR_STOP=1 -v dbname="$database" >/dev/null
    say "database $database dropped, to be made afresh"
  fi
  admin_psql --no-psqlrc -v ON_ERROR_STOP=1 \
    -v dbname="$database" \
    -v owner_role="$OWNER_ROLE" -v owner_password="$OWNER_PASSWORD" \
    -v app_role="$APP_ROLE" -v app_password="$APP_PASSWORD" \
    <"$HERE/database.sql" >/dev/null
  say "database $database ready (owner $OWNER_ROLE, runtime role $APP_ROLE)"
done
