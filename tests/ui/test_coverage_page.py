"""The backfill coverage plugin page ("Coverage" in the UI's navigation), served by a real
api-server on 127.0.0.1.

Two weeks of demo data; Pass 1 loads the first 11 days (through dag.test, i.e. a real
Airflow run in the metadata DB the api-server reads) and Pass 2's statement the first 7
(a Pass 2 run would take every day Pass 1 wrote: the other 4 show what it owes) and one
day Pass 1 has not loaded (its rows are Pass 2's only), then two days are damaged by
hand: one game loses a team's rows (Pass 1 partial, audit failing) and one day loses every
minutes value (NULL-minutes share outside the band). The page's JSON must agree with
figures computed here from the table itself, its endpoints must refuse requests without
a valid token, its navigation entry must be registered under a name that fits, and the
page must render in headless Chromium: the Pass 2 colouring, the tooltip's figures and
place, a backfill as a whole in the runs panel. Screenshots go to build/screenshots/
(tests/ui/ui_browser.py), never docs/ (`make screenshots`).
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
from ui_browser import COVERAGE_NAV_NAME, logged_in_page, open_coverage_page, save_screenshot

from nba_backfill import demo
from nba_backfill.days import GAME_TZ, DayRange
from nba_backfill.local.airflow_services import AirflowServices, airflow_env
from nba_backfill.local.runner import PASS1_DAG_ID, run_dag
from nba_backfill.pass2 import merge_window
from nba_backfill.warehouse import duckdb_warehouse

pytestmark = pytest.mark.e2e

START, END = dt.date(2021, 10, 19), dt.date(2021, 11, 1)  # demo data: two weeks
PASS1_END = dt.date(2021, 10, 29)  # Pass 1 loads 10-19 .. 10-29: 10-30 .. 11-01 missing
PASS2_END = dt.date(2021, 10, 25)  # Pass 2 enriches 10-19 .. 10-25
ONE_TEAM_DAY = dt.date(2021, 10, 21)  # one game keeps one team's rows only
NO_MINUTES_DAY = dt.date(2021, 10, 22)  # every minutes_played set to NULL
PASS2_ONLY_DAY = dt.date(2021, 10, 31)  # Pass 2 before Pass 1: rows only Pass 2 wrote
ZERO_PASS2_DAY = dt.date(2021, 10, 27)  # Pass 1 loaded, Pass 2 not: Pass 2 0 %
NO_GAMES_DAY = dt.date(2021, 10, 5)  # pre-season: no Final game
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
        data = demo.generate(START, END)
        for name, table in data.tables.items():
            warehouse.load_arrow(name, table)
        pass1 = run_dag(PASS1_DAG_ID, {"start_date": iso(START), "end_date": iso(PASS1_END)})
        assert pass1.ok, pass1
        merge_window(warehouse, DayRange(START, PASS2_END, "test"))
        merge_window(warehouse, DayRange(PASS2_ONLY_DAY, PASS2_ONLY_DAY, "test"))
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
        pass2_only = sum(
            1
            for r in rows[day]
            if r["pass1_processed_at"] is None and r["shot_zones_processed_at"] is not None
        )
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
            "pass2_only_rows": pass2_only,
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
    # a short name: the navigation bar cuts longer ones off under the icon ("Backfill c...")
    assert [v["name"] for v in plugin["external_views"]] == [COVERAGE_NAV_NAME]
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

    # rows only Pass 2 wrote (Pass 2 ran before Pass 1 on that day) are counted: on their
    # day (Pass 1 still missing there) and in the totals, beside the coverage of Pass 1 rows
    only = want[iso(PASS2_ONLY_DAY)]["pass2_only_rows"]
    assert only > 0 and sum(w["pass2_only_rows"] for w in want.values()) == only
    assert (on(PASS2_ONLY_DAY)["pass1"], on(PASS2_ONLY_DAY)["pass2_cell"]) == ("missing", "only")
    assert (totals["pass2_only_rows"], totals["days_pass2_only"]) == (only, 1)
    assert totals["pass2_rows"] == sum(w["pass2_rows"] for w in want.values())
    # the Pass 2 colouring: a 0 % game day is not a day without games
    assert on(ZERO_PASS2_DAY)["pass2_cell"] == "none"
    assert on(NO_GAMES_DAY)["pass2_cell"] == "no_games"
    assert {on(START + dt.timedelta(days=i))["pass2_cell"] for i in range(7)} == {"complete"}

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


TIP_BOX = """tip => {
    const r = tip.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
            width: document.documentElement.clientWidth, height: window.innerHeight};
}"""
CELL_BOX = "cell => { const r = cell.getBoundingClientRect(); return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; }"  # noqa: E501
FILL = "cell => getComputedStyle(cell).fill"


def test_page_renders_the_heatmap_in_chromium(site):
    services, token = site["services"], site["token"]
    started = time.monotonic()
    with logged_in_page(services.base_url, token, height=820) as page:
        frame = open_coverage_page(page, services.base_url)
        # the UI's navigation shows the entry (top level), its name whole; the page is its
        # iframe, at the same URL as before the entry was renamed
        nav = page.locator(f"a[aria-label='{COVERAGE_NAV_NAME}']")
        assert nav.get_attribute("href") == "/plugin/backfill-coverage"
        assert nav.inner_text().strip() == COVERAGE_NAV_NAME
        cut = nav.evaluate(
            "a => [a, ...a.querySelectorAll('*')].filter(e => e.scrollWidth > e.clientWidth + 1)"
            ".map(e => e.tagName + ' ' + e.textContent)"
        )
        assert cut == [], f"the navigation entry's name is cut off: {cut}"
        cells = frame.locator("rect.cell")
        assert cells.count() == 273
        assert frame.locator("rect.cell[data-pass1='missing']").count() == 3
        assert frame.locator("rect.cell[data-pass1='partial']").count() == 1
        assert frame.locator("rect.cell[data-audit='fail']").count() == 2
        assert frame.get_by_text("Season 2021-22").count() == 1
        assert "11 done, 0 running, 0 queued, 0 failed of 11" in frame.locator("#runs").inner_text()
        # the summary counts the rows only Pass 2 wrote, next to its coverage of Pass 1 rows
        only = (
            site["warehouse"]
            .run("audit/table_rows", {"start_date": PASS2_ONLY_DAY, "end_date": PASS2_ONLY_DAY})
            .rows
        )
        totals = frame.locator("#totals").inner_text()
        assert f"{len(only)}\nrows only Pass 2 wrote (on 1 day, waiting" in totals, totals
        assert "Pass 2 coverage of" in totals

        # the Pass 2 colouring: a game day at 0 %, a day without games and a day whose rows
        # are Pass 2's only each look their own way, each with its legend entry
        frame.locator("#mode").select_option("pass2")
        legend = frame.locator("#legend").inner_text()
        for label in ("No Final games", "Pass 2 0%", "Pass 2 only", "Pass 2 100% of Pass 1 rows"):
            assert label in legend, legend

        def fill(day: dt.date) -> str:
            return frame.locator(f"rect.cell[data-date='{iso(day)}']").evaluate(FILL)

        looks = {
            "zero": fill(ZERO_PASS2_DAY),
            "no games": fill(NO_GAMES_DAY),
            "pass 2 only": fill(PASS2_ONLY_DAY),
            "complete": fill(START),
        }
        assert len(set(looks.values())) == 4, looks
        assert frame.locator("rect.cell[data-pass2='none']").count() == 6  # 10-26..29, 30, 11-01
        frame.locator(f"rect.cell[data-date='{iso(PASS2_ONLY_DAY)}']").hover()
        text = frame.locator("#tip").inner_text()
        assert f"Pass 2: {len(only)} row(s) written by Pass 2 only, waiting for Pass 1" in text
        assert "- of rows" not in text
        frame.locator(f"rect.cell[data-date='{iso(ZERO_PASS2_DAY)}']").hover()
        assert "Pass 2: 0.0% of" in frame.locator("#tip").inner_text()
        save_screenshot(page, "coverage-pass2-colouring.png")
        frame.locator("#mode").select_option("nullshare")
        assert "outside the band" in frame.locator("#legend").inner_text()
        assert cells.count() == 273
        frame.locator("#mode").select_option("pass1")

        # hovering a day shows its figures, above the day's cell: never over its row, never
        # off the viewport
        one_team = frame.locator(f"rect.cell[data-date='{iso(ONE_TEAM_DAY)}']")
        one_team.hover()
        tip = frame.locator("#tip")
        assert "Pass 1 partial" in tip.inner_text()
        assert "rows for one team only" in tip.inner_text()
        box, cell = tip.evaluate(TIP_BOX), one_team.evaluate(CELL_BOX)
        assert box["bottom"] <= cell["top"], (box, cell)  # above the cell's row
        assert cell["top"] - box["bottom"] < 12, (box, cell)  # right above it
        assert box["left"] <= (cell["left"] + cell["right"]) / 2 <= box["right"], (box, cell)
        assert 0 <= box["left"] and box["right"] <= box["width"], box
        assert 0 <= box["top"] and box["bottom"] <= box["height"], box
        # and the day's cell links to its mapped task instance in the grid, in the top window
        link = frame.locator(f"a:has(rect.cell[data-date='{iso(ONE_TEAM_DAY)}'])")
        assert link.get_attribute("target") == "_top"
        assert "/tasks/load_day/mapped/" in link.get_attribute("href")
        path = save_screenshot(page, "backfill-coverage.png")
    assert path.exists() and time.monotonic() - started < 90


def test_tooltip_goes_below_a_cell_at_the_top_of_the_window_and_stays_inside(site):
    """With no room above the cell (its row at the top of the window), the tooltip goes
    below it; near the window's right edge it is clamped to the viewport."""
    services, token = site["services"], site["token"]
    with logged_in_page(services.base_url, token, width=700, height=600) as page:
        page.goto(f"{services.base_url}/nba-coverage/")
        page.locator("body[data-ready='1']").wait_for(timeout=60_000)
        # room to scroll the Monday row of the strip to the top edge of the window
        page.evaluate("document.body.style.paddingBottom = '2000px'")
        mondays = ("2021-10-04", "2022-05-09")  # the strip's 2nd and 33rd weeks
        page.locator(f"rect.cell[data-date='{mondays[0]}']").evaluate(
            "cell => window.scrollTo(0, cell.getBoundingClientRect().top + window.scrollY - 4)"
        )
        for day in mondays:
            target = page.locator(f"rect.cell[data-date='{day}']")
            target.hover()
            box, at = page.locator("#tip").evaluate(TIP_BOX), target.evaluate(CELL_BOX)
            assert at["top"] < 10, at  # the row is at the top: no room above
            assert box["top"] >= at["bottom"], (day, box, at)  # below the row
            assert 0 <= box["left"] and box["right"] <= box["width"], (day, box)
            assert 0 <= box["top"] and box["bottom"] <= box["height"], (day, box)


