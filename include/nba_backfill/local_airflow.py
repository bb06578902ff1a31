"""Settings for the project-local Airflow (SQLite metadata DB), used by scripts/env.sh.

SQLite lets one writer in at a time; the scheduler, the api-server and CLI commands such as
`airflow backfill create` write concurrently, and sqlite3's default 5 s busy timeout turns
a brief wait into "database is locked". Wait up to 60 s instead.
"""

SQLITE_CONNECT_ARGS = {"timeout": 60}
