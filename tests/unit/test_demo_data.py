"""Tests of the demo data generator (include/nba_backfill/demo/).

The raw tables are checked against the DDL and against `expected` (the truth) by
re-deriving Pass 1 and Pass 2 with the data contract's rules in pandas: if these
independent re-derivations reproduce `expected`, the raw rows encode it.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from nba_backfill import demo
from nba_backfill.demo import DemoData, generate, generate_schedule
from nba_backfill.sql import ddl_columns

DDL_DIR = Path(__file__).resolve().parents[2] / "include" / "sql" / "ddl"
DDL_COLUMN = re.compile(
    r"^\s+([a-z_0-9]+)\s+(string|int64|float64|bool|date|timestamp)\b", re.MULTILINE
)
ARROW_TYPES = {
    "string": pa.string(),
    "int64": pa.int64(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us", tz="UTC"),
}
ZONES = list(demo.SHOT_ZONE_COLUMNS)
PASS1 = [
    "game_date",
    "season_year",
    "player_full_name",
    "team_abbr",
    "opponent_team_abbr",
    "home_game",
    "is_active",
    "player_status",
    "minutes_played",
    "points",
    "assists",
    "offensive_rebounds",
    "defensive_rebounds",
    "total_rebounds",
    "steals",
    "blocks",
    "turnovers",
    "personal_fouls",
    "fg_makes",
    "fg_attempts",
    "three_pt_makes",
    "three_pt_attempts",
    "ft_makes",
    "ft_attempts",
    "plus_minus",
    "primary_source_used",
]
KEYS = ["game_id", "player_lookup"]

EARLY = (dt.date(2021, 10, 19), dt.date(2021, 11, 15))  # opening weeks of 2021-22
LATE = (dt.date(2024, 10, 22), dt.date(2024, 11, 4))  # 2024-25: prefixed pbp lookups


@pytest.fixture(scope="module")
def early() -> DemoData:
    return generate(*EARLY)


@pytest.fixture(scope="module")
def late() -> DemoData:
    return generate(*LATE)


@pytest.fixture(scope="module", params=["early", "late"])
def data(request) -> DemoData:
    return request.getfixturevalue(request.param)


@pytest.fixture(scope="module")
def frames(data):
    """pandas views: raw tables and expected."""
    out = {name: table.to_pandas() for name, table in data.tables.items()}
    out["expected"] = data.expected.to_pandas()
    return out


# ----------------------------------------------------------------- contract re-derivations
def _latest(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values("processed_at").drop_duplicates(KEYS, keep="last")


def _parse_minutes(value, whole_allowed: bool):
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return np.nan
    m = re.fullmatch(r"(\d{1,2}):([0-5]\d)", value)
    if m:
        return round(int(m[1]) + int(m[2]) / 60, 2)
    if whole_allowed and re.fullmatch(r"\d{1,2}", value):
        return float(value)
    return np.nan


def _aliases(frames) -> dict:
    """{(source, key, team, season): key to use} of the demo's aliases (each names its
    team and one season)."""
    out = {}
    for a in frames["player_aliases"].itertuples():
        assert a.first_season == a.last_season and a.team_abbr
        out[(a.source, demo.lookup_of(a.alias), a.team_abbr, a.first_season)] = demo.lookup_of(
            a.player_lookup
        )
    return out


def _aliased(aliases: dict, source: str, keys, teams, seasons) -> list:
    return [
        aliases.get((source, k, t, s), aliases.get(("any", k, t, s), k))
        for k, t, s in zip(keys, teams, seasons, strict=True)
    ]


def _pass1(frames) -> pd.DataFrame:
    """The contract's Pass 1: per game gamebook first, else balldontlie; latest copy wins."""
    schedule = frames["nbac_schedule"]
    final = schedule[schedule.game_status == "Final"]
    gb = _latest(frames["nbac_gamebook_player_stats"])
    bdl = _latest(frames["bdl_player_boxscores"])
    bdl = bdl[~bdl.game_id.isin(set(gb.game_id))]
    gb = gb.rename(
        columns={
            "player_name": "player_full_name",
            "field_goals_made": "fg_makes",
            "field_goals_attempted": "fg_attempts",
            "three_pointers_made": "three_pt_makes",
            "three_pointers_attempted": "three_pt_attempts",
            "free_throws_made": "ft_makes",
            "free_throws_attempted": "ft_attempts",
        }
    )
    gb["minutes_played"] = [_parse_minutes(v, False) for v in gb.minutes]
    gb["primary_source_used"] = "nbac_gamebook"
    bdl = bdl.rename(
        columns={
            "rebounds": "total_rebounds",
            "field_goals_made": "fg_makes",
            "field_goals_attempted": "fg_attempts",
            "three_pointers_made": "three_pt_makes",
            "three_pointers_attempted": "three_pt_attempts",
            "free_throws_made": "ft_makes",
            "free_throws_attempted": "ft_attempts",
        }
    )
    bdl["minutes_played"] = [_parse_minutes(v, True) for v in bdl.minutes]
    bdl["player_status"] = "active"
    bdl["plus_minus"] = np.nan
    bdl["primary_source_used"] = "bdl_boxscores"
    rows = pd.concat([gb, bdl], ignore_index=True)
    rows = rows[rows.game_id.isin(set(final.game_id))].copy()
    rows["player_lookup"] = [  # from the name, then the aliases
        _aliased(_aliases(frames), source, [key], [team], [season])[0]
        for source, key, team, season in zip(
            rows.primary_source_used, rows.player_full_name.map(demo.lookup_of), rows.team_abbr,
            rows.season_year, strict=True,
        )
    ]  # fmt: skip
    rows["is_active"] = rows.player_status == "active"
    rows["home_game"] = rows.team_abbr == rows.home_team_abbr
    rows["opponent_team_abbr"] = np.where(rows.home_game, rows.away_team_abbr, rows.home_team_abbr)
    return rows[KEYS + PASS1]


