"""Pass 2 (include/sql/pass2/merge_shot_zones.sql): every rule on both sides of its boundary.

Each case is one game of its own (teams Annn at Hnnn, one day), with a three-man roster
(`kd` the shooter, `jh` a team-mate, `bl` an opponent who blocks) and the few events the
rule needs. Pass 1 loads the day first (so the statement UPDATEs the rows; the rule tests
of test_pass2_rules.py cover its INSERTs), then all cases are merged by ONE run of the
statement; each case checks the zones of its players against counts written by hand (only
the non-zero ones are listed).
"""

from __future__ import annotations

import datetime as dt

import pytest

from nba_backfill import pass1, pass2
from nba_backfill.days import DayRange

from helpers import (
    SHOT_ZONE_COLUMNS,
    TS,
    free_throw,
    gamebook,
    insert,
    pbp,
    schedule,
    shot,
    summary_rows,
    zones,
)

DAY = dt.date(2021, 10, 19)
LATER = TS + dt.timedelta(hours=2)
ZERO = dict.fromkeys(SHOT_ZONE_COLUMNS, 0)

MADE_PAINT = {"paint_attempts": 1, "paint_makes": 1, "unassisted_fg_makes": 1, "pbp_shot_events": 1}
MADE_MID = {
    "mid_range_attempts": 1,
    "mid_range_makes": 1,
    "unassisted_fg_makes": 1,
    "pbp_shot_events": 1,
}
MADE_THREE = {
    "three_attempts_pbp": 1,
    "three_makes_pbp": 1,
    "unassisted_fg_makes": 1,
    "pbp_shot_events": 1,
}
MISSED_PAINT = {"paint_attempts": 1, "pbp_shot_events": 1}
MISSED_MID = {"mid_range_attempts": 1, "pbp_shot_events": 1}
MISSED_THREE = {"three_attempts_pbp": 1, "pbp_shot_events": 1}


def S(made, distance, shot_type="2PT", subtype="jump shot", seq=1, shooter="kd", **values):  # noqa: N802
    return ("shot", seq, shooter, made, distance, shot_type, subtype, values)


def FT(subtype="free throw 1/1", seq=2, shooter="kd", **values):  # noqa: N802
    return ("ft", seq, shooter, subtype, values)


def E(event_type, seq=3, **values):  # noqa: N802
    return ("event", seq, event_type, values)


