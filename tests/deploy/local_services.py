"""PostgreSQL and Redis as real processes on 127.0.0.1, in a temporary directory, for the
CeleryExecutor topology test: Debian's packages (scripts/system-deps.sh installs them), no
Docker. Each is stopped and its directory removed when its context exits, whatever
happened.

PostgreSQL refuses to run as root: under root (CI) it runs as the `postgres` user that
Debian's package creates, in a directory that user owns.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from nba_backfill.local.airflow_services import free_port


def _tail(path: Path, lines: int = 40) -> str:
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def postgres_bin(name: str) -> str:
    """A PostgreSQL server program: from PATH, else the newest /usr/lib/postgresql/N/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: int(Path(p).parts[-3]),
    )
    if not candidates:
        raise FileNotFoundError(f"{name} not found: run scripts/system-deps.sh (Debian postgresql)")
    return candidates[-1]


class LocalPostgres(contextlib.AbstractContextManager):
    """initdb + pg_ctl: a throw-away cluster on a free port, one database, trust auth on
    127.0.0.1 only (the unix socket in the cluster's directory)."""

    def __init__(self, user: str = "airflow", database: str = "airflow"):
        self.port = free_port()
        self.user = user
        self.database = database
        self.os_user = "postgres" if os.geteuid() == 0 else None
        self.dir = Path(tempfile.mkdtemp(prefix="nba-postgres-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg2://{self.user}@127.0.0.1:{self.port}/{self.database}"

    @property
    def celery_result_backend(self) -> str:
        return f"db+postgresql+psycopg2://{self.user}@127.0.0.1:{self.port}/{self.database}"

    def _run(self, *args: str, timeout: float = 90) -> None:
        result = subprocess.run(
            args,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=self.dir,
            user=self.os_user,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8"},
        )
        if result.returncode != 0:
            raise AssertionError(
                f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}\n{_tail(self.log)}"
            )

    def connect(self, database: str | None = None):
        import psycopg2

        return psycopg2.connect(
            host="127.0.0.1", port=self.port, user=self.user, dbname=database or self.database
        )

    def __enter__(self):
        if self.os_user:
            owner = pwd.getpwnam(self.os_user)
            os.chown(self.dir, owner.pw_uid, owner.pw_gid)
        try:
            self._run(
                postgres_bin("initdb"), "-D", str(self.data), "-U", self.user,
                "-A", "trust", "-E", "UTF8", "--no-sync",
            )  # fmt: skip
            options = " ".join(
                [
                    f"-p {self.port}",
                    "-c listen_addresses=127.0.0.1",
                    f"-c unix_socket_directories={self.dir}",
                    "-c max_connections=200",
                    # a throw-away cluster: no durability needed, less I/O
                    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off",
                ]
            )
            self._run(
                postgres_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log),
                "-o", options, "-w", "-t", "60", "start",
            )  # fmt: skip
            con = self.connect("postgres")
            con.autocommit = True
            with con.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{self.database}"')
            con.close()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(Exception):
                self._run(postgres_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
            pid_file = self.data / "postmaster.pid"
            if pid_file.exists():  # pg_ctl failed: the postmaster goes the hard way
                with contextlib.suppress(Exception):
                    os.kill(int(pid_file.read_text().split()[0]), 9)
        shutil.rmtree(self.dir, ignore_errors=True)
        return False

    def tail(self) -> str:
        return _tail(self.log)


class LocalRedis(contextlib.AbstractContextManager):
    """redis-server on a free port of 127.0.0.1, no persistence."""

    def __init__(self):
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="nba-redis-"))
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def __enter__(self):
        server = shutil.which("redis-server")
        if not server:
            raise FileNotFoundError("redis-server not found: run scripts/system-deps.sh")
        log = open(self.dir / "redis.log", "ab")  # noqa: SIM115 (closed with the process)
        self.proc = subprocess.Popen(
            [
                server, "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", str(self.dir),
                "--protected-mode", "yes",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while not self.ping():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.__exit__()
                raise AssertionError("redis-server did not start:\n" + self.tail())
            time.sleep(0.1)
        return self

    def __exit__(self, *exc):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)
        return False

    def tail(self) -> str:
        return _tail(self.dir / "redis.log")