def _resolve(pbp: pd.DataFrame, roster: pd.DataFrame, n: str, aliases: dict) -> pd.Series:
    """The roster key of play-by-play player `n`: the key of his name (or its alias); else
    the one roster player of his team whose key is the same once a generational suffix is
    set aside."""
    base = lambda key: re.sub(r"(jr|sr|iii|ii|iv|v)$", "", key)  # noqa: E731
    keys = set(zip(roster.game_id, roster.player_lookup, strict=True))
    by_base: dict = {}
    for game, key, team in zip(roster.game_id, roster.player_lookup, roster.team_abbr, strict=True):
        by_base.setdefault((game, team, base(key)), []).append(key)
    out = []
    for game, name, team, season in zip(
        pbp.game_id, pbp[f"player_{n}_name"], pbp[f"player_{n}_team_abbr"], pbp.season_year,
        strict=True,
    ):  # fmt: skip
        key = demo.lookup_of(name) if isinstance(name, str) else None
        if key is not None:
            key = _aliased(aliases, "play_by_play", [key], [team], [season])[0]
        if key is None or (game, key) in keys:
            out.append(key)
            continue
        found = by_base.get((game, team, base(key)), [])
        out.append(found[0] if len(found) == 1 else None)
    return pd.Series(out, index=pbp.index, dtype=object)


def _pbp(frames) -> pd.DataFrame:
    pbp = frames["bigdataball_play_by_play"].drop_duplicates("event_id").copy()
    roster = frames["expected"]
    pbp["p1"] = _resolve(pbp, roster, "1", _aliases(frames))
    pbp["p2"] = _resolve(pbp, roster, "2", _aliases(frames))
    return pbp


def _shots(pbp: pd.DataFrame) -> pd.DataFrame:
    """Shots and their zone, by the contract's rules."""
    shots = pbp[
        (pbp.event_type == "shot")
        & pbp.shot_made.notna()
        & pbp.shot_distance.notna()
        & pbp.p1.notna()
    ].copy()
    shots["made"] = shots.shot_made.astype(bool)
    three = (shots.shot_type == "3PT") | shots.event_subtype.str.contains("3pt", na=False)
    three |= shots.shot_type.isna() & (shots.shot_distance >= 23.75)
    shots["zone"] = np.where(
        three, "three", np.where(shots.shot_distance <= 8.0, "paint", "mid_range")
    )
    return shots


def _pass2(frames) -> pd.DataFrame:
    """The contract's Pass 2 shot zones, one row per (game_id, player_lookup) of expected."""
    pbp = _pbp(frames)
    shots = _shots(pbp)
    by_shooter = (
        shots.assign(
            paint_attempts=shots.zone == "paint",
            paint_makes=(shots.zone == "paint") & shots.made,
            mid_range_attempts=shots.zone == "mid_range",
            mid_range_makes=(shots.zone == "mid_range") & shots.made,
            three_attempts_pbp=shots.zone == "three",
            three_makes_pbp=(shots.zone == "three") & shots.made,
            assisted_fg_makes=shots.made & (shots.player_2_role == "assist"),
            unassisted_fg_makes=shots.made & ~shots.player_2_role.isin(["assist", "block"]),
            pbp_shot_events=True,
            pbp_fallback_events=shots.data_source == "nbacom_fallback",
        )
        .rename(columns={"p1": "player_lookup"})
        .groupby(KEYS)[
            [
                "paint_attempts",
                "paint_makes",
                "mid_range_attempts",
                "mid_range_makes",
                "three_attempts_pbp",
                "three_makes_pbp",
                "assisted_fg_makes",
                "unassisted_fg_makes",
                "pbp_shot_events",
                "pbp_fallback_events",
            ]
        ]
        .sum()
    )
    blocks = shots[shots.player_2_role == "block"]
    by_blocker = (
        blocks.assign(
            paint_blocks=blocks.zone == "paint",
            mid_range_blocks=blocks.zone == "mid_range",
            three_pt_blocks=blocks.zone == "three",
        )
        .rename(columns={"p2": "player_lookup"})
        .groupby(KEYS)[["paint_blocks", "mid_range_blocks", "three_pt_blocks"]]
        .sum()
    )
    fts = pbp[(pbp.event_type == "free throw") & (pbp.event_subtype == "free throw 1/1")]
    made_shots = shots[shots.made][["game_id", "period", "game_clock", "p1"]].drop_duplicates()
    and1 = fts.merge(made_shots, on=["game_id", "period", "game_clock", "p1"])
    by_and1 = and1.rename(columns={"p1": "player_lookup"}).groupby(KEYS).size()
    zones = by_shooter.join(by_blocker, how="outer").join(by_and1.rename("and1_count"), how="outer")
    expected = frames["expected"]
    rows = expected[expected.game_id.isin(set(pbp.game_id))][KEYS]
    out = rows.merge(zones.reset_index(), on=KEYS, how="left").fillna(0)
    return out[KEYS + ZONES]


