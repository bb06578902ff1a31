"""docker-compose.yaml, checked without Docker: the services of the CeleryExecutor topology,
the image pinned to requirements.txt's Airflow, the mounts the DAGs need, settings Airflow
knows, no secret in the file, every variable documented in .env.example, ports on
127.0.0.1 only."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yaml"
ENV_EXAMPLE = ROOT / ".env.example"

AIRFLOW_SERVICES = {
    "airflow-init": None,
    "airflow-apiserver": "api-server",
    "airflow-scheduler": "scheduler",
    "airflow-dag-processor": "dag-processor",
    "airflow-triggerer": "triggerer",
    "airflow-worker": "celery worker",
}
LONG_RUNNING = [s for s, command in AIRFLOW_SERVICES.items() if command] + ["postgres", "redis"]
# ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?message}, ${VAR?message}; $${...} is an
# escaped dollar (left to the container's shell)
VARIABLE = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])((?:[^{}]|\{[^{}]*\})*))?\}")
SECRET_NAME = re.compile(r"KEY|SECRET|PASSWORD|TOKEN|CREDENTIAL", re.IGNORECASE)


@pytest.fixture(scope="module")
def text() -> str:
    return COMPOSE.read_text()


@pytest.fixture(scope="module")
def compose(text) -> dict:
    return yaml.safe_load(text)


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def env_example() -> dict[str, str]:
    """Variables of .env.example, set or shown commented out (`# NAME=value`)."""
    found = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = re.match(r"^#?\s*([A-Z_][A-Z0-9_]*)=(.*)$", line.strip())
        if match:
            found.setdefault(match.group(1), match.group(2))
    return found


def interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's variable substitution, for the forms the file uses."""

    def substitute(match: re.Match) -> str:
        name, operator, argument = match.groups()
        current = env.get(name)
        if operator in (":-", "-"):
            unset = current is None or (operator == ":-" and current == "")
            return interpolate(argument, env) if unset else current
        if operator in (":?", "?"):
            if current is None or (operator == ":?" and current == ""):
                raise KeyError(f"{name} is required: {argument}")
            return current
        return current or ""

    return VARIABLE.sub(substitute, value).replace("$$", "$")


def requirements_pin(package: str) -> str:
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        name, _, version = line.partition("==")
        if name.strip().lower() == package:
            return version.strip()
    raise AssertionError(f"{package} is not pinned in requirements.txt")


def environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    assert isinstance(env, dict), "environment as a mapping, please"
    return {k: str(v) for k, v in env.items()}


def volume_targets(service: dict) -> dict[str, tuple[str, bool]]:
    """target -> (source, read_only) for short and long volume syntax."""
    mounts = {}
    for volume in service.get("volumes", []):
        if isinstance(volume, str):
            source, target, *options = volume.split(":")
            mounts[target] = (source, "ro" in options)
        else:
            mounts[volume["target"]] = (volume["source"], bool(volume.get("read_only")))
    return mounts


def filled_env() -> dict[str, str]:
    """.env.example with the required values given, as a user's .env would have them."""
    env = env_example()
    for name, value in env.items():
        if value == "":
            env[name] = f"filled-{name.lower()}"
    return env


def test_the_services_of_the_celery_topology(services):
    assert set(services) == set(AIRFLOW_SERVICES) | {"postgres", "redis"}
    for name, command in AIRFLOW_SERVICES.items():
        if command:
            assert services[name]["command"] == command, name
    worker_env = environment(services["airflow-worker"])
    for name in AIRFLOW_SERVICES:
        env = environment(services[name])
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor", name
        assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://redis:6379/"), name
        assert env["AIRFLOW__CELERY__RESULT_BACKEND"].startswith("db+postgresql+psycopg2://"), name
        assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://")
        assert "@postgres:5432/" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
        # one set of secrets for every component (the worker's JWTs are checked by the
        # api-server, the fernet key must decrypt what another component wrote)
        for key in (
            "AIRFLOW__CORE__FERNET_KEY",
            "AIRFLOW__API_AUTH__JWT_SECRET",
            "AIRFLOW__API__SECRET_KEY",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
        ):
            assert env[key] == worker_env[key], (name, key)


