#!/usr/bin/env bash
# Debian packages the test suite starts itself, all on 127.0.0.1: PostgreSQL and Redis (the
# CeleryExecutor topology test), Chromium (UI screenshots). Installs only what is missing;
# the BigQuery emulator's Python 3.13 comes from pyenv (tests/bigquery).
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
{ command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; } || missing+=(postgresql)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing Debian packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian's postinst scripts start the services: the tests start their own on free ports.
for service in redis-server postgresql; do
  $SUDO service "$service" stop >/dev/null 2>&1 || true
done