@pytest.fixture
def backfill(site):
    """A backfill of Pass 1 over the two weeks (one run per day, created by the REST API
    as `airflow backfill create` does), with 2 runs done and 1 running (set here: no
    scheduler runs them); removed afterwards, runs included (the metadata DB is shared)."""
    from airflow.models.backfill import Backfill, BackfillDagRun
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session

    services, token = site["services"], site["token"]
    with create_session() as session:
        # earlier tests' Pass 1 runs of these days (the metadata DB is shared by the
        # session) would be taken by the backfill as done: this one starts from none
        first = dt.datetime.combine(START, dt.time(), GAME_TZ)
        last = dt.datetime.combine(END + dt.timedelta(days=1), dt.time(), GAME_TZ)
        session.query(DagRun).filter(
            DagRun.dag_id == PASS1_DAG_ID,
            DagRun.logical_date >= first,
            DagRun.logical_date < last,
        ).delete(synchronize_session=False)
        # ... and an earlier test's backfill that its scheduler did not get to mark
        # complete would refuse this one ("already a running backfill")
        session.query(Backfill).filter(
            Backfill.dag_id == PASS1_DAG_ID, Backfill.completed_at.is_(None)
        ).update({"completed_at": dt.datetime.now(dt.UTC)}, synchronize_session=False)
    status, body = services.api(
        "POST",
        "/api/v2/backfills",
        {
            "dag_id": PASS1_DAG_ID,
            "from_date": f"{iso(START)}T00:00:00Z",
            "to_date": f"{iso(END)}T00:00:00Z",
            "max_active_runs": 2,
        },
        token=token,
    )
    assert status == 200, body
    backfill_id = body["id"]
    try:
        now = dt.datetime.now(dt.UTC)
        with create_session() as session:
            runs = (
                session.query(DagRun)
                .join(BackfillDagRun, BackfillDagRun.dag_run_id == DagRun.id)
                .filter(BackfillDagRun.backfill_id == backfill_id)
                .order_by(DagRun.logical_date)
                .all()
            )
            for run, state in zip(runs, ("success", "success", "running"), strict=False):
                run.state = state
                run.start_date = now - dt.timedelta(seconds=2)
                if state == "success":
                    run.end_date = now - dt.timedelta(seconds=1)
        yield backfill_id
    finally:
        with create_session() as session:
            run_ids = [
                r
                for (r,) in session.query(BackfillDagRun.dag_run_id).filter(
                    BackfillDagRun.backfill_id == backfill_id
                )
            ]
            session.query(BackfillDagRun).filter(BackfillDagRun.backfill_id == backfill_id).delete()
            session.query(DagRun).filter(DagRun.id.in_(run_ids)).delete(synchronize_session=False)
            session.query(Backfill).filter(Backfill.id == backfill_id).delete()