def _assert_columns_equal(actual: pd.DataFrame, expected: pd.DataFrame, columns):
    merged = expected[KEYS + list(columns)].merge(
        actual[KEYS + list(columns)], on=KEYS, how="outer", suffixes=("", "_actual"), indicator=True
    )
    assert (merged._merge == "both").all(), merged[merged._merge != "both"].head()
    for column in columns:
        want, got = merged[column], merged[f"{column}_actual"]
        same = (want.isna() & got.isna()) | (want.astype(object) == got.astype(object))
        if pd.api.types.is_numeric_dtype(want) and pd.api.types.is_numeric_dtype(got):
            same = (want.isna() & got.isna()) | np.isclose(want, got, rtol=0, atol=1e-9)
        assert same.all(), (column, merged.loc[~same, KEYS + [column, f"{column}_actual"]].head())


# ----------------------------------------------------------------- schema
def _ddl_columns(table: str) -> list[tuple[str, pa.DataType]]:
    text = (DDL_DIR / f"{table}.sql").read_text()
    return [(name, ARROW_TYPES[kind]) for name, kind in DDL_COLUMN.findall(text)]


@pytest.mark.parametrize("table", demo.TABLE_NAMES)
def test_raw_tables_match_the_ddl(early, table):
    schema = early.tables[table].schema
    assert [(f.name, f.type) for f in schema] == _ddl_columns(table)


def test_expected_columns_follow_the_output_ddl(early):
    ddl = dict(_ddl_columns("player_game_summary"))
    schema = early.expected.schema
    assert [(f.name, f.type) for f in schema] == list(demo.EXPECTED_COLUMNS)
    names = [f.name for f in schema if f.name != "has_pbp"]
    assert names == [n for n in ddl if n in names], "expected columns keep the DDL order"
    for field in schema:
        if field.name != "has_pbp":
            assert ddl[field.name] == field.type, field.name
    assert set(ddl) - set(names) == {
        "ts_pct",
        "efg_pct",
        "pass1_processed_at",
        "shot_zones_processed_at",
    }


def test_play_by_play_is_sorted(data):
    pbp = data.tables["bigdataball_play_by_play"]
    order = pc.sort_indices(
        pbp,
        sort_keys=[
            ("game_date", "ascending"),
            ("game_id", "ascending"),
            ("event_sequence", "ascending"),
        ],
    )
    assert np.array_equal(order.to_numpy(), np.arange(pbp.num_rows))


# ----------------------------------------------------------------- determinism
def test_same_seed_same_data():
    a = generate(dt.date(2022, 1, 3), dt.date(2022, 1, 5))
    b = generate(dt.date(2022, 1, 3), dt.date(2022, 1, 5))
    for name in demo.TABLE_NAMES:
        assert a.tables[name].equals(b.tables[name]), name
    assert a.expected.equals(b.expected)
    assert a.stats == b.stats
    other = generate(dt.date(2022, 1, 3), dt.date(2022, 1, 5), seed=7)
    assert not other.expected.equals(a.expected)


def _between(table: pa.Table, start: dt.date, end: dt.date) -> pa.Table:
    days = table["game_date"]
    return table.filter(
        pc.and_(
            pc.greater_equal(days, pa.scalar(start, pa.date32())),
            pc.less_equal(days, pa.scalar(end, pa.date32())),
        )
    )


def test_sub_range_gives_the_same_rows(early):
    start, end = dt.date(2021, 10, 27), dt.date(2021, 11, 2)
    sub = generate(start, end)
    for name in demo.TABLE_NAMES:
        assert sub.tables[name].num_rows > 0
        assert sub.tables[name].equals(_between(early.tables[name], start, end)), name
    assert sub.expected.equals(_between(early.expected, start, end))
    assert sub.tables["player_aliases"].equals(early.tables["player_aliases"])  # one season


