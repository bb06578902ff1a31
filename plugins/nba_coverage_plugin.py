"""Airflow 3 plugin: the backfill coverage page of player_game_summary.

A FastAPI app mounted by the api-server under `/nba-coverage` (no Flask), and an external
view that puts "Coverage" in the UI's navigation (a short name: the navigation bar cuts
longer ones off); the UI shows the page in an iframe at `/plugin/backfill-coverage`.

    GET /nba-coverage/               the page (calendar heatmap, run progress)
    GET /nba-coverage/api/coverage   ?start=YYYY-MM-DD&end=YYYY-MM-DD: per-day figures
    GET /nba-coverage/api/runs       running Pass 1 runs: mapped instances by state,
                                     median duration per day, projected finish; and the
                                     newest `airflow backfill create` of Pass 1 as a
                                     whole (runs done of total, days, projected finish)

Plugin endpoints are not protected by the api-server; every route here depends on
Airflow's own authorization (`requires_access_dag`: a valid JWT in the Authorization
header or the UI's `_token` cookie, and read access to the Pass 1 DAG's runs): 401
without a token, 403 with an invalid one or without access.

The warehouse figures come from ONE statement per view (include/sql/coverage/
daily_coverage.sql through nba_backfill.warehouse.get_warehouse(), so DuckDB or BigQuery),
cached for 30 s; run progress comes from Airflow's metadata DB.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

from airflow.plugins_manager import AirflowPlugin

URL_PREFIX = "/nba-coverage"
URL_ROUTE = "backfill-coverage"  # the UI's URL of the page: /plugin/backfill-coverage
NAV_NAME = "Coverage"  # the navigation entry (icon + at most ~9 characters fit)
PASS1_DAG_ID = "nba_pass1_box_scores"
PAGE = Path(__file__).with_name("nba_coverage") / "page.html"


def create_app():
    """The FastAPI app. Built on the first request: every Airflow process loads plugins
    (each task process too), and FastAPI plus the api-server's security module cost about
    a second to import, which only the api-server should pay."""
    from airflow.api_fastapi.auth.managers.models.resource_details import DagAccessEntity
    from airflow.api_fastapi.core_api.security import requires_access_dag
    from fastapi import Depends, FastAPI, HTTPException, Query
    from fastapi.responses import HTMLResponse

    from nba_backfill import coverage as cov
    from nba_backfill.config import settings

    app = FastAPI(
        title="NBA backfill coverage",
        description="Coverage of nba_analytics.player_game_summary by Pass 1 and Pass 2.",
        # every route: a valid Airflow JWT (header or the UI's cookie) and read access to
        # the Pass 1 DAG's runs, as the REST API's own dag-run endpoints require
        dependencies=[
            Depends(requires_access_dag("GET", DagAccessEntity.RUN, param_dag_id=PASS1_DAG_ID))
        ],
    )
    cache = cov.TTLCache(cov.CACHE_SECONDS)

    def parse_day(value: str | None, name: str, default: dt.date) -> dt.date:
        if not value:
            return default
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise HTTPException(422, f"{name}={value!r} is not a date (YYYY-MM-DD)") from None

    @app.get("/", response_class=HTMLResponse)
    def page() -> HTMLResponse:
        return HTMLResponse(PAGE.read_text(), headers={"Cache-Control": "no-store"})

    @app.get("/api/coverage")
    def coverage(
        start: str | None = Query(None, description="first day, YYYY-MM-DD (default 2021-10-01)"),
        end: str | None = Query(None, description="last day, YYYY-MM-DD (default today, UTC)"),
    ) -> dict:
        from nba_backfill.warehouse import get_warehouse

        first = parse_day(start, "start", cov.DEFAULT_HISTORY_START)
        last = parse_day(end, "end", dt.datetime.now(dt.UTC).date())
        if last < first:
            raise HTTPException(422, f"end {last} is before start {first}")
        if (last - first).days > 366 * 12:
            raise HTTPException(422, "range longer than 12 seasons: narrow start/end")
        cfg = settings()

        def compute() -> dict:
            return cov.daily_coverage(get_warehouse(), first, last, cfg)

        figures, age = cache.get((cfg.warehouse_conn_id, first, last), compute)
        # the links to task instances are cheap metadata-DB reads: always fresh
        links = cov.pass1_task_links(first, last, cov.ui_prefix())
        return {**figures, "cache_age_s": round(age, 1), "links": links}

    @app.get("/api/runs")
    def runs() -> dict:
        return cov.pass1_run_progress(prefix=cov.ui_prefix())

    return app


class LazyApp:
    """An ASGI app that builds the real one (create_app) when the first request comes."""

    def __init__(self, factory) -> None:
        self.factory = factory
        self._app = None
        self._lock = threading.Lock()

    async def __call__(self, scope, receive, send) -> None:
        if self._app is None:
            with self._lock:
                if self._app is None:
                    self._app = self.factory()
        await self._app(scope, receive, send)


app = LazyApp(create_app)


class NbaCoveragePlugin(AirflowPlugin):
    name = "nba_backfill_coverage"
    fastapi_apps = [{"app": app, "url_prefix": URL_PREFIX, "name": "NBA backfill coverage"}]
    external_views = [
        {
            "name": NAV_NAME,
            "href": f"{URL_PREFIX}/",
            "url_route": URL_ROUTE,
            "destination": "nav",
            "nav_top_level": True,
        }
    ]
