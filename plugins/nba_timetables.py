"""Airflow plugin: registers Pass 1's timetable, `nba_backfill.timetable.GameDayTimetable`.

Airflow stores each DAG serialized, naming its timetable's class; a class from outside
Airflow is only accepted (by the dag-processor writing it, and by the scheduler, the
api-server and `airflow backfill create` reading it) when a plugin registers it. Every
component that loads this plugins folder finds it here; the import is light (pendulum and
Airflow's timetable base class).
"""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin

from nba_backfill.timetable import GameDayTimetable


class NbaTimetablesPlugin(AirflowPlugin):
    name = "nba_backfill_timetables"
    timetables = [GameDayTimetable]