def test_aliases_resolve_the_players_spelled_apart(early):
    """Four per season, one of each kind, limited to the player's team and season; each
    spelling is one the feed has, each key one of the box scores'."""
    aliases = early.tables["player_aliases"].to_pandas()
    assert list(early.tables["player_aliases"].column_names) == [
        name for name, _, _ in ddl_columns("player_aliases")
    ]
    assert sorted(aliases.source) == ["bdl_boxscores"] + ["play_by_play"] * 3
    assert (aliases.first_season == 2021).all() and (aliases.last_season == 2021).all()
    assert aliases.retired_at.isna().all() and aliases.updated_at.notna().all()
    pbp = early.tables["bigdataball_play_by_play"].to_pandas()
    bdl = early.tables["bdl_player_boxscores"].to_pandas()
    gamebook = early.tables["nbac_gamebook_player_stats"].to_pandas()
    for a in aliases.itertuples():
        spelled = pbp.player_1_name if a.source == "play_by_play" else bdl.player_full_name
        assert (spelled == a.alias).any(), a
        assert a.player_lookup in set(gamebook.player_name.map(demo.lookup_of)), a
        assert demo.lookup_of(a.alias) != a.player_lookup
    assert early.stats["aliases"] == 4 and early.stats["player_games_aliased"] > 0
    # letters NFKD keeps, in the gamebook only
    assert gamebook.player_name.str.contains("[ıø]").any()
    assert not pbp.player_1_name.str.contains("[ıø]", na=False).any()


def test_schedule_only_matches_generate(early):
    assert generate_schedule(*EARLY).equals(early.tables["nbac_schedule"])


# ----------------------------------------------------------------- schedule
@pytest.fixture(scope="module")
def season() -> pd.DataFrame:
    # (from August: the 2020-21 Finals were played in July 2021)
    return generate_schedule(dt.date(2021, 8, 1), dt.date(2022, 9, 30)).to_pandas()


def test_season_schedule_is_realistic(season):
    assert set(season.season_year) == {2021}
    months = pd.to_datetime(season.game_date).dt.month
    assert not months.isin([7, 8, 9]).any()
    for day, games in season.groupby("game_date"):
        teams = pd.concat([games.home_team_abbr, games.away_team_abbr])
        assert teams.is_unique, f"a team plays twice on {day}"
        assert len(games) <= 15
    regular = season[~season.is_playoffs & (season.game_status == "Final")]
    per_team = pd.concat([regular.home_team_abbr, regular.away_team_abbr]).value_counts()
    assert len(per_team) == 30 and (per_team == 82).all()
    assert 1225 <= len(regular) <= 1235
    assert dt.date(2021, 10, 17) <= regular.game_date.min() <= dt.date(2021, 10, 25)
    assert dt.date(2022, 4, 5) <= regular.game_date.max() <= dt.date(2022, 4, 20)
    playoffs = season[season.is_playoffs]
    assert 60 <= len(playoffs) <= 105
    assert playoffs.game_date.min() > regular.game_date.max()
    assert dt.date(2022, 6, 1) <= playoffs.game_date.max() <= dt.date(2022, 6, 25)
    assert playoffs.groupby("game_date").size().max() <= 8
    all_days = pd.date_range(regular.game_date.min(), regular.game_date.max()).date
    assert 4 <= len(set(all_days) - set(regular.game_date)) <= 12  # holidays, All-Star


@pytest.mark.parametrize(
    ("season_year", "per_team", "games", "first", "last_regular", "last_playoff"),
    [
        (2011, {66}, 990, "2011-12-25", "2012-04-27", "2012-06-28"),  # the lockout
        (2020, {72}, 1080, "2020-12-22", "2021-05-17", "2021-07-23"),  # the pandemic's second
    ],
)
def test_shortened_seasons(season_year, per_team, games, first, last_regular, last_playoff):
    sched = generate_schedule(
        dt.date(season_year, 8, 1), dt.date(season_year + 1, 7, 31)
    ).to_pandas()
    sched = sched[sched.season_year == season_year]
    regular = sched[~sched.is_playoffs & (sched.game_status == "Final")]
    counts = pd.concat([regular.home_team_abbr, regular.away_team_abbr]).value_counts()
    assert set(counts) == per_team and len(regular) == games
    assert str(regular.game_date.min()) == first and str(regular.game_date.max()) == last_regular
    assert str(sched[sched.is_playoffs].game_date.max()) == last_playoff


def test_the_2019_20_season_suspended_then_in_the_bubble():
    sched = generate_schedule(dt.date(2019, 8, 1), dt.date(2020, 12, 1)).to_pandas()
    assert set(sched.season_year) == {2019}  # its playoffs ran into October 2020
    regular = sched[~sched.is_playoffs & (sched.game_status == "Final")]
    days = pd.to_datetime(regular.game_date)
    assert not ((days > "2020-03-11") & (days < "2020-07-30")).any()  # suspended
    bubble = regular[days >= "2020-07-30"]
    teams = pd.concat([bubble.home_team_abbr, bubble.away_team_abbr]).value_counts()
    assert len(teams) == 22 and set(teams) == {8} and len(bubble) == 88
    assert str(bubble.game_date.max()) == "2020-08-14"
    playoffs = sched[sched.is_playoffs]
    assert str(playoffs.game_date.min()) > "2020-08-14"
    assert "2020-10-01" <= str(playoffs.game_date.max()) <= "2020-10-31"
    assert 950 <= len(regular) <= 1100


