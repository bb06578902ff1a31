"""The "Backfill coverage" plugin page, served by a real api-server on 127.0.0.1.

Two weeks of demo data; Pass 1 loads the first 11 days (through dag.test, i.e. a real
Airflow run in the metadata DB the api-server reads) and Pass 2's statement the first 7
(a Pass 2 run would take every day Pass 1 wrote: the other 4 show what it owes), then two days are
damaged by hand: one game loses a team's rows (Pass 1 partial, audit failing) and one day
loses every minutes value (NULL-minutes share outside the band). The page's JSON must
agree with figures computed here from the table itself, its endpoints must refuse
requests without a valid token, its navigation entry must be registered, and the page must
render in headless Chromium (docs/backfill-coverage.png).
"""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.error
import urllib.request
from collections import defaultdict
from urllib.parse import quote

import pytest
from ui_browser import logged_in_page, save_screenshot

from nba_backfill import demo_data
from nba_backfill.days import DayRange
from nba_backfill.local_airflow import AirflowServices, airflow_env
from nba_backfill.pass2 import merge_window
from nba_backfill.runner import PASS1_DAG_ID, run_dag
from nba_backfill.warehouse import duckdb_warehouse

pytestmark = pytest.mark.e2e

START, END = dt.date(2021, 10, 19), dt.date(2021, 11, 1)  # demo data: two weeks
PASS1_END = dt.date(2021, 10, 29)  # Pass 1 loads 10-19 .. 10-29: 10-30 .. 11-01 missing
PASS2_END = dt.date(2021, 10, 25)  # Pass 2 enriches 10-19 .. 10-25
ONE_TEAM_DAY = dt.date(2021, 10, 21)  # one game keeps one team's rows only
NO_MINUTES_DAY = dt.date(2021, 10, 22)  # every minutes_played set to NULL
PAGE = "/nba-coverage/"
API = "/nba-coverage/api/coverage"


def iso(day: dt.date) -> str:
    return day.isoformat()


@pytest.fixture(scope="module")
def site(airflow_db, tmp_path_factory):
    """Demo warehouse, both passes through Airflow, the damage, and an api-server."""
    tmp = tmp_path_factory.mktemp("coverage")
    path = tmp / "warehouse.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(
            "AIRFLOW_CONN_NBA_WAREHOUSE",
            json.dumps({"conn_type": "duckdb", "extra": {"path": str(path)}}),
        )
        warehouse = duckdb_warehouse(path)
        warehouse.apply_schema()
        data = demo_data.generate(START, END)
        for name, table in data.tables.items():
            warehouse.load_arrow(name, table)
        pass1 = run_dag(PASS1_DAG_ID, {"start_date": iso(START), "end_date": iso(PASS1_END)})
        assert pass1.ok, pass1
        merge_window(warehouse, DayRange(START, PASS2_END, "test"))
        with warehouse.connect() as con:
            game_id, team = con.execute(
                "select game_id, min(team_abbr) from nba_analytics.player_game_summary "
                "where game_date = ? group by game_id order by game_id limit 1",
                [ONE_TEAM_DAY],
            ).fetchone()
            con.execute(
                "delete from nba_analytics.player_game_summary where game_id = ? and team_abbr = ?",
                [game_id, team],
            )
            con.execute(
                "update nba_analytics.player_game_summary set minutes_played = null "
                "where game_date = ?",
                [NO_MINUTES_DAY],
            )
        env = airflow_env(AIRFLOW__API_AUTH__JWT_SECRET="test-secret-not-for-production")
        with AirflowServices(env, tmp / "logs", components=("api-server",)) as services:
            yield {
                "services": services,
                "token": services.token(),
                "warehouse": warehouse,
                "data": data,
                "pass1": pass1,
                "damaged_game": game_id,
            }


