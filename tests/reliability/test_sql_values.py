"""No value reaches SQL text: identifiers are validated and rendered by Jinja, every value
is a bound parameter, on both backends."""

from __future__ import annotations

import ast
import datetime as dt
import re

import pytest

from nba_backfill.config import SQL_DIR, ConfigError, load_settings
from nba_backfill.sql import Identifiers, compile_bigquery, compile_duckdb, render
from nba_backfill.warehouse import QueryError
from nba_backfill.warehouse.bigquery_backend import build_job_configuration

from helpers import insert, schedule, summary_rows

INJECTION = "2021-10-19' OR 1=1 --"
SQL_FILES = sorted(str(p.relative_to(SQL_DIR).with_suffix("")) for p in SQL_DIR.rglob("*.sql"))


# Loading files (include/sql/load/): the statements loop over the raw table's columns from
# its DDL and name a staging table; every such template variable is an identifier, checked
# by nba_backfill.sql.check_template before rendering.
LOAD_VARIABLES = {"raw", "reference", "schedule", "table", "staging", "column", "type", "staged"}
LOAD_TEMPLATE = {
    "table": "nbac_schedule",
    "staging": "_load_nbac_schedule_0123abcd",
    "columns": [["game_id", "STRING"], ["game_date", "DATE"]],
    "staged": ["game_id", "game_date"],
    "required": ["game_id", "game_date"],
    "replace": "games",
}


TARGET_SHAPED = {"pass1/load_day", "pass2/merge_shot_zones"}


@pytest.mark.parametrize("name", SQL_FILES)
def test_jinja_renders_identifiers_only(name):
    text = (SQL_DIR / f"{name}.sql").read_text()
    variables = set(re.findall(r"\{\{\s*(\w+)\s*\}\}", text))
    if name.startswith("load/"):
        assert variables <= LOAD_VARIABLES
    elif name in TARGET_SHAPED:
        # the output table's shape (nba_backfill.target): loops over column names and
        # NUMERIC scales, each checked by check_template (identifiers, small integers)
        assert variables <= {"raw", "analytics", "reference", "schedule", "c"}
    else:
        assert variables <= {"raw", "analytics", "reference", "schedule"}
        assert "{%" not in text  # no logic, no loops: identifiers only
    # every value the statement uses is a @parameter (no date or number literal compared
    # with game_date)
    assert not re.search(r"game_date\s*(=|between|>=|<=)\s*'?\d{4}-", text, re.I)


def test_template_variables_must_be_identifiers():
    from nba_backfill.sql import check_template

    for bad in ("x; drop table y", "a b", "col`", "1=1 --"):
        with pytest.raises(ValueError, match="is not an identifier"):
            check_template({**LOAD_TEMPLATE, "staging": bad})
        with pytest.raises(ValueError, match="is not an identifier"):
            check_template({**LOAD_TEMPLATE, "columns": [["game_id", bad]]})


def test_identifiers_are_validated_before_rendering():
    for bad in ("nba_raw; drop table x", "nba`raw", "nba raw", "x' or '1'='1"):
        with pytest.raises(ConfigError):
            load_settings({"NBA_RAW_DATASET": bad})
        with pytest.raises(ConfigError):
            Identifiers(analytics_dataset=bad)
    with pytest.raises(ConfigError):
        Identifiers(project="proj`; select 1; --")


def test_duckdb_binds_values_and_an_injection_string_is_only_a_bad_date(warehouse):
    insert(warehouse, "nbac_schedule", [schedule("20211019_BKN_MIL")])
    compiled = compile_duckdb("pass1/load_day", Identifiers())
    assert "$day" in compiled.text and INJECTION not in compiled.text
    with pytest.raises(QueryError) as error:
        warehouse.run("pass1/load_day", {"day": INJECTION})
    assert "Conversion Error" in str(error.value) or "date" in str(error.value).lower()
    assert summary_rows(warehouse) == {}
    with warehouse.connect() as con:  # the schedule is intact
        assert con.execute("select count(*) from nba_raw.nbac_schedule").fetchone() == (1,)


def test_bigquery_sends_values_as_named_parameters_only():
    for name in SQL_FILES:
        template = LOAD_TEMPLATE if name.startswith("load/") else None
        compiled = compile_bigquery(name, Identifiers(project="nba-prod-123"), template)
        params = {p: INJECTION for p in compiled.parameters}
        config = build_job_configuration(compiled.text, params)
        assert INJECTION not in config["query"]["query"]
        assert config["query"]["parameterMode"] == "NAMED"
        assert [p["parameterValue"]["value"] for p in config["query"]["queryParameters"]] == [
            INJECTION for _ in compiled.parameters
        ]


def test_python_never_formats_values_into_sql():
    """Every f-string that is SQL (starts with a statement verb, or continues one inside an
    execute() call) interpolates only validated identifiers and fixed column lists."""
    from nba_backfill.config import PROJECT_ROOT

    # identifiers validated by Identifiers (dataset, target) or fixed in the code
    allowed = {
        "target",
        "dataset",
        "select",
        "count",
        "INSERT_FLOOR_TABLE",
        "columns",
        "query",
        "assignments",
        # loading files (warehouse stage_file / drop_staging): the staging table's name,
        # checked by check_staging_name, and a fixed reader expression
        "staged",
        "reader",
    }
    verb = re.compile(r"^\s*(select|insert|update|delete|merge|create|describe)\b", re.I)
    offenders = []
    for path in [*(PROJECT_ROOT / "include").rglob("*.py"), *(PROJECT_ROOT / "dags").glob("*.py")]:
        tree = ast.parse(path.read_text())
        in_execute = {
            id(arg)
            for call in ast.walk(tree)
            if isinstance(call, ast.Call) and getattr(call.func, "attr", "") == "execute"
            for arg in ast.walk(call)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.JoinedStr):
                continue
            first = next((v.value for v in node.values if isinstance(v, ast.Constant)), "")
            if not (verb.match(first) or id(node) in in_execute):
                continue
            names = {
                n.id
                for v in node.values
                if isinstance(v, ast.FormattedValue)
                for n in ast.walk(v.value)
                if isinstance(n, ast.Name)
            }
            if names - allowed:
                offenders.append(f"{path.name}:{node.lineno} {sorted(names - allowed)}")
    assert offenders == []


def test_rendered_sql_has_no_parameter_values():
    text = render("pass2/merge_shot_zones", Identifiers())
    assert "@start_date" in text and "@end_date" in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)
    assert dt.date.today().isoformat() not in text