def test_postponed_games_are_made_up(season):
    postponed = season[season.game_status == "Postponed"]
    assert len(postponed) >= 1
    assert set(season.game_status) == {"Final", "Postponed"}
    for game in postponed.itertuples():
        later = season[
            (season.home_team_abbr == game.home_team_abbr)
            & (season.away_team_abbr == game.away_team_abbr)
            & (season.game_date > game.game_date)
            & (season.game_status == "Final")
            & ~season.is_playoffs
        ]
        assert len(later) >= 1 and game.game_id not in set(later.game_id)


def test_game_ids_and_future_games():
    future = generate_schedule(dt.date(2026, 10, 20), dt.date(2026, 10, 31)).to_pandas()
    assert len(future) > 0 and (future.game_status == "Scheduled").all()
    sched = generate_schedule(*EARLY).to_pandas()
    ids = (
        sched.game_date.map(lambda d: d.strftime("%Y%m%d"))
        + "_"
        + sched.away_team_abbr
        + "_"
        + sched.home_team_abbr
    )
    assert (ids == sched.game_id).all()
    nothing = generate(dt.date(2022, 7, 1), dt.date(2022, 9, 30))
    assert nothing.expected.num_rows == 0 and nothing.stats["games"] == 0


# ----------------------------------------------------------------- gamebook
def test_null_minutes_share_per_game(frames):
    gb = frames["nbac_gamebook_player_stats"]
    for raw in (gb, _latest(gb)):
        parsed = pd.Series([_parse_minutes(v, False) for v in raw.minutes], index=raw.index)
        share = parsed.isna().groupby(raw.game_id).mean()
        assert share.between(0.36, 0.44).all(), share[~share.between(0.36, 0.44)]


def test_rosters_and_minutes(frames):
    gb = _latest(frames["nbac_gamebook_player_stats"])
    assert gb.groupby(["game_id", "team_abbr"]).size().between(17, 18).all()
    active = gb[gb.player_status == "active"]
    assert active.groupby(["game_id", "team_abbr"]).size().between(9, 12).all()
    assert set(gb.player_status) == {"active", "dnp", "inactive"}
    not_played = gb[gb.player_status != "active"]
    assert set(not_played.minutes.dropna()) == {"-"}
    assert not_played.dnp_reason.notna().all() and active.dnp_reason.isna().all()
    assert not_played.points.isna().all() and not_played.plus_minus.isna().all()
    parts = active.minutes.str.extract(r"^(\d{2}):([0-5]\d)$").astype(float)
    seconds = parts[0] * 60 + parts[1]
    teams = seconds.groupby([active.game_id, active.team_abbr]).agg(["sum", "count"])
    clean = teams[teams["count"] == active.groupby(["game_id", "team_abbr"]).size()]
    overtimes = (clean["sum"] - 14400) / 1500  # 5 x 48 minutes, 5 x 5 per overtime
    assert len(clean) >= len(teams) - 2 * data_malformed(active)
    assert (overtimes == overtimes.round()).all() and overtimes.between(0, 3).all()


def data_malformed(active: pd.DataFrame) -> int:
    return int((~active.minutes.str.fullmatch(r"\d{2}:[0-5]\d", na=False)).sum())


def test_player_lookups(frames):
    gb = frames["nbac_gamebook_player_stats"]
    # the feed's lookup drops accented letters instead of folding them
    assert (gb.player_name.map(demo.feed_lookup_of) == gb.player_lookup).all()
    accented = gb.player_name.map(demo.lookup_of) != gb.player_lookup
    assert accented.any() and gb.player_name[accented].str.contains("[^\\x00-\\x7f]").all()
    assert gb.player_lookup.str.fullmatch("[a-z]+").all()
    names = gb.drop_duplicates(["season_year", "player_lookup"])
    assert not names.duplicated(["season_year", "player_name"]).any()
    assert names.player_name.str.contains("'").any()
    assert names.player_name.str.contains("-").any()
    assert names.player_name.str.contains(r"\.").any()
    assert names.player_name.str.contains(r" (?:Jr\.|II|III)$").any()


def test_pass1_reproduces_expected(frames):
    _assert_columns_equal(_pass1(frames), frames["expected"], PASS1)


def test_expected_covers_every_final_game(frames):
    schedule, expected = frames["nbac_schedule"], frames["expected"]
    final = set(schedule[schedule.game_status == "Final"].game_id)
    assert set(expected.game_id) == final
    assert (expected.groupby("game_id").team_abbr.nunique() == 2).all()
    assert not expected.duplicated(KEYS).any()


