"""The Airflow Asset that Pass 1 announces and Pass 2 listens to.

Pass 1's audit task emits an event on it when a range is loaded and audited; the event's
extra carries that range ({"start_date": ..., "end_date": ...}) so that Pass 2 enriches
exactly the range Pass 1 finished.
"""

from airflow.sdk import Asset

PLAYER_GAME_SUMMARY = Asset(
    name="nba_analytics.player_game_summary",
    # "x-": a scheme of our own, which Airflow takes as it is. Any other scheme makes every
    # parse of the DAG files look for a URI normaliser among the installed providers, which
    # imports the Google provider's storage hooks: 0.35 s in every task process.
    uri="x-warehouse://nba_analytics/player_game_summary",
    group="nba",
)