def get(services, path: str, token: str | None = None, cookie: str | None = None):
    request = urllib.request.Request(f"{services.base_url}{path}")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if cookie:
        request.add_header("Cookie", f"_token={cookie}")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def expected_days(site) -> dict[str, dict]:
    """Per day, from the raw schedule and the output table read row by row here."""
    band = (0.35, 0.45)
    final = defaultdict(dict)
    for g in site["data"].tables["nbac_schedule"].to_pylist():
        if g["game_status"] == "Final":
            final[g["game_date"]][g["game_id"]] = {g["home_team_abbr"], g["away_team_abbr"]}
    rows = defaultdict(list)
    with site["warehouse"].connect() as con:
        cursor = con.execute(
            "select game_date, game_id, team_abbr, primary_source_used, minutes_played, "
            "pass1_processed_at, shot_zones_processed_at from nba_analytics.player_game_summary"
        )
        columns = [c[0] for c in cursor.description]
        for values in cursor.fetchall():
            row = dict(zip(columns, values, strict=True))
            rows[row["game_date"]].append(row)
    out = {}
    for day in sorted(set(final) | set(rows)):
        loaded = [r for r in rows[day] if r["pass1_processed_at"] is not None]
        teams = defaultdict(set)
        for r in loaded:
            teams[r["game_id"]].add(r["team_abbr"])
        complete = sum(1 for g, both in final[day].items() if teams.get(g, set()) >= both)
        gamebook = [r for r in loaded if r["primary_source_used"] == "nbac_gamebook"]
        nulls = sum(1 for r in gamebook if r["minutes_played"] is None)
        share = nulls / len(gamebook) if gamebook else None
        pass2 = sum(1 for r in loaded if r["shot_zones_processed_at"] is not None)
        one_team = sum(1 for g in final[day] if len(teams.get(g, set())) == 1)
        if not final[day]:
            pass1 = "no_games"
        elif complete == len(final[day]):
            pass1 = "complete"
        elif not loaded:
            pass1 = "missing"
        else:
            pass1 = "partial"
        failing = one_team > 0 or (share is not None and not band[0] <= share <= band[1])
        out[iso(day)] = {
            "final_games": len(final[day]),
            "games_complete": complete,
            "games_one_team": one_team,
            "pass1_rows": len(loaded),
            "gamebook_rows": len(gamebook),
            "null_minutes_rows": nulls,
            "pass2_rows": pass2,
            "pass1": pass1,
            "audit": "fail" if failing else ("pass" if loaded else "none"),
        }
    return out


def test_endpoints_require_airflow_authentication(site):
    services, token = site["services"], site["token"]
    for path in (PAGE, API, "/nba-coverage/api/runs"):
        assert get(services, path)[0] == 401, path
        assert get(services, path, token="not-a-jwt")[0] == 403, path
        assert get(services, path, token=token)[0] == 200, path
        # the UI's login cookie is accepted too (what the iframe sends)
        assert get(services, path, cookie=token)[0] == 200, path
    status, body = get(services, PAGE, token=token)
    assert "Backfill coverage" in body and "api/coverage" in body


def test_navigation_entry_is_registered(site):
    status, body = site["services"].api("GET", "/api/v2/plugins", token=site["token"])
    assert status == 200, body
    plugin = next(p for p in body["plugins"] if p["name"] == "nba_backfill_coverage")
    assert [v["name"] for v in plugin["external_views"]] == ["Backfill coverage"]
    view = plugin["external_views"][0]
    assert (view["href"], view["url_route"], view["destination"]) == (
        PAGE,
        "backfill-coverage",
        "nav",
    )
    assert [a["url_prefix"] for a in plugin["fastapi_apps"]] == ["/nba-coverage"]
    assert plugin["flask_blueprints"] == [] and plugin["appbuilder_views"] == []


def test_coverage_figures_match_the_table(site):
    services, token = site["services"], site["token"]
    status, body = services.api("GET", API, token=token)
    assert status == 200, body
    assert body["query"]["statements"] == 2  # the figures and the staleness verdicts
    assert body["null_minutes_band"] == [0.35, 0.45]
    # the default view starts with the history (2021-10-01) and ends today; only seasons
    # with rows get a strip, each from October 1 to June 30
    assert [(s["label"], s["start"], s["end"]) for s in body["seasons"]] == [
        ("2021-22", "2021-10-01", "2022-06-30")
    ]
    days = {d["date"]: d for d in body["seasons"][0]["days"]}
    assert len(days) == 273
    want = expected_days(site)
    assert set(want) == {iso(START + dt.timedelta(days=i)) for i in range(14)}
    for date, figures in want.items():
        got = {k: days[date][k] for k in figures}
        assert got == figures, date
    for date, day in days.items():
        if date not in want:
            assert (day["pass1"], day["final_games"], day["audit"]) == ("no_games", 0, "none")

    # hand-computed expectations
    def on(day: dt.date) -> dict:
        return days[iso(day)]

    assert {on(START + dt.timedelta(days=i))["pass1"] for i in range(11, 14)} == {"missing"}
    assert on(ONE_TEAM_DAY)["pass1"] == "partial"
    assert on(ONE_TEAM_DAY)["games_one_team"] == 1
    assert on(ONE_TEAM_DAY)["audit_problems"] == ["1 game(s) with rows for one team only"]
    assert on(NO_MINUTES_DAY)["pass1"] == "complete"
    assert on(NO_MINUTES_DAY)["null_minutes_share"] == 1.0
    assert on(NO_MINUTES_DAY)["audit_problems"] == ["NULL-minutes share 100.0% outside 35%-45%"]
    for i in range(14):
        day = on(START + dt.timedelta(days=i))
        if START + dt.timedelta(days=i) <= PASS2_END:
            assert day["pass2_coverage"] == 1.0, day["date"]
        elif START + dt.timedelta(days=i) <= PASS1_END:
            assert day["pass2_coverage"] == 0.0, day["date"]
        else:
            assert day["pass2_coverage"] is None, day["date"]
    other = [d for d in want if iso(START) <= d <= iso(PASS1_END)]
    other = [d for d in other if d not in (iso(ONE_TEAM_DAY), iso(NO_MINUTES_DAY))]
    assert {days[d]["audit"] for d in other} == {"pass"}
    totals = body["totals"]
    assert totals["game_days"] == 14
    assert (totals["days_complete"], totals["days_partial"], totals["days_missing"]) == (10, 1, 3)
    assert totals["days_audit_fail"] == 2
    assert totals["pass1_rows"] == sum(w["pass1_rows"] for w in want.values())

    # a second request within 30 s is served from the cache
    status, again = services.api("GET", API, token=token)
    assert status == 200 and again["cache_age_s"] > 0
    assert again["seasons"] == body["seasons"]


