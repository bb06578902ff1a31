"""The Airflow Asset that Pass 1 announces and Pass 2 listens to.

Pass 1's audit task emits an event on it when a range is loaded and audited; the event's
extra carries that range ({"start_date": ..., "end_date": ...}) so that Pass 2 enriches
exactly the range Pass 1 finished.
"""

from airflow.sdk import Asset

PLAYER_GAME_SUMMARY = Asset(
    name="nba_analytics.player_game_summary",
    uri="warehouse://nba_analytics/player_game_summary",
    group="nba",
)