# ----------------------------------------------------------------- play-by-play
def test_pass2_reproduces_expected(frames):
    expected = frames["expected"]
    with_pbp = expected[expected.has_pbp]
    _assert_columns_equal(_pass2(frames), with_pbp, ZONES)
    assert expected.loc[~expected.has_pbp, ZONES].isna().all().all()
    assert set(expected[~expected.has_pbp].game_id).isdisjoint(
        frames["bigdataball_play_by_play"].game_id
    )


def test_box_score_agrees_with_play_by_play(frames):
    pbp = _pbp(frames)
    shots = _shots(pbp)
    expected = frames["expected"]
    rows = expected[expected.has_pbp & expected.is_active]

    def credit(df, who):
        return df.rename(columns={who: "player_lookup"}).groupby(KEYS).size()

    fts = pbp[pbp.event_type == "free throw"]
    rebounds = pbp[(pbp.event_type == "rebound") & pbp.p1.notna()]
    derived = pd.DataFrame(
        {
            "fg_attempts": credit(shots, "p1"),
            "fg_makes": credit(shots[shots.made], "p1"),
            "three_pt_attempts": credit(shots[shots.event_subtype.str.contains("3pt")], "p1"),
            "three_pt_makes": credit(
                shots[shots.made & shots.event_subtype.str.contains("3pt")], "p1"
            ),
            "ft_attempts": credit(fts, "p1"),
            "ft_makes": credit(fts[fts.shot_made.astype(bool)], "p1"),
            "assists": credit(shots[shots.player_2_role == "assist"], "p2"),
            "blocks": credit(shots[shots.player_2_role == "block"], "p2"),
            "steals": credit(
                pbp[(pbp.event_type == "turnover") & (pbp.player_2_role == "steal")], "p2"
            ),
            "turnovers": credit(pbp[(pbp.event_type == "turnover") & pbp.p1.notna()], "p1"),
            "offensive_rebounds": credit(rebounds[rebounds.event_subtype == "offensive"], "p1"),
            "defensive_rebounds": credit(rebounds[rebounds.event_subtype == "defensive"], "p1"),
            "personal_fouls": credit(
                pbp[
                    (pbp.event_type == "foul") & pbp.p1.notna() & (pbp.event_subtype != "technical")
                ],
                "p1",
            ),
        }
    )
    derived = rows[KEYS].merge(derived.reset_index(), on=KEYS, how="left").fillna(0)
    _assert_columns_equal(derived, rows, list(derived.columns[2:]))
    assert pbp.p1.dropna().isin(set(rows.player_lookup)).all(), "only active players act"
    points = 2 * (rows.fg_makes - rows.three_pt_makes) + 3 * rows.three_pt_makes + rows.ft_makes
    assert (points == rows.points).all()
    assert (rows.total_rebounds == rows.offensive_rebounds + rows.defensive_rebounds).all()


def test_team_totals_are_realistic(frames):
    active = frames["expected"][frames["expected"].is_active]
    teams = active.groupby(["game_id", "team_abbr"])[
        ["fg_attempts", "three_pt_attempts", "ft_attempts", "points", "fg_makes", "assists"]
    ].sum()
    assert teams.fg_attempts.between(85, 92).all()
    assert teams.three_pt_attempts.between(30, 40).all()
    assert teams.ft_attempts.between(12, 31).all() and 18 <= teams.ft_attempts.mean() <= 25
    assert 95 <= teams.points.mean() <= 125
    assert 0.53 <= teams.assists.sum() / teams.fg_makes.sum() <= 0.63
    scores = teams.points.groupby("game_id").agg(["min", "max"])
    assert (scores["min"] < scores["max"]).all(), "no game ends tied"


def test_play_by_play_structure(frames):
    pbp = frames["bigdataball_play_by_play"].drop_duplicates("event_id")
    per_game = pbp.groupby("game_id")
    assert per_game.size().between(440, 640).all()
    assert (per_game.event_sequence.min() == 0).all()
    assert (per_game.event_sequence.max() + 1 == per_game.size()).all()
    assert (pbp.event_id == pbp.game_id + "_" + pbp.event_sequence.astype(str)).all()
    clock = pbp.game_clock.str.split(":", expand=True).astype(int)
    assert (clock[0] * 60 + clock[1] == pbp.game_clock_seconds).all()
    steps = pbp.groupby(["game_id", "period"]).game_clock_seconds.diff().dropna()
    assert (steps <= 0).all(), "the clock runs down within a period"
    assert set(pbp.event_type) == set(demo.ETYPES)
    assert set(pbp.data_source) <= {"bigdataball", "nbacom_fallback"}
    last = pbp.groupby("game_id").tail(1).set_index("game_id")
    expected = frames["expected"]
    points = expected[expected.is_active].groupby(["game_id", "home_game"]).points.sum()
    points = points.unstack()
    assert (last.score_home == points.loc[last.index, True]).all()
    assert (last.score_away == points.loc[last.index, False]).all()
    assert (pbp.groupby("game_id").score_home.diff().dropna() >= 0).all()
    processed = pd.to_datetime(pbp.processed_at).dt.date
    days = (pd.to_datetime(processed) - pd.to_datetime(pbp.game_date)).dt.days
    assert (days == 1).all(), "processed the day after the game"