def test_airflow_3_execution_api_and_init(services):
    api = services["airflow-apiserver"]
    assert "8080" in api["ports"][0].split(":")[-1]
    for name in AIRFLOW_SERVICES:
        env = environment(services[name])
        assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == (
            "http://airflow-apiserver:8080/execution/"
        )
    init = services["airflow-init"]
    script = init["command"][-1]
    assert "airflow db migrate" in script
    assert "python -m nba_backfill.cli ensure-pool" in script
    assert "set -e" in script
    assert init["restart"] == "no"
    for name in LONG_RUNNING:
        if name.startswith("airflow-"):
            depends = services[name]["depends_on"]
            assert depends["airflow-init"]["condition"] == "service_completed_successfully"
            assert depends["postgres"]["condition"] == "service_healthy"
            assert depends["redis"]["condition"] == "service_healthy"
    assert (
        services["airflow-worker"]["depends_on"]["airflow-apiserver"]["condition"]
        == "service_healthy"
    )


def test_health_checks_on_every_long_running_service(services):
    for name in LONG_RUNNING:
        check = services[name].get("healthcheck")
        assert check and check["test"][0] in ("CMD", "CMD-SHELL"), name
        assert check.get("interval") and check.get("retries"), name
    scheduler_env = environment(services["airflow-scheduler"])
    assert scheduler_env["AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK"] == "true"
    assert "/api/v2/monitor/health" in " ".join(
        services["airflow-apiserver"]["healthcheck"]["test"]
    )
    assert "DagProcessorJob" in services["airflow-dag-processor"]["healthcheck"]["test"][1]
    assert "TriggererJob" in services["airflow-triggerer"]["healthcheck"]["test"][1]
    assert "inspect ping" in services["airflow-worker"]["healthcheck"]["test"][1]


def test_image_pinned_to_the_airflow_of_requirements(services):
    airflow = requirements_pin("apache-airflow")
    python = f"python{sys.version_info.major}.{sys.version_info.minor}"  # the tested one
    dockerfiles = set()
    for name in AIRFLOW_SERVICES:
        service = services[name]
        assert service["image"] == f"nba-backfill-airflow:{airflow}-{python}", name
        dockerfiles.add(service["build"]["dockerfile_inline"])
    (dockerfile,) = dockerfiles
    lines = [line.strip() for line in dockerfile.strip().splitlines()]
    assert lines[0] == f"FROM apache/airflow:{airflow}-{python}"
    install = next(line for line in lines if line.startswith("RUN pip install"))
    # the official way to extend the image: the same Airflow pinned, plus the lock the
    # test suite runs (duckdb, sqlglot, the google provider's versions, ...)
    assert f'"apache-airflow=={airflow}"' in install
    assert "-r /tmp/nba-requirements.txt" in install
    assert "COPY requirements.txt /tmp/nba-requirements.txt" in lines
    for name in ("postgres", "redis"):
        image = services[name]["image"]
        repository, _, tag = image.partition(":")
        assert repository == name and re.match(r"^\d+\.\d+(\.\d+)?-\w+$", tag), image


def test_mounts_and_python_path_the_dags_need(services):
    from nba_backfill import config

    for name in AIRFLOW_SERVICES:
        mounts = volume_targets(services[name])
        for folder in ("dags", "plugins", "include"):
            assert mounts[f"/opt/airflow/{folder}"] == (f"./{folder}", True), (name, folder)
        assert mounts["/opt/airflow/logs"][0] == "airflow-logs"  # one log volume for all
        assert environment(services[name])["PYTHONPATH"] == "/opt/airflow/include"
    # the package finds its SQL relative to itself: include/ mounted at
    # /opt/airflow/include gives /opt/airflow/include/sql
    assert config.SQL_DIR == config.PROJECT_ROOT / "include" / "sql"
    assert Path(config.__file__).parent == ROOT / "include" / "nba_backfill"
    assert config.PROJECT_ROOT == ROOT


