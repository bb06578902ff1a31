"""The Airflow Assets the passes announce: what a consumer's DAG can be scheduled on.

- `nba_analytics.player_game_summary` (Pass 1's `audit_range`): a range's box-score
  columns are loaded and audited. Its extra: {"ranges": [{"start_date", "end_date"}, ...],
  "game_days": n, "shot_zones": "pending"}: the shot-zone columns of those days are NOT
  there yet (Pass 2 listens to this asset and fills them).
- `nba_analytics.player_game_summary.shot_zones` (Pass 2's `audit_shot_zones`): a range
  is complete, box scores and shot zones, and both passes' audits passed on it. Its extra:
  {"ranges": [...], "rows": n, "shot_zones": "complete"}. Never announced after a failed
  audit. What ML and feature DAGs should wait for (dags/example_training_export.py).

Each event's ranges are inclusive US Eastern game days; several events may wake one
consumer run (Airflow hands it all the events queued since its last run).
"""

from airflow.sdk import Asset

# "x-": a scheme of our own, which Airflow takes as it is. Any other scheme makes every
# parse of the DAG files look for a URI normaliser among the installed providers, which
# imports the Google provider's storage hooks: 0.35 s in every task process.
PLAYER_GAME_SUMMARY = Asset(
    name="nba_analytics.player_game_summary",
    uri="x-warehouse://nba_analytics/player_game_summary",
    group="nba",
)

SHOT_ZONES = Asset(
    name="nba_analytics.player_game_summary.shot_zones",
    uri="x-warehouse://nba_analytics/player_game_summary/shot_zones",
    group="nba",
)
