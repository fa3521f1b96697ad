#!/usr/bin/env bash
# Makes sure Redis (Debian's redis-server), where the API's rate limits are counted, is installed
# and answering on 127.0.0.1:6379. Safe to run again: it only does what is missing. Needs root on
# a fresh Debian machine (apt-get, and runuser to start the server as the redis user).
#
#   migrations/provision/redis.sh
#
# REDIS_URL, if set to anything but the local default, names a server this script did not start:
# it then installs and starts nothing.
set -euo pipefail

REDIS_HOST=127.0.0.1
REDIS_PORT=6379
# Debian's own configuration (daemonize, pid file, log file, /var/lib/redis), as its service
# would use it; there is no systemd here to start the service.
REDIS_CONF=/etc/redis/redis.conf
# Like postgres.sh: nothing run as another user may need the checkout, which may sit where only
# root may enter.
cd /

say() { echo "provision: $*" >&2; }

listening() { (exec 3<>"/dev/tcp/$REDIS_HOST/$REDIS_PORT") 2>/dev/null; }

case "${REDIS_URL:-redis://$REDIS_HOST:$REDIS_PORT/0}" in
  "redis://$REDIS_HOST:$REDIS_PORT"*) ;;
  *) say "REDIS_URL names another server; leaving it to whoever runs it"; exit 0 ;;
esac

if ! command -v redis-server >/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then
    say "need root to install redis-server"; exit 1
  fi
  say "installing redis-server"
  apt-get update -qq
  # The package's post-install may try to start the service; without systemd it cannot, and
  # the server is started below instead.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi

if listening; then
  say "redis ready on $REDIS_HOST:$REDIS_PORT"
  exit 0
fi

say "starting redis-server"
install -d -o redis -g redis -m 0755 /run/redis
runuser -u redis -- redis-server "$REDIS_CONF"
for _ in $(seq 1 30); do
  if listening; then
    say "redis ready on $REDIS_HOST:$REDIS_PORT"
    exit 0
  fi
  sleep 0.2
done
say "redis-server did not start listening on $REDIS_HOST:$REDIS_PORT"; exit 1