# (case, events, {player: non-zero counts}); events are built for the case's own game
CASES = [
    # -- zones: the type first ------------------------------------------------------------
    ("3PT type alone at 20 ft: three", [S(True, 20.0, "3PT")], {"kd": MADE_THREE}),
    ("3pt subtype alone (typed 2PT) at 20 ft: three", [S(True, 20.0, "2PT", "3pt jump shot")], {"kd": MADE_THREE}),
    ("3pt subtype alone (untyped) at 5 ft: three", [S(True, 5.0, None, "3PT Pullup")], {"kd": MADE_THREE}),
    ("2PT typed at 23.75 ft: mid-range", [S(True, 23.75, "2PT")], {"kd": MADE_MID}),
    ("2PT typed at 30 ft: mid-range", [S(False, 30.0, "2PT")], {"kd": MISSED_MID}),
    ("FT-typed shot at 24 ft: mid-range (typed)", [S(True, 24.0, "FT", "tip")], {"kd": MADE_MID}),
    # -- zones: the distance only for an untyped shot ---------------------------------------
    ("untyped at 23.75 ft: three", [S(True, 23.75, None)], {"kd": MADE_THREE}),
    ("untyped at 23.74 ft: mid-range", [S(True, 23.74, None)], {"kd": MADE_MID}),
    ("untyped at 8.0 ft: paint", [S(False, 8.0, None)], {"kd": MISSED_PAINT}),
    ("2PT at 8.0 ft: paint", [S(True, 8.0)], {"kd": MADE_PAINT}),
    ("2PT at 8.1 ft: mid-range", [S(True, 8.1)], {"kd": MADE_MID}),
    ("2PT at 0 ft: paint", [S(False, 0.0)], {"kd": MISSED_PAINT}),
    ("' 3pt ' type, padded: three", [S(True, 10.0, " 3pt ")], {"kd": MADE_THREE}),
    # -- what a shot is -------------------------------------------------------------------------
    ("no result: no shot", [S(None, 5.0)], {}),
    ("no distance: no shot", [S(True, None)], {}),
    ("no shooter: no shot", [S(True, 5.0, shooter=None)], {}),
    ("event type 'Shot ' is a shot", [S(True, 5.0, event_type="Shot ")], {"kd": MADE_PAINT}),
    ("event type 'jump ball' with a result is no shot", [S(True, 5.0, event_type="jump ball")], {}),
    # -- makes: the role of player 2 ------------------------------------------------------------
    ("made, role assist: assisted", [S(True, 5.0, player_2_lookup="jh", player_2_role="assist")],
     {"kd": {**MADE_PAINT, "unassisted_fg_makes": 0, "assisted_fg_makes": 1}}),
    ("made, role ' Assist ': assisted", [S(True, 5.0, player_2_lookup="jh", player_2_role=" Assist ")],
     {"kd": {**MADE_PAINT, "unassisted_fg_makes": 0, "assisted_fg_makes": 1}}),
    ("made, role NULL: unassisted", [S(True, 5.0, player_2_lookup="jh")], {"kd": MADE_PAINT}),
    ("made, role substitute: unassisted", [S(True, 5.0, player_2_lookup="jh", player_2_role="substitute")],
     {"kd": MADE_PAINT}),
    ("made, role block (a feed error): neither, the block credited",
     [S(True, 5.0, player_2_lookup="bl", player_2_role="block")],
     {"kd": {**MADE_PAINT, "unassisted_fg_makes": 0}, "bl": {"paint_blocks": 1}}),
    ("missed, role assist: no make at all", [S(False, 5.0, player_2_lookup="jh", player_2_role="assist")],
     {"kd": MISSED_PAINT}),
    # -- blocks: by the zone of the blocked shot, to player 2 ---------------------------------------
    ("blocked paint shot", [S(False, 3.0, player_2_lookup="bl", player_2_role="block")],
     {"kd": MISSED_PAINT, "bl": {"paint_blocks": 1}}),
    ("blocked mid-range shot", [S(False, 15.0, player_2_lookup="bl", player_2_role="block")],
     {"kd": MISSED_MID, "bl": {"mid_range_blocks": 1}}),
    ("blocked three", [S(False, 25.0, "3PT", player_2_lookup="bl", player_2_role="block")],
     {"kd": MISSED_THREE, "bl": {"three_pt_blocks": 1}}),
    ("blocked untyped 24 ft shot: a three block", [S(False, 24.0, None, player_2_lookup="bl", player_2_role="block")],
     {"kd": MISSED_THREE, "bl": {"three_pt_blocks": 1}}),
    ("blocked shot without a shooter: no block", [S(False, 3.0, shooter=None, player_2_lookup="bl", player_2_role="block")],
     {}),
    ("a 1/1 free throw with role block: no block",
     [FT(player_2_lookup="bl", player_2_role="block")], {}),
    ("blocker with an id prefix", [S(False, 3.0, player_2_lookup="1629029bl", player_2_role="block")],
     {"kd": MISSED_PAINT, "bl": {"paint_blocks": 1}}),
    # -- and-ones --------------------------------------------------------------------------------
    ("1/1 at the period and clock of his made shot: and-one",
     [S(True, 5.0, game_clock="05:00"), FT(game_clock="05:00")], {"kd": {**MADE_PAINT, "and1_count": 1}}),
    ("1/1 at the same clock of another period: none",
     [S(True, 5.0, game_clock="05:00", period=1), FT(game_clock="05:00", period=2)], {"kd": MADE_PAINT}),
    ("1/1 at another clock: none",
     [S(True, 5.0, game_clock="05:00"), FT(game_clock="04:59")], {"kd": MADE_PAINT}),
    ("1/1 at his MISSED shot: none",
     [S(False, 5.0, game_clock="05:00"), FT(game_clock="05:00")], {"kd": MISSED_PAINT}),
    ("1/1 at a team-mate's made shot: none",
     [S(True, 5.0, shooter="jh", game_clock="05:00"), FT(game_clock="05:00")], {"jh": MADE_PAINT}),
    ("1/2 at his made shot: none",
     [S(True, 5.0, game_clock="05:00"), FT("free throw 1/2", game_clock="05:00")], {"kd": MADE_PAINT}),
    ("1/1 typed 'Free Throw ', 'Free Throw 1/1': and-one",
     [S(True, 5.0, game_clock="05:00"), FT(" Free Throw 1/1", event_type="Free Throw ", game_clock="05:00")],
     {"kd": {**MADE_PAINT, "and1_count": 1}}),
    ("made shot and 1/1 without a clock: none",
     [S(True, 5.0, game_clock=None), FT(game_clock=None)], {"kd": MADE_PAINT}),
    ("made shot and 1/1 without a period: none",
     [S(True, 5.0, period=None, game_clock="05:00"), FT(period=None, game_clock="05:00")], {"kd": MADE_PAINT}),
    ("an and-one on a three", [S(True, 26.0, "3PT", game_clock="01:00"), FT(game_clock="01:00")],
     {"kd": {**MADE_THREE, "and1_count": 1}}),
    # -- fallback events -----------------------------------------------------------------------------
    ("a fallback shot", [S(True, 5.0, data_source="nbacom_fallback")],
     {"kd": {**MADE_PAINT, "pbp_fallback_events": 1}}),
    ("a fallback shot, ' NBAcom_Fallback'", [S(True, 5.0, data_source=" NBAcom_Fallback")],
     {"kd": {**MADE_PAINT, "pbp_fallback_events": 1}}),
    ("a bigdataball shot", [S(True, 5.0, data_source="bigdataball")], {"kd": MADE_PAINT}),
    ("a fallback rebound is no shot", [E("rebound", player_1_lookup="kd", data_source="nbacom_fallback")], {}),
    # -- lookups ---------------------------------------------------------------------------------------
    ("shooter with an id prefix", [S(True, 5.0, shooter="1630552kd")], {"kd": MADE_PAINT}),
    ("shooter on no roster: nobody's", [S(True, 5.0, shooter="stranger")], {}),
    # -- re-deliveries: the latest delivery of an event_id decides, whatever it changed --------------
    ("identical re-delivery counted once", [S(True, 5.0), S(True, 5.0, processed_at=LATER)], {"kd": MADE_PAINT}),
    ("re-delivered as a violation: no shot", [S(True, 5.0), E("violation", seq=1, processed_at=LATER)], {}),
    ("a violation re-delivered as a shot: a shot", [E("violation", seq=1), S(True, 5.0, processed_at=LATER)],
     {"kd": MADE_PAINT}),
    ("the newer copy sits first in the table", [S(True, 5.0, processed_at=LATER), S(False, 20.0)],
     {"kd": MADE_PAINT}),
    ("re-delivered missed", [S(True, 5.0), S(False, 5.0, processed_at=LATER)], {"kd": MISSED_PAINT}),
    ("re-delivered further away", [S(True, 5.0), S(True, 9.0, processed_at=LATER)], {"kd": MADE_MID}),
    ("re-delivered typed 3PT", [S(True, 20.0), S(True, 20.0, "3PT", processed_at=LATER)], {"kd": MADE_THREE}),
    ("re-delivered with a 3pt subtype", [S(True, 20.0), S(True, 20.0, "2PT", "3pt jump shot", processed_at=LATER)],
     {"kd": MADE_THREE}),
    ("re-delivered to another shooter", [S(True, 5.0), S(True, 5.0, shooter="jh", processed_at=LATER)],
     {"jh": MADE_PAINT}),
    ("re-delivered assisted", [S(True, 5.0), S(True, 5.0, player_2_lookup="jh", player_2_role="assist", processed_at=LATER)],
     {"kd": {**MADE_PAINT, "unassisted_fg_makes": 0, "assisted_fg_makes": 1}}),
    ("re-delivered blocked by another player",
     [S(False, 5.0, player_2_lookup="jh", player_2_role="block"),
      S(False, 5.0, player_2_lookup="bl", player_2_role="block", processed_at=LATER)],
     {"kd": MISSED_PAINT, "bl": {"paint_blocks": 1}}),
    ("re-delivered at another clock: the and-one goes",
     [S(True, 5.0, game_clock="05:00"), FT(game_clock="05:00"), S(True, 5.0, game_clock="06:00", processed_at=LATER)],
     {"kd": MADE_PAINT}),
    ("re-delivered in another period: the and-one goes",
     [S(True, 5.0, game_clock="05:00"), FT(game_clock="05:00"), FT(game_clock="05:00", period=3, processed_at=LATER)],
     {"kd": MADE_PAINT}),
    ("1/1 re-delivered as 1/2: the and-one goes",
     [S(True, 5.0, game_clock="05:00"), FT(game_clock="05:00"), FT("free throw 1/2", game_clock="05:00", processed_at=LATER)],
     {"kd": MADE_PAINT}),
    ("re-delivered from the fallback source", [S(True, 5.0), S(True, 5.0, data_source="nbacom_fallback", processed_at=LATER)],
     {"kd": {**MADE_PAINT, "pbp_fallback_events": 1}}),
    ("an undated copy loses to a dated one", [S(True, 5.0), S(False, 20.0, processed_at=None)], {"kd": MADE_PAINT}),
    ("rows without event_id, same sequence: one event", [S(True, 5.0, event_id=None), S(False, 20.0, event_id=None, processed_at=LATER)],
     {"kd": MISSED_MID}),
    ("rows without event_id or sequence: each counts",
     [S(True, 5.0, event_id=None, event_sequence=None), S(True, 5.0, event_id=None, event_sequence=None)],
     {"kd": {**MADE_PAINT, "paint_attempts": 2, "paint_makes": 2, "unassisted_fg_makes": 2, "pbp_shot_events": 2}}),
]  # fmt: skip