def test_bigquery_warehouse_connection_and_credentials(services):
    from nba_backfill.warehouse import BIGQUERY_CONN_TYPES

    env = filled_env()
    for name in AIRFLOW_SERVICES:
        service_env = environment(services[name])
        assert service_env["NBA_WAREHOUSE_CONN_ID"] == "nba_warehouse"
        connection = json.loads(interpolate(service_env["AIRFLOW_CONN_NBA_WAREHOUSE"], env))
        assert connection == {
            "conn_type": "google_cloud_platform",
            "extra": {"project": env["GCP_PROJECT_ID"]},
        }
        assert connection["conn_type"] in BIGQUERY_CONN_TYPES
        assert "key_path" not in connection["extra"] and "keyfile_dict" not in connection["extra"]
    # credentials: a host file (from .env), read-only, where GOOGLE_APPLICATION_CREDENTIALS
    # points, in the components that run task code, and nowhere else
    for name in AIRFLOW_SERVICES:
        service_env = environment(services[name])
        mounts = volume_targets(services[name])
        path = service_env.get("GOOGLE_APPLICATION_CREDENTIALS")
        if name in ("airflow-worker", "airflow-triggerer"):
            assert path == "/opt/airflow/secrets/gcp-credentials.json", name
            source, read_only = mounts[path]
            assert read_only and source.startswith("${GCP_CREDENTIALS_FILE:?"), name
        else:
            assert path is None and not any("secrets" in t for t in mounts), name


def test_examples_off_and_settings_airflow_knows(services):
    from airflow.configuration import conf

    known = conf.configuration_description  # core and providers (celery)
    for name in AIRFLOW_SERVICES:
        env = environment(services[name])
        assert env["AIRFLOW__CORE__LOAD_EXAMPLES"] == "false", name
        for key in env:
            if key.startswith("AIRFLOW__"):
                _, section, option = key.split("__", 2)
                assert option.lower() in known[section.lower()]["options"], key


def test_nba_settings_are_the_packages(services):
    """Every NBA_* variable given to the containers is one the package reads."""
    source = (ROOT / "include" / "nba_backfill" / "config.py").read_text()
    for name in AIRFLOW_SERVICES:
        for key in environment(services[name]):
            if key.startswith("NBA_"):
                assert f'"{key}"' in source, key


def test_no_secret_in_the_file(text, services):
    assert not re.search(r"BEGIN [A-Z ]*PRIVATE KEY|\"private_key\"|ya29\.|AIza", text)
    for name, service in services.items():
        for key, value in environment(service).items():
            if SECRET_NAME.search(key) and key != "GOOGLE_APPLICATION_CREDENTIALS":
                # the whole value comes from .env, required, no default
                assert re.fullmatch(r"\$\{[A-Z_]+:\?[^}]*\}", value), (name, key, value)
            for url in re.findall(r"[a-z+]+://[^\s'\"]+", value):
                userinfo = url.split("://", 1)[1].split("@", 1)
                if len(userinfo) == 2 and ":" in userinfo[0]:
                    password = userinfo[0].split(":", 1)[1]
                    assert re.fullmatch(r"\$\{[A-Z_]+:\?[^}]*\}", password), (name, key)
    # the secrets .env.example documents are left empty, to be generated
    example = env_example()
    for name in ("AIRFLOW_FERNET_KEY", "AIRFLOW_JWT_SECRET", "AIRFLOW_API_SECRET_KEY"):
        assert example[name] == "", name
    assert example["POSTGRES_PASSWORD"] == ""


def test_env_example_documents_every_variable(text):
    used = {match.group(1) for match in VARIABLE.finditer(text)}
    assert {"GCP_PROJECT_ID", "GCP_CREDENTIALS_FILE", "POSTGRES_PASSWORD"} <= used
    documented = env_example()
    assert sorted(used - set(documented)) == []
    # and with .env.example's values (required ones filled in) every value resolves
    env = filled_env()
    for match in VARIABLE.finditer(text):
        interpolate(match.group(0), env)
    with pytest.raises(KeyError, match="GCP_PROJECT_ID"):
        interpolate("${GCP_PROJECT_ID:?set GCP_PROJECT_ID in .env}", {"GCP_PROJECT_ID": ""})


def test_published_ports_only_on_loopback(services):
    published = []
    for name, service in services.items():
        for port in service.get("ports", []):
            spec = port if isinstance(port, str) else f"{port.get('host_ip')}:{port['published']}"
            assert spec.startswith("127.0.0.1:"), (name, spec)
            published.append(name)
    assert published == ["airflow-apiserver"]