def test_shots_exercise_the_zone_rules(frames):
    pbp = _pbp(frames)
    shots = _shots(pbp)
    three_by_subtype = shots.event_subtype.str.contains("3pt")
    typed = shots.shot_type.notna()
    assert ((shots.shot_type == "3PT") == three_by_subtype)[typed].all()
    assert (shots.zone == "three").eq(three_by_subtype).all()
    untyped_twos = shots[~typed & ~three_by_subtype]
    assert (untyped_twos.shot_distance < 23.75).all()
    assert len(untyped_twos) > 0
    long_twos = shots[(shots.shot_type == "2PT") & (shots.shot_distance >= 23.75)]
    assert len(long_twos) > 0 and long_twos.shot_distance.between(23.8, 25.0).all()
    assert ((shots.shot_distance == 8.0) & ~three_by_subtype).any()
    assert ((shots.shot_distance < 23.75) & three_by_subtype).any(), "corner threes"
    assert (shots.shot_distance >= 35).any(), "heaves"
    assert shots.shot_distance.between(0, 60).all()
    assert (shots.shot_distance * 10 == (shots.shot_distance * 10).round()).all()
    made = shots[shots.made]
    assert 0.53 <= (made.player_2_role == "assist").mean() <= 0.63
    missed = shots[~shots.made]
    assert 0.07 <= (missed.player_2_role == "block").mean() <= 0.11
    # blockers who took no shot in that game
    blocks = missed[missed.player_2_role == "block"][["game_id", "p2"]]
    shooters = set(zip(shots.game_id, shots.p1, strict=True))
    assert any(key not in shooters for key in zip(blocks.game_id, blocks.p2, strict=True))
    # teammates assist, opponents block
    assert (
        made[made.player_2_role == "assist"].player_2_team_abbr
        == made[made.player_2_role == "assist"].player_1_team_abbr
    ).all()
    assert (
        missed[missed.player_2_role == "block"].player_2_team_abbr
        != missed[missed.player_2_role == "block"].player_1_team_abbr
    ).all()


def test_free_throws_and_and_ones(frames, data):
    pbp = _pbp(frames)
    fts = pbp[pbp.event_type == "free throw"]
    assert fts.event_subtype.str.fullmatch(r"free throw [123]/[123]").all()
    assert set(fts.shot_type.dropna()) == {"FT"}
    assert set(fts.shot_distance.dropna()) <= {15.0}
    ones = fts[fts.event_subtype == "free throw 1/1"]
    and1 = frames["expected"].and1_count.sum()
    assert len(ones) == data.stats["and1_free_throws"] + data.stats["lone_free_throws_1of1"]
    assert and1 == data.stats["and1_free_throws"]
    assert len(ones) > and1 > 0, "counting every 1/1 would over-count"


# ----------------------------------------------------------------- messes
def test_duplicate_events_are_identical_and_later(frames, data):
    pbp = frames["bigdataball_play_by_play"]
    dup = pbp[pbp.duplicated("event_id", keep=False)]
    assert pbp.duplicated("event_id").sum() == data.stats["pbp_duplicate_events"] > 0
    content = [c for c in pbp.columns if c != "processed_at"]
    assert not dup.duplicated(content, keep=False).eq(False).any()
    first = dup.groupby("event_id").processed_at.agg(["first", "last"])
    assert (first["first"] < first["last"]).all()


@pytest.mark.parametrize(
    "table, stat",
    [
        ("nbac_gamebook_player_stats", "gamebook_stale_duplicates"),
        ("bdl_player_boxscores", "bdl_stale_duplicates"),
    ],
)
def test_stale_duplicates_are_older_and_wrong(frames, data, table, stat):
    raw = frames[table]
    dup = raw[raw.duplicated(KEYS, keep=False)].sort_values("processed_at")
    assert raw.duplicated(KEYS).sum() == data.stats[stat] > 0
    old, new = dup.groupby(KEYS).head(1), dup.groupby(KEYS).tail(1)
    merged = old.merge(new, on=KEYS, suffixes=("_old", "_new"))
    assert (merged.processed_at_old < merged.processed_at_new).all()
    assert ((merged.points_old - merged.points_new).abs() == 2).all()


def test_prefixed_lookups_from_2024_25(frames, data):
    pbp = frames["bigdataball_play_by_play"]
    prefixed = pbp.player_1_lookup.str.match(r"^\d", na=False) | pbp.player_2_lookup.str.match(
        r"^\d", na=False
    )
    assert prefixed.sum() == data.stats["pbp_rows_with_prefixed_lookup"]
    if (pbp.season_year >= 2024).all():
        players = pd.concat([pbp.player_1_lookup, pbp.player_2_lookup]).dropna().unique()
        share = np.mean([bool(re.match(r"^\d{7}[a-z]+$", p)) for p in players])
        assert 0.2 <= share <= 0.4
    else:
        assert prefixed.sum() == 0
    assert not frames["expected"].player_lookup.str.contains(r"\d").any()