def game_of(index: int) -> str:
    return f"{DAY:%Y%m%d}_A{index:02d}_H{index:02d}"


def build(index: int, spec) -> list[dict]:
    game = game_of(index)
    kind, seq, *rest = spec
    if kind == "shot":
        shooter, made, distance, shot_type, subtype, values = rest
        values = dict(values)
        event_type = values.pop("event_type", None)
        row = shot(
            game, seq, shooter, made, distance, shot_type=shot_type, subtype=subtype, **values
        )
        if event_type is not None:
            row["event_type"] = event_type
        return [row]
    if kind == "ft":
        shooter, subtype, values = rest
        values = dict(values)
        event_type = values.pop("event_type", None)
        clock = values.pop("game_clock", "11:00")
        row = free_throw(game, seq, shooter, subtype=subtype, clock="11:00", **values)
        row["game_clock"] = clock
        if event_type is not None:
            row["event_type"] = event_type
        return [row]
    event_type, values = rest
    return [pbp(game, seq, event_type, **values)]


@pytest.fixture(scope="module")
def merged(tmp_path_factory):
    from nba_backfill.warehouse import duckdb_warehouse

    warehouse = duckdb_warehouse(tmp_path_factory.mktemp("pass2-boundaries") / "w.duckdb")
    warehouse.apply_schema()
    schedules, roster, events = [], [], []
    for index, (_, specs, _) in enumerate(CASES):
        game = game_of(index)
        schedules.append(schedule(game))
        roster += [
            gamebook(game, f"A{index:02d}", "K.D.", "kd"),
            gamebook(game, f"A{index:02d}", "J.H.", "jh"),
            gamebook(game, f"H{index:02d}", "B.L.", "bl"),
        ]
        for spec in specs:
            events += build(index, spec)
    insert(warehouse, "nbac_schedule", schedules)
    insert(warehouse, "nbac_gamebook_player_stats", roster)
    insert(warehouse, "bigdataball_play_by_play", events)
    pass1.load_day(warehouse, DAY)
    pass2.merge_window(warehouse, DayRange(DAY, DAY, "test"))
    return summary_rows(warehouse)


@pytest.mark.parametrize(("index", "case"), list(enumerate(CASES)), ids=[c[0] for c in CASES])
def test_rule(merged, index, case):
    _, _, expected = case
    game = game_of(index)
    got = {p: zones(merged[(game, p)]) for p in ("kd", "jh", "bl")}
    want = {p: {**ZERO, **expected.get(p, {})} for p in ("kd", "jh", "bl")}
    assert got == want
