#!/usr/bin/env bash
# A local BigQuery API emulator (PyPI `local-bigquery`) in a virtualenv of its own, for the
# tests under tests/bigquery (they call this script; nothing else needs it).
#
#   scripts/bq-emulator.sh ensure
#       Create or refresh .bq-emulator-venv/ (git-ignored): a Python 3.13 venv with the
#       pinned packages below, and the DuckDB extensions the emulator loads (icu, ducklake,
#       spatial) installed from their PyPI wheels into a private HOME, since the emulator
#       cannot download them at run time. Cached: a stamp named after the pins skips all
#       of it on the next call. Serialised with flock, so parallel test runs share it.
#   scripts/bq-emulator.sh serve PORT GRPC_PORT DATA_DIR [PROJECT]
#       Run the emulator in the foreground on 127.0.0.1:PORT (exec: the caller's child pid
#       is the server's). Clients reach it with BIGQUERY_EMULATOR_HOST=http://127.0.0.1:PORT.
#
# The interpreter: $BQ_EMULATOR_PYTHON, else python3.13 on PATH, else pyenv's 3.13.x.
# Exit code 3: no Python 3.13 found (the tests skip, saying so).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE="${BQ_EMULATOR_DIR:-$ROOT/.bq-emulator-venv}"
VENV="$BASE/venv"
EMU_HOME="$BASE/home"

# local-bigquery 0.3.2 is the newest release on duckdb 1.5.x (0.4.0 needs duckdb >= 2.0);
# the extension wheels must match duckdb's version exactly. Everything pinned (pip freeze
# of a working venv), so that a fresh clone gets the emulator that was tested.
PINS="
local-bigquery==0.3.2
duckdb==1.5.5
duckdb-extension-icu==1.5.5
duckdb-extension-ducklake==1.5.5
duckdb-extension-spatial==1.5.5
annotated-doc==0.0.7
annotated-types==0.8.0
anyio==4.16.0
certifi==2026.10.19.post1
cffi==2.1.1
charset-normalizer==3.5.3
click==8.5.1
cryptography==50.0.2
fastapi==0.165.0
fastavro==1.13.1
google-api-core==2.44.0
google-auth==2.63.0
google-cloud-bigquery-storage==2.43.0
googleapis-common-protos==1.76.0
grpcio==1.85.3
grpcio-status==1.85.3
h11==0.16.0
idna==3.20
mini-racer==0.14.1
numpy==2.5.5
opentelemetry-api==1.45.2
prompt_toolkit==3.0.53
proto-plus==1.29.0
protobuf==7.36.2
pyarrow==26.0.1
pyasn1==0.6.5
pyasn1_modules==0.4.2
pycparser==3.12
pydantic==2.14.4
pydantic-settings==2.16.3
pydantic_core==2.50.5
Pygments==2.21.0
python-dotenv==1.2.4
requests==2.34.2
sqlglot==30.30.0
starlette==1.10.0
typing-inspection==0.4.5
typing_extensions==4.16.0
urllib3==2.8.0
uvicorn==0.54.0
wcwidth==0.9.4
"
STAMP="$BASE/installed-$(printf '%s' "$PINS" | sha256sum | cut -c1-16)"

works() {  # a Python 3.13 that runs (a pyenv shim may exist and refuse to)
  "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' >/dev/null 2>&1
}

find_python() {
  if [ -n "${BQ_EMULATOR_PYTHON:-}" ]; then echo "$BQ_EMULATOR_PYTHON"; return; fi
  local candidate
  for candidate in "$(command -v python3.13 || true)" \
      "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.13*/bin/python3.13 \
      /root/.pyenv/versions/3.13*/bin/python3.13; do
    if [ -n "$candidate" ] && works "$candidate"; then echo "$candidate"; return; fi
  done
  return 1
}

ensure() {
  mkdir -p "$BASE"
  # In a subshell, so that the lock (fd 9) is released before `serve` execs the server.
  ( flock 9 && install_locked ) 9>"$BASE/.lock"
}

install_locked() {
  if [ -f "$STAMP" ] && [ -x "$VENV/bin/local-bigquery" ]; then
    return 0
  fi
  local python
  if ! python="$(find_python)"; then
    echo "bq-emulator: no Python 3.13 found (set BQ_EMULATOR_PYTHON=/path/to/python3.13)" >&2
    exit 3
  fi
  echo "bq-emulator: creating $VENV with $python" >&2
  rm -rf "$VENV" "$EMU_HOME" "$BASE"/installed-*
  "$python" -m venv "$VENV"
  # shellcheck disable=SC2086
  "$VENV/bin/pip" install --quiet --disable-pip-version-check $PINS
  # The wheels ship the extension files; INSTALL copies them where DuckDB looks for them
  # ($HOME/.duckdb/extensions/<version>/<platform>/), so `LOAD icu` works offline.
  mkdir -p "$EMU_HOME"
  HOME="$EMU_HOME" "$VENV/bin/python" - <<'PY'
import importlib
import pathlib

import duckdb

con = duckdb.connect()
for name in ("icu", "ducklake", "spatial"):
    package = importlib.import_module(f"duckdb_extension_{name}")
    path = next(pathlib.Path(package.__path__[0]).rglob(f"{name}.duckdb_extension"))
    con.install_extension(str(path))
    con.load_extension(name)
PY
  touch "$STAMP"
  echo "bq-emulator: ready in $VENV" >&2
}

case "${1:-}" in
  ensure)
    ensure
    ;;
  serve)
    [ $# -ge 4 ] || { echo "usage: $0 serve PORT GRPC_PORT DATA_DIR [PROJECT]" >&2; exit 2; }
    ensure
    mkdir -p "$4"
    exec env HOME="$EMU_HOME" "$VENV/bin/local-bigquery" serve --host 127.0.0.1 \
      --port "$2" --grpc-port "$3" --data-dir "$4" --project "${5:-nba-emulator}"
    ;;
  *)
    echo "usage: $0 ensure | serve PORT GRPC_PORT DATA_DIR [PROJECT]" >&2
    exit 2
    ;;
esac