def test_malformed_minutes(frames, data):
    gb = _latest(frames["nbac_gamebook_player_stats"])
    active = gb[gb.player_status == "active"]
    bad = active[~active.minutes.str.fullmatch(r"\d{2}:[0-5]\d", na=False)]
    assert len(bad) == data.stats["malformed_minutes"] > 0
    assert set(bad.minutes) <= set(demo.MALFORMED_MINUTES)
    expected = frames["expected"].set_index(KEYS)
    keys = bad.player_name.map(demo.lookup_of)  # (the feed's lookup is not the key)
    rows = expected.loc[list(zip(bad.game_id, keys, strict=True))]
    assert rows.minutes_played.isna().all() and rows.points.notna().all()


def test_games_missing_from_the_gamebook(frames, data):
    schedule, expected = frames["nbac_schedule"], frames["expected"]
    final = set(schedule[schedule.game_status == "Final"].game_id)
    missing = final - set(frames["nbac_gamebook_player_stats"].game_id)
    assert len(missing) == data.stats["games_missing_gamebook"] > 0
    rows = expected[expected.game_id.isin(missing)]
    assert (rows.primary_source_used == "bdl_boxscores").all()
    assert rows.is_active.all() and (rows.player_status == "active").all()
    assert rows.plus_minus.isna().all() and rows.minutes_played.notna().all()
    other = expected[~expected.game_id.isin(missing)]
    assert (other.primary_source_used == "nbac_gamebook").all()
    assert missing <= set(frames["bdl_player_boxscores"].game_id)


def test_games_without_play_by_play_and_feed_variants(frames, data):
    pbp = frames["bigdataball_play_by_play"]
    schedule = frames["nbac_schedule"]
    final = set(schedule[schedule.game_status == "Final"].game_id)
    assert len(final - set(pbp.game_id)) == data.stats["games_without_pbp"] > 0
    by_game = pbp.groupby("game_id")
    fallback = by_game.data_source.agg(lambda s: set(s))
    assert all(len(s) == 1 for s in fallback)
    assert (fallback == {"nbacom_fallback"}).sum() == data.stats["games_pbp_fallback"]
    untyped = by_game.shot_type.agg(lambda s: s.isna().all())
    assert untyped.sum() == data.stats["games_untyped_shots"] > 0


def test_stats_count_rows(data):
    for name, table in data.tables.items():
        assert data.stats[f"rows_{name}"] == table.num_rows
    assert data.stats["rows_expected"] == data.expected.num_rows
    schedule = data.tables["nbac_schedule"].to_pandas()
    assert data.stats["games_final"] == (schedule.game_status == "Final").sum()
    assert data.stats["game_days"] == schedule[schedule.game_status == "Final"].game_date.nunique()


# ----------------------------------------------------------------- many seasons
def _digest(table: pa.Table) -> str:
    import hashlib
    import io

    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return hashlib.sha256(sink.getvalue()).hexdigest()[:16]


# A week of four seasons across the history (the first, the lockout's opening week, the
# bubble's last seeding games and first playoff games, the last full season): the rows
# of every table, by sha256 of their Arrow IPC stream, recorded when they were made. A
# change to the generator changes them: update the digests knowingly.
SPANS = {
    ("2004-11-01", "2004-11-07"): (
        "7b2dc344f7bdff5b", "4e13130149d286da", "2b3805708397850a", "41306b15f64072a9",
        "ae79b4bd9e8371af", "269587833c50bc4b",
    ),
    ("2011-12-25", "2011-12-31"): (
        "a73738ed54dd3750", "e658d12cb73f551d", "d909d9c9157a5bb1", "ce8f2a8210ea180d",
        "34b48b07cac90f96", "ef6ea4d6df86442a",
    ),
    ("2020-08-10", "2020-08-20"): (
        "6df9ac6cb26b0f2e", "6fe45890a6157540", "89f50d9c4e306bf7", "941947d70e36b843",
        "923dfac9e30b36d2", "49def1a2cedc48c3",
    ),
    ("2025-10-21", "2025-10-27"): (
        "12819cd46708dfa5", "3f635697381774de", "5bb5b5cfbca30cb1", "fadc17804cea06e3",
        "b108afe26ba95243", "c82e40a2f0b2fe99",
    ),
}  # fmt: skip


@pytest.mark.parametrize("span", SPANS, ids=lambda span: f"{span[0]}..{span[1]}")
def test_spans_across_the_history_are_the_same_every_time(span):
    data = generate(dt.date.fromisoformat(span[0]), dt.date.fromisoformat(span[1]))
    names = [*demo.TABLE_NAMES, "player_aliases"]
    assert tuple(_digest(data.tables[n]) for n in names) + (_digest(data.expected),) == SPANS[span]