def test_each_day_links_to_its_mapped_task_instance_in_the_grid(site):
    services, token = site["services"], site["token"]
    body = services.api("GET", API, token=token)[1]
    run_id = site["pass1"].run_id
    # (the session's metadata DB may hold other tests' runs of other days: only ours here)
    loaded = {iso(START + dt.timedelta(days=i)) for i in range(11)}
    links = {date: link for date, link in body["links"].items() if date in loaded}
    assert set(links) == loaded
    for date, link in links.items():
        assert link["run_id"] == run_id and link["state"] == "success"
        assert link["url"] == (
            f"/dags/{PASS1_DAG_ID}/runs/{quote(run_id, safe='')}"
            f"/tasks/load_day/mapped/{link['map_index']}"
        )
        status, ti = services.api(
            "GET",
            f"/api/v2/dags/{PASS1_DAG_ID}/dagRuns/{quote(run_id, safe='')}"
            f"/taskInstances/load_day/{link['map_index']}",
            token=token,
        )
        assert status == 200 and ti["rendered_map_index"] == date, ti


def test_run_progress_of_pass1(site):
    services, token = site["services"], site["token"]
    status, body = services.api("GET", "/nba-coverage/api/runs", token=token)
    assert status == 200, body
    # running runs first (none of ours), then the latest finished run: ours
    run = body["runs"][-1]
    assert run["run_id"] == site["pass1"].run_id and run["state"] == "success"
    assert run["range"] == [iso(START), iso(PASS1_END)]
    assert (run["mapped_instances"], run["done"], run["running"], run["queued"]) == (11, 11, 0, 0)
    assert run["failed"] == 0 and run["remaining"] == 0
    assert 0 < run["median_duration_s"] < 60
    # a finished run's "projection" is when its last day finished
    status, tis = services.api(
        "GET",
        f"/api/v2/dags/{PASS1_DAG_ID}/dagRuns/{quote(run['run_id'], safe='')}"
        "/taskInstances?task_id=load_day&limit=100",
        token=token,
    )
    last_end = max(dt.datetime.fromisoformat(t["end_date"]) for t in tis["task_instances"])
    projected = dt.datetime.fromisoformat(run["projected_finish"])
    assert abs((projected - last_end).total_seconds()) < 1


def test_page_renders_the_heatmap_in_chromium(site):
    services, token = site["services"], site["token"]
    started = time.monotonic()
    with logged_in_page(services.base_url, token, height=820) as page:
        page.goto(f"{services.base_url}/plugin/backfill-coverage")
        # the UI's navigation shows the entry (top level); the page is its iframe
        nav = page.locator("a[aria-label='Backfill coverage']")
        nav.wait_for()
        assert nav.get_attribute("href") == "/plugin/backfill-coverage"
        frame = page.frame_locator("iframe")
        frame.locator("body[data-ready='1']").wait_for(timeout=60_000)
        cells = frame.locator("rect.cell")
        assert cells.count() == 273
        assert frame.locator("rect.cell[data-pass1='missing']").count() == 3
        assert frame.locator("rect.cell[data-pass1='partial']").count() == 1
        assert frame.locator("rect.cell[data-audit='fail']").count() == 2
        assert frame.get_by_text("Season 2021-22").count() == 1
        assert "11 done, 0 running, 0 queued, 0 failed of 11" in frame.locator("#runs").inner_text()
        # the other colourings: Pass 2 coverage and the NULL-minutes share against the band
        frame.locator("#mode").select_option("pass2")
        assert "100% of Pass 1 rows" in frame.locator("#legend").inner_text()
        frame.locator("#mode").select_option("nullshare")
        assert "outside the band" in frame.locator("#legend").inner_text()
        assert cells.count() == 273
        frame.locator("#mode").select_option("pass1")
        # hovering a day shows its figures
        frame.locator(f"rect.cell[data-date='{iso(ONE_TEAM_DAY)}']").hover()
        tip = frame.locator("#tip")
        assert "Pass 1 partial" in tip.inner_text()
        assert "rows for one team only" in tip.inner_text()
        # and the day's cell links to its mapped task instance in the grid, in the top window
        link = frame.locator(f"a:has(rect.cell[data-date='{iso(ONE_TEAM_DAY)}'])")
        assert link.get_attribute("target") == "_top"
        assert "/tasks/load_day/mapped/" in link.get_attribute("href")
        path = save_screenshot(page, "backfill-coverage.png")
    assert path.exists() and time.monotonic() - started < 90
