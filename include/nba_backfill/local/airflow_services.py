"""The project-local Airflow: its SQLite settings, and real Airflow processes on 127.0.0.1.

The local metadata DB is SQLite (WAL mode, set by Airflow), which lets one writer in at a
time. The scheduler, the dag-processor, the api-server and CLI commands such as `airflow
backfill create` write concurrently, and two things turned that into "database is locked":
- sqlite3's default 5 s busy timeout: `SQLITE_CONNECT_ARGS` (scripts/env.sh) waits 60 s;
- a transaction that read first and writes later (Python's sqlite3 begins deferred, and
  SQLAlchemy sessions read before they write) cannot wait for the lock at all once another
  process committed since its read: SQLite refuses it at once, whatever the timeout
  (`airflow backfill create` failed this way 2 times in 3 beside a busy scheduler). So the
  transactions of CLI commands start with BEGIN IMMEDIATE (`sqlite_metadata_engine`,
  installed by scripts/airflow-config/airflow_local_settings.py, which scripts/env.sh puts
  on PYTHONPATH): they take the write lock up front, or wait for it, and never have to give
  up (0 in 3 after). The long-running components keep deferred transactions: they open
  sessions inside sessions, which would wait for themselves. Production runs PostgreSQL
  and none of this.

`AirflowServices` starts api-server / scheduler / dag-processor / triggerer for the tests
and the benchmark, each in its own process group, stopped (SIGTERM, then SIGKILL) when the
context exits, whatever happened.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

SQLITE_CONNECT_ARGS = {"timeout": 60}
SQLITE_CONNECT_ARGS_ASYNC = {"timeout": 60}


def begin_immediately(engine) -> None:
    """Make every transaction of a SQLite engine take the write lock at BEGIN (SQLAlchemy's
    recipe: the driver's own transaction handling off, SQLAlchemy emits the BEGIN)."""
    from sqlalchemy import event

    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _driver_autocommit(dbapi_connection, connection_record):
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def sqlite_metadata_engine(sql_alchemy_conn: str, *, engine_args: dict, connect_args: dict):
    """Airflow's `create_metadata_engine`, with `begin_immediately` on SQLite."""
    from sqlalchemy import create_engine

    engine = create_engine(sql_alchemy_conn, connect_args=connect_args, **engine_args, future=True)
    begin_immediately(engine)
    return engine


# `airflow <command>` processes that keep SQLite's deferred transactions: the long-running
# components, and commands that nest sessions (db migrations, dags test, tasks test)
DEFERRED_COMMANDS = {
    ("scheduler",), ("api-server",), ("dag-processor",), ("triggerer",), ("celery",),
    ("standalone",), ("kerberos",), ("db",), ("dags", "test"), ("tasks", "test"),
}  # fmt: skip


def cli_takes_write_lock(orig_argv: list[str]) -> bool:
    """Whether this process is an `airflow` CLI command that should BEGIN IMMEDIATE.

    `orig_argv` is the interpreter's command line (`sys.orig_argv`): `airflow backfill
    create ...` runs as `python /venv/bin/airflow backfill create ...` or `python -m airflow
    backfill create ...` (where `sys.argv[0]` is still "-m" while the package imports)."""
    args = list(orig_argv[1:])
    while args:
        arg = args.pop(0)
        if arg == "-m":
            if not args or args.pop(0) != "airflow":
                return False
            break
        if arg in ("-X", "-W"):
            args = args[1:]  # an interpreter option and its value
            continue
        if arg == "-c":
            return False
        if arg.startswith("-"):
            continue  # an interpreter flag (-u, -B, -Xdev, ...)
        if not (arg.endswith("/airflow") or arg == "airflow"):
            return False
        break
    else:
        return False
    words = [a for a in args if not a.startswith("-")][:2]
    return bool(words) and not any(tuple(words[: len(c)]) == c for c in DEFERRED_COMMANDS)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def airflow_env(**extra: str) -> dict[str, str]:
    env = os.environ.copy()
    env.update(extra)
    return env


def airflow_cli(
    *args: str, env: dict[str, str] | None = None, check: bool = True, timeout: float = 120
):
    """Run an Airflow CLI command. A command that SQLite refused with "database is locked"
    (a second writer mid-transaction, which SQLite fails at once rather than waiting) was
    rolled back whole, so it is run again, up to 5 times."""
    for attempt in range(5):
        result = subprocess.run(
            [sys.executable, "-m", "airflow", *args],
            capture_output=True,
            text=True,
            env=env or os.environ.copy(),
            timeout=timeout,
        )
        if result.returncode == 0 or "database is locked" not in result.stderr:
            break
        time.sleep(1 + 2 * attempt)
    if check and result.returncode != 0:
        raise AssertionError(f"airflow {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


class AirflowServices(contextlib.AbstractContextManager):
    """api-server + scheduler (+ optional dag-processor / triggerer) with their own logs."""

    def __init__(self, env: dict[str, str], log_dir: Path, components=("api-server", "scheduler")):
        self.port = free_port()
        self.env = {
            **env,
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(self.port),
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{self.port}/execution/",
            "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{self.port}",
        }
        self.log_dir = log_dir
        self.components = components
        self.procs: dict[str, subprocess.Popen] = {}

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, component: str) -> subprocess.Popen:
        args = {
            "api-server": ["api-server", "--host", "127.0.0.1", "--port", str(self.port)],
            "scheduler": ["scheduler", "--skip-serve-logs"],
            "dag-processor": ["dag-processor"],
            "triggerer": ["triggerer", "--skip-serve-logs"],
        }[component]
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_dir / f"{component}.log", "ab")  # noqa: SIM115 (closed with the process)
        proc = subprocess.Popen(
            [sys.executable, "-m", "airflow", *args],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs[component] = proc
        return proc

    def stop(self, component: str, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        proc = self.procs.pop(component, None)
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    def wait_healthy(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            proc = self.procs.get("api-server")
            if proc is not None and proc.poll() is not None:
                raise AssertionError(self.tail("api-server"))
            try:
                with urllib.request.urlopen(f"{self.base_url}/api/v2/monitor/health", timeout=2):
                    return
            except OSError:
                time.sleep(0.5)
        raise AssertionError("api-server not healthy in time:\n" + self.tail("api-server"))

    def token(self, username: str = "admin") -> str:
        """A JWT for the REST API from the simple auth manager (its generated password)."""
        import json

        home = Path(self.env["AIRFLOW_HOME"])
        passwords = json.loads((home / "simple_auth_manager_passwords.json.generated").read_text())
        body = json.dumps({"username": username, "password": passwords[username]}).encode()
        request = urllib.request.Request(
            f"{self.base_url}/auth/token",
            data=body,
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())["access_token"]

    def api(
        self,
        method: str,
        path: str,
        body: dict | None = None,
        token: str | None = None,
        attempts: int = 3,
    ):
        """Call the REST API (/api/v2/...); returns (status, decoded JSON or text).

        On the SQLite metadata DB, a request can fail with a 500 "Database error" while the
        scheduler holds the write lock; it is sent again, up to `attempts` times."""
        for attempt in range(1, attempts + 1):
            status, decoded = self._api_once(method, path, body, token)
            if not (status == 500 and "Database error" in str(decoded)) or attempt == attempts:
                return status, decoded
            time.sleep(2 * attempt)
        return status, decoded

    def _api_once(self, method: str, path: str, body: dict | None, token: str | None):
        import json
        import urllib.error

        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(
            f"{self.base_url}{path}",
            data=json.dumps(body).encode() if body is not None else None,
            headers=headers,
            method=method,
        )
        try:
            with urllib.request.urlopen(request, timeout=90) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw.decode(errors="replace")

    def tail(self, component: str, lines: int = 60) -> str:
        path = self.log_dir / f"{component}.log"
        return (
            "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
            if path.exists()
            else ""
        )

    def __enter__(self):
        # the api-server first: tasks that start before it answers fail their first calls
        if "api-server" in self.components:
            self.start("api-server")
            self.wait_healthy()
        for component in self.components:
            if component != "api-server":
                self.start(component)
        return self

    def __exit__(self, *exc):
        for component in list(self.procs):
            self.stop(component)
        return False
