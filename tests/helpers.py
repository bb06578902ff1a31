"""Small builders for hand-made raw rows and readers of the output table."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa

TS = dt.datetime(2021, 10, 20, 8, 0, tzinfo=dt.UTC)


def game_parts(game_id: str) -> tuple[dt.date, str, str]:
    """'20211019_BKN_MIL' -> (date, away, home)."""
    day, away, home = game_id.split("_")
    return dt.datetime.strptime(day, "%Y%m%d").date(), away, home


def insert(warehouse, table: str, rows: list[dict[str, Any]]) -> None:
    """Append rows to a raw table (columns not given are NULL)."""
    if not rows:
        return
    columns = sorted({k for r in rows for k in r})
    data = pa.table({c: [r.get(c) for r in rows] for c in columns})
    warehouse.load_arrow(table, data, replace_dates=False)


def schedule(game_id: str, status: str = "Final", season_year: int = 2021) -> dict:
    day, away, home = game_parts(game_id)
    return {
        "game_id": game_id,
        "game_date": day,
        "season_year": season_year,
        "home_team_abbr": home,
        "away_team_abbr": away,
        "game_status": status,
        "is_playoffs": False,
    }


def gamebook(game_id: str, team: str, name: str, lookup: str | None = None, **values) -> dict:
    day, away, home = game_parts(game_id)
    row = {
        "game_id": game_id,
        "game_date": day,
        "season_year": 2021,
        "home_team_abbr": home,
        "away_team_abbr": away,
        "team_abbr": team,
        "player_name": name,
        "player_lookup": lookup,
        "player_status": "active",
        "minutes": "30:00",
        "processed_at": TS,
    }
    row.update(values)
    return row


def bdl(game_id: str, team: str, name: str, lookup: str | None = None, **values) -> dict:
    day, away, home = game_parts(game_id)
    row = {
        "game_id": game_id,
        "game_date": day,
        "season_year": 2021,
        "home_team_abbr": home,
        "away_team_abbr": away,
        "team_abbr": team,
        "player_full_name": name,
        "player_lookup": lookup,
        "minutes": "30",
        "processed_at": TS,
    }
    row.update(values)
    return row


def alias(
    source: str,
    spelled: str,
    key: str,
    team: str | None = None,
    first_season: int | None = None,
    last_season: int | None = None,
    **values,
) -> dict:
    """One row of nba_reference.player_aliases (in force, loaded at TS unless given)."""
    row = {
        "source": source,
        "alias": spelled,
        "team_abbr": team,
        "first_season": first_season,
        "last_season": last_season,
        "player_lookup": key,
        "updated_at": TS,
    }
    row.update(values)
    return row


def summary_rows(warehouse, start=dt.date(2000, 1, 1), end=dt.date(2100, 1, 1)) -> dict:
    """The output table as {(game_id, player_lookup): row}."""
    rows = warehouse.run("audit/table_rows", {"start_date": start, "end_date": end}).rows
    return {(r["game_id"], r["player_lookup"]): r for r in rows}


def pbp(
    game_id: str, seq: int, event_type: str, clock: str = "11:00", period: int = 1, **values
) -> dict:
    """One play-by-play event; event_id = {game_id}_{seq} unless given."""
    day, away, home = game_parts(game_id)
    minutes, seconds = clock.split(":")
    row = {
        "game_id": game_id,
        "game_date": day,
        "season_year": 2021,
        "home_team_abbr": home,
        "away_team_abbr": away,
        "event_id": f"{game_id}_{seq}",
        "event_sequence": seq,
        "period": period,
        "game_clock": clock,
        "game_clock_seconds": int(minutes) * 60 + int(seconds),
        "event_type": event_type,
        "data_source": "bigdataball",
        "processed_at": TS,
    }
    row.update(values)
    return row


def shot(
    game_id,
    seq,
    shooter,
    made,
    distance,
    shot_type="2PT",
    subtype="jump shot",
    clock="11:00",
    **values,
):
    return pbp(
        game_id, seq, "shot", clock=clock, player_1_lookup=shooter, shot_made=made,
        shot_distance=distance, shot_type=shot_type, event_subtype=subtype, **values,
    )  # fmt: skip


def free_throw(game_id, seq, shooter, subtype="free throw 1/1", made=True, clock="11:00", **values):
    return pbp(
        game_id, seq, "free throw", clock=clock, player_1_lookup=shooter, shot_made=made,
        shot_type="FT", event_subtype=subtype, **values,
    )  # fmt: skip


SHOT_ZONE_COLUMNS = [
    "paint_attempts", "paint_makes", "mid_range_attempts", "mid_range_makes",
    "three_attempts_pbp", "three_makes_pbp", "assisted_fg_makes", "unassisted_fg_makes",
    "and1_count", "paint_blocks", "mid_range_blocks", "three_pt_blocks", "pbp_shot_events",
    "pbp_fallback_events",
]  # fmt: skip


ZERO_ZONES = dict.fromkeys(SHOT_ZONE_COLUMNS, 0)
# the zones of a player whose one shot, a made paint shot without an assist, is all he did
ONE_MADE_PAINT = {
    **ZERO_ZONES,
    "paint_attempts": 1,
    "paint_makes": 1,
    "unassisted_fg_makes": 1,
    "pbp_shot_events": 1,
}


def zones(row: dict) -> dict:
    return {c: row[c] for c in SHOT_ZONE_COLUMNS}


def processed_at(warehouse, game_id: str, player_lookup: str) -> tuple:
    """(pass1_processed_at, shot_zones_processed_at) of one row."""
    con = warehouse.connect()
    try:
        return con.execute(
            "select pass1_processed_at, shot_zones_processed_at "
            "from nba_analytics.player_game_summary where game_id = ? and player_lookup = ?",
            [game_id, player_lookup],
        ).fetchone()
    finally:
        con.close()


def forget_earlier_runs(dag_ids) -> None:
    """The metadata DB is shared by the session: earlier modules' dag.test() runs of Pass 1
    emitted asset events that would start Pass 2 runs as soon as a module starts a
    scheduler, against that module's warehouse, and that the first asset-triggered Pass 2
    run would consume with its own (it merges the ranges of every event since the last
    asset-triggered run). Drop the queued runs and the events, and settle any unfinished
    run first."""
    from airflow.models.asset import AssetDagRunQueue, AssetEvent
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from sqlalchemy import delete

    from nba_backfill.local.runner import recount_active_runs

    with create_session() as session:
        session.query(AssetDagRunQueue).delete()
        session.execute(delete(AssetEvent))  # (their links to runs go by ON DELETE CASCADE)
        for run in session.query(DagRun).filter(
            DagRun.dag_id.in_(dag_ids), DagRun.state.in_(["queued", "running"])
        ):
            run.state = "failed"
        session.flush()
        recount_active_runs(dag_ids, session)


PROJECT_DAGS = ("nba_pass1_box_scores", "nba_pass2_shot_zones")


def scheduler_env(*, unpause: tuple[str, ...] = (), **settings: str) -> dict[str, str]:
    """The environment of a test that starts its own scheduler (LocalExecutor, a test JWT
    secret, plus `settings`), with the DAGs reserialized, the shared metadata DB quiet
    (`forget_earlier_runs`) and the `unpause` DAGs unpaused."""
    from nba_backfill.local.airflow_services import airflow_cli, airflow_env

    env = airflow_env(
        AIRFLOW__CORE__EXECUTOR="LocalExecutor",
        AIRFLOW__API_AUTH__JWT_SECRET="test-secret-not-for-production",
        **settings,
    )
    airflow_cli("dags", "reserialize", env=env)
    forget_earlier_runs(PROJECT_DAGS)
    for dag_id in unpause:
        airflow_cli("dags", "unpause", dag_id, env=env)
    return env


# Names whose key (`player_lookup`) is easy to get wrong, with the key the contract gives
# (accents folded by Unicode NFKD, lower case, a-z only); the lookup delivered beside the
# name is only used when the name gives nothing. Written by hand.
HARD_NAMES = [
    # (name, delivered lookup, key)
    ("Nikola Jokić", "nikolajoki", "nikolajokic"),
    ("Luka Dončić", None, "lukadoncic"),
    ("Bojan Bogdanović", "bojanbogdanovi", "bojanbogdanovic"),
    ("Kristaps Porziņģis", "kristapsporziis", "kristapsporzingis"),
    ("Jonas Valančiūnas", None, "jonasvalanciunas"),
    ("Dennis Schröder", None, "dennisschroder"),
    ("Dario Šarić", None, "dariosaric"),
    ("Ersan İlyasova", None, "ersanilyasova"),
    ("Nenê", None, "nene"),
    ("Álex Abrines", None, "alexabrines"),
    ("Timothé Luwawu-Cabarrot", None, "timotheluwawucabarrot"),
    ("D'Angelo Russell", None, "dangelorussell"),
    ("Shaquille O'Neal", None, "shaquilleoneal"),
    ("Karl-Anthony Towns", None, "karlanthonytowns"),
    ("P.J. Tucker", None, "pjtucker"),
    ("Tim Hardaway Jr.", None, "timhardawayjr"),
    ("Jimmy Butler III", None, "jimmybutleriii"),
    ("  Kevin   Durant ", None, "kevindurant"),
    ("LEBRON JAMES", None, "lebronjames"),
    ("ﬁnn Ｆｕｌｌ", None, "finnfull"),  # a ligature and full-width letters (NFKD)
    # letters NFKD keeps as they are, transliterated: each one, upper and lower case
    ("Ömer Aşık", "omerask", "omerasik"),  # ı (a feed's lookup that dropped it)
    ("Kristian Jørgensen", None, "kristianjorgensen"),  # ø
    ("ØRJAN ØDEGÅRD", None, "orjanodegard"),  # Ø
    ("Marcin Łukasiewicz", None, "marcinlukasiewicz"),  # Ł, ł (no NFKD mark on either)
    ("Đorđe Gagić", None, "dordegagic"),  # Đ, đ
    ("Guðmundur Þórsson", None, "gudmundurthorsson"),  # ð, Þ
    ("Ħarry Ħal", None, "harryhal"),  # Ħ, ħ
    ("Ŧomas Ŧeit", None, "tomasteit"),  # Ŧ, ŧ
    ("ĸaj Ƒox", None, "kajfox"),  # ĸ, Ƒ
    ("Ɓello Ɗaudu Ƙabiru Ƴusuf", None, "bellodaudukabiruyusuf"),  # West African hooks
    ("Ələkbər Əliyev", None, "elekbereliyev"),  # Ə, ə
    ("Kwɛku Ɔwusu", None, "kwekuowusu"),  # ɛ, Ɔ
    ("Ɨsa Ǝze", None, "isaeze"),  # Ɨ, Ǝ
    ("Dennis Schröder Straße", None, "dennisschroderstrasse"),  # ß
    ("ẞIMON GROẞ", None, "ssimongross"),  # capital sharp s
    ("Ægir Lærdal", None, "aegirlaerdal"),  # Æ, æ
    ("Œdipe Cœur", None, "oedipecoeur"),  # Œ, œ
    ("Ŋkem Oŋu", None, "ngkemongu"),  # Ŋ, ŋ
    ("Jalen Johnson", "1630552jalenjohnson", "jalenjohnson"),
    (None, "1630552jalenjohnson", "jalenjohnson"),  # no name: the delivered lookup
    ("", "Dončić", "doncic"),
    ("1234", "1234", None),  # nothing to key on: the row is dropped
]


def wait_for(predicate, timeout=240, what="", services=None):
    """The first truthy value of `predicate()`, asked every second; fails after `timeout`
    seconds naming `what` (with the scheduler's last log lines, given the services)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(1)
    raise AssertionError(
        f"timed out waiting for {what}\n{services.tail('scheduler') if services else ''}"
    )


def production_ddl(table: str) -> str:
    """The production CREATE TABLE of tests/fixtures/production-ddl/<table>.sql (hand-copied
    from najicham/nba-stats-scraper) for DuckDB, as `<dataset>.<table>` (partitioning,
    clustering and options dropped: storage settings)."""
    from pathlib import Path

    import sqlglot
    from sqlglot import exp

    text = (Path(__file__).parent / "fixtures" / "production-ddl" / f"{table}.sql").read_text()
    create = next(s for s in sqlglot.parse(text, read="bigquery") if isinstance(s, exp.Create))
    create.set("properties", None)
    create.this.set("this", exp.to_table(table))
    return create.sql("duckdb")


def nbacom_schedule(native: pa.Table) -> list[dict]:
    """The native schedule rows as NBA.com delivers them: its own 10-digit ids (in date
    order within a season), tricodes padded and in lower case here and there, the status
    as a code and a text (a postponed game: code 1, text 'PPD')."""
    rows = sorted(native.to_pylist(), key=lambda r: (r["game_date"], r["game_id"]))
    out = []
    for n, r in enumerate(rows, start=1):
        status = {"final": (3, "Final"), "postponed": (1, "PPD")}.get(
            r["game_status"].strip().lower(), (1, "7:30 pm ET")
        )
        if status[0] == 3:  # the code decides; without a code, the text
            status = [(3, None), (3, "Final/OT"), (None, "Final/OT"), (3, "Final")][n % 4]
        yy = r["season_year"] % 100
        out.append({
            "game_id": f"002{yy:02d}{n:05d}",
            "game_code": f"{r['game_date']:%Y%m%d}/{r['away_team_abbr']}{r['home_team_abbr']}",
            "season": str(r["season_year"]),
            "season_nba_format": f"{r['season_year']}-{(r['season_year'] + 1) % 100:02d}",
            "season_year": r["season_year"],
            "game_date": r["game_date"],
            "game_status": status[0],
            "game_status_text": status[1],
            "home_team_id": 1610612700 + n % 30,
            "home_team_tricode": r["home_team_abbr"] if n % 3 else f" {r['home_team_abbr'].lower()}",
            "home_team_name": "home",
            "away_team_id": 1610612700 + (n + 1) % 30,
            "away_team_tricode": r["away_team_abbr"],
            "away_team_name": "away",
            "is_playoffs": r["is_playoffs"],
            "source_file_path": "gs://nba-scraped-data/schedule.json",
            "created_at": dt.datetime(2021, 10, 1, tzinfo=dt.UTC),
            "processed_at": dt.datetime(2021, 10, 1, tzinfo=dt.UTC),
        })  # fmt: skip
    return out
