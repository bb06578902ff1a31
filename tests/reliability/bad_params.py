"""The bad params the reliability scenarios send, and where each must be refused.

`schema`: Airflow refuses the run at trigger time (the param's JSON schema: type, date
format, range); `resolve`: the run starts and its first task refuses it before anything
is written. Each message must name the param; `resolve` messages also say the fix.
"""

from __future__ import annotations

from nba_backfill.local.runner import PASS1_DAG_ID, PASS2_DAG_ID

P1, P2 = PASS1_DAG_ID, PASS2_DAG_ID

CASES = [
    # (id, dag, conf, refused by, words the message must contain)
    ("missing end", P1, {"start_date": "2021-10-19"}, "resolve", ["param end_date is missing", "set both"]),
    ("missing start", P1, {"end_date": "2021-10-19"}, "resolve", ["param start_date is missing"]),
    ("malformed", P1, {"start_date": "2021/10/19", "end_date": "2021-10-20"}, "schema", ["param start_date", "is not a 'date'"]),
    ("impossible date", P1, {"start_date": "2021-02-30", "end_date": "2021-03-01"}, "schema", ["param start_date", "is not a 'date'"]),
    ("reversed", P1, {"start_date": "2021-10-25", "end_date": "2021-10-19"}, "resolve", ["param end_date=2021-10-19 is before start_date=2021-10-25", "swap them"]),
    ("before the first game", P1, {"start_date": "1900-01-01", "end_date": "2021-10-20"}, "resolve", ["param start_date=1900-01-01 is before the first NBA game (1946-11-01)", "or later"]),
    ("future", P1, {"start_date": "2021-10-19", "end_date": "2099-01-01"}, "resolve", ["param end_date=2099-01-01 is in the future", "or earlier"]),
    ("not a date", P1, {"start_date": "yesterday", "end_date": "2021-10-20"}, "schema", ["param start_date", "is not a 'date'"]),
    ("injection", P1, {"start_date": "2021-10-01' OR 1=1 --", "end_date": "2021-10-20"}, "schema", ["param start_date", "is not a 'date'"]),
    ("unknown key", P1, {"start_date": "2021-10-19", "end_date": "2021-10-20", "team": "BKN"}, "resolve", ["unknown param(s) team", "remove the others"]),
    ("number", P1, {"start_date": 20211019, "end_date": "2021-10-20"}, "schema", ["param start_date", "is not of type"]),
    ("datetime", P1, {"start_date": "2021-10-19T00:00:00", "end_date": "2021-10-20"}, "schema", ["param start_date", "is not a 'date'"]),
    ("windows zero", P2, {"start_date": "2021-10-19", "end_date": "2021-10-20", "windows": 0}, "schema", ["param windows", "minimum"]),
    ("windows text", P2, {"start_date": "2021-10-19", "end_date": "2021-10-20", "windows": "two"}, "schema", ["param windows", "is not of type"]),
    ("pass2 reversed", P2, {"start_date": "2021-10-25", "end_date": "2021-10-19"}, "resolve", ["param end_date=2021-10-19 is before start_date=2021-10-25"]),
]  # fmt: skip

NO_GAMES = {"start_date": "2021-08-01", "end_date": "2021-08-05"}  # not an error: nothing to do
