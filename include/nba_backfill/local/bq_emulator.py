"""A local BigQuery API emulator for tests: install, start on 127.0.0.1, stop.

The emulator (PyPI `local-bigquery`, on Python 3.13 and DuckDB) lives in a virtualenv of
its own, `.bq-emulator-venv/`, created by `scripts/bq-emulator.sh` (cached across runs).
Clients reach it through `BIGQUERY_EMULATOR_HOST=http://127.0.0.1:PORT` (the official
client and BigQueryHook) and a `google_cloud_platform` connection with anonymous
credentials (`connection_extra`). The extra `"emulator": true` tells BigQueryWarehouse
what it talks to (see warehouse/bigquery_backend.py: the only difference is that the
dry run of a MERGE is skipped).

    emulator = BigQueryEmulator.start(tmp_dir)
    ...  # BIGQUERY_EMULATOR_HOST=emulator.url, connection extra emulator.connection_extra()
    emulator.stop()
"""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from nba_backfill.config import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "scripts" / "bq-emulator.sh"
DEFAULT_PROJECT = "nba-emulator"
NO_PYTHON_EXIT = 3


class EmulatorUnavailable(RuntimeError):
    """No Python 3.13 to run the emulator with (the tests skip, naming the fix)."""


def ensure_installed(timeout_s: float = 900) -> None:
    """Create or reuse the emulator's virtualenv (scripts/bq-emulator.sh ensure)."""
    result = subprocess.run(
        ["bash", str(SCRIPT), "ensure"],
        capture_output=True,
        text=True,
        timeout=timeout_s,
    )
    if result.returncode == NO_PYTHON_EXIT:
        raise EmulatorUnavailable(result.stderr.strip())
    if result.returncode != 0:
        raise RuntimeError(
            f"scripts/bq-emulator.sh ensure failed ({result.returncode}):\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class BigQueryEmulator:
    process: subprocess.Popen
    port: int
    project: str
    log_path: Path

    @property
    def url(self) -> str:
        """The value for BIGQUERY_EMULATOR_HOST."""
        return f"http://127.0.0.1:{self.port}"

    def connection_extra(self) -> dict:
        return {"project": self.project, "is_anonymous": True, "emulator": True}

    @classmethod
    def start(
        cls, work_dir: Path, project: str = DEFAULT_PROJECT, timeout_s: float = 60
    ) -> BigQueryEmulator:
        """Install if needed, start on free ports, wait until it answers the REST API."""
        ensure_installed()
        work_dir.mkdir(parents=True, exist_ok=True)
        port, grpc_port = free_port(), free_port()
        log_path = work_dir / "emulator.log"
        with log_path.open("wb") as log_file:
            process = subprocess.Popen(
                [
                    "bash",
                    str(SCRIPT),
                    "serve",
                    str(port),
                    str(grpc_port),
                    str(work_dir / "data"),
                    project,
                ],
                stdout=log_file,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        emulator = cls(process, port, project, log_path)
        emulator.wait_ready(timeout_s)
        return emulator

    def wait_ready(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        probe = f"{self.url}/bigquery/v2/projects/{self.project}/datasets"
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"the BigQuery emulator exited ({self.process.returncode}):\n{self.log()}"
                )
            try:
                with urllib.request.urlopen(probe, timeout=2) as response:  # noqa: S310 (local)
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the BigQuery emulator did not answer {probe}:\n{self.log()}")
            time.sleep(0.2)

    def log(self, tail: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-tail:]
        except OSError:
            return ""

    def stop(self, timeout_s: float = 15) -> None:
        """Stop the server (the process this object started, by its pid)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout_s)