def test_a_backfill_shows_as_a_whole_in_the_runs_panel(site, backfill):
    """During `airflow backfill create` (one run per day, all created at once) the panel
    shows the backfill: runs done of total, its days, a projected finish; the runs table
    lists the running runs, not every queued day of the backfill."""
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session

    services, token = site["services"], site["token"]
    status, body = services.api("GET", "/nba-coverage/api/runs", token=token)
    assert status == 200, body
    b = body["backfill"]
    assert (b["id"], b["state"], b["from_date"], b["to_date"]) == (
        backfill, "running", iso(START), iso(END),
    )  # fmt: skip
    assert (b["total"], b["done"], b["running"], b["queued"], b["failed"]) == (14, 2, 1, 11, 0)
    assert (b["remaining"], b["max_active_runs"]) == (12, 2)
    assert b["left_s"] > 0
    projected = dt.datetime.fromisoformat(b["projected_finish"])
    assert projected >= dt.datetime.fromisoformat(body["now"])  # (both to the second)
    assert b["line"].startswith(f"backfill {backfill} of {PASS1_DAG_ID}: 2/14 days done")
    with create_session() as session:  # (the session's DB may hold other tests' runs)
        active = {
            state: session.query(DagRun)
            .filter(DagRun.dag_id == PASS1_DAG_ID, DagRun.state == state)
            .count()
            for state in ("running", "queued")
        }
    assert (body["running"], body["queued"]) == (active["running"], active["queued"])
    listed = [r for r in body["runs"] if r["state"] in ("running", "queued")]
    assert [r["state"] for r in listed] == ["running"] * len(listed)
    assert "backfill__2021-10-21T00:00:00-04:00" in {r["run_id"] for r in listed}
    more = active["running"] + active["queued"] - len(listed)
    assert more >= 11 and body["active_not_listed"] == more

    with logged_in_page(services.base_url, token, height=820) as page:
        frame = open_coverage_page(page, services.base_url)
        panel = frame.locator("#backfill")
        text = panel.inner_text()
        assert f"Backfill {backfill} of {iso(START)} .. {iso(END)} (running" in text, text
        assert "2/14 runs done" in text and "1 running, 11 queued, 0 failed" in text, text
        assert "projected finish" in text and "left)" in text, text
        runs = frame.locator("#runs").inner_text()
        assert f"and {more} more queued or running run(s) (the backfill's" in runs, runs
        save_screenshot(page, "coverage-during-a-backfill.png")
