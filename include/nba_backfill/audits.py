"""Audits of player_game_summary, computed in SQL against the target.

Each check is one SQL file under include/sql/audit/; this module only runs them and turns
their rows into a verdict with a message that says what failed and where.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from nba_backfill import staleness
from nba_backfill.config import Settings
from nba_backfill.days import DayRange
from nba_backfill.warehouse import Warehouse

MAX_LISTED = 20


class AuditError(RuntimeError):
    """One or more audits failed; the message lists each failure and where it is."""


@dataclass
class Check:
    name: str
    passed: bool
    summary: str
    details: list[str] = field(default_factory=list)
    info: bool = False  # a figure reported, never a failure

    def describe(self) -> str:
        status = "INFO" if self.info else ("PASS" if self.passed else "FAIL")
        head = f"[{status}] {self.name}: {self.summary}"
        shown = self.details[:MAX_LISTED]
        more = len(self.details) - len(shown)
        lines = [head, *(f"    - {d}" for d in shown)]
        if more > 0:
            lines.append(f"    ... and {more} more")
        return "\n".join(lines)


@dataclass
class AuditReport:
    day_range: DayRange
    checks: list[Check]
    figures: dict[str, Any]

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    def describe(self) -> str:
        return "\n".join(c.describe() for c in self.checks)

    def raise_for_failures(self) -> None:
        if not self.passed:
            failed = [c for c in self.checks if not c.passed]
            raise AuditError(
                f"{len(failed)} audit(s) failed for {self.day_range}:\n"
                + "\n".join(c.describe() for c in failed)
            )


def audit_pass1(warehouse: Warehouse, day_range: DayRange, cfg: Settings) -> AuditReport:
    """Keys unique, every Final game loaded with both teams, NULL-minutes share in band."""
    bounds = {"start_date": day_range.start, "end_date": day_range.end}
    labels = {"audit": "pass1"}

    dupes = warehouse.run("audit/duplicate_keys", bounds, labels=labels).rows
    keys = Check(
        "one row per (game_id, player_lookup)",
        not dupes,
        "no duplicate keys" if not dupes else f"{len(dupes)} duplicated key(s)",
        [
            f"{r['game_date']} {r['game_id']} {r['player_lookup']}: {r['copies']} rows"
            for r in dupes
        ],
    )

    bad_games = warehouse.run("audit/game_coverage", bounds, labels=labels).rows
    coverage = Check(
        "every Final game present with both teams",
        not bad_games,
        "all Final games have rows for both teams"
        if not bad_games
        else f"{len(bad_games)} Final game(s) incomplete",
        [
            f"{r['game_date']} {r['game_id']}: {r['problem']} "
            f"({r['player_rows']} rows, {r['teams']} team(s))"
            for r in bad_games
        ],
    )

    vanished = warehouse.run("audit/gamebook_vanished", bounds, labels=labels).rows
    primary = Check(
        "games keep the source they were loaded from",
        not vanished,
        "no game lost its gamebook rows"
        if not vanished
        else f"{len(vanished)} game(s) loaded from the gamebook have no gamebook row now",
        [
            f"{r['game_date']} {r['game_id']}: {r['gamebook_rows_loaded']} row(s) loaded from "
            f"nbac_gamebook, which has none of it now (balldontlie has {r['bdl_rows']}); Pass 1 "
            "keeps them as they are: load the game's gamebook rows again (python -m "
            "nba_backfill.cli load DIR), or accept the fallback (python -m nba_backfill.cli "
            f"accept-fallback --game-id {r['game_id']})"
            for r in vanished
        ],
    )

    share_row = warehouse.run("audit/null_minutes_share", bounds, labels=labels).rows[0]
    share = share_row["null_minutes_share"]
    lo, hi = cfg.null_minutes_min_share, cfg.null_minutes_max_share
    if not share_row["gamebook_rows"]:
        minutes = Check(
            "NULL minutes_played share", True, "no gamebook rows in range: not measured"
        )
    else:
        in_band = lo <= share <= hi
        minutes = Check(
            "NULL minutes_played share",
            in_band,
            f"{share:.1%} of {share_row['gamebook_rows']} gamebook rows (band {lo:.0%}-{hi:.0%})",
            []
            if in_band
            else [
                "outside the configured band: check the gamebook feed for missing DNP rows or "
                "unparseable minutes, or adjust NBA_NULL_MINUTES_MIN_SHARE / _MAX_SHARE"
            ],
        )

    raw = warehouse.run("audit/raw_stats_quality", bounds, labels=labels).rows
    raw_figures = {f"{r['source']}_{k}": r[k] or 0 for r in raw for k in r if k not in ("source",)}
    handled = _handled(
        raw_figures,
        {
            "duplicate_rows": "duplicate rows (latest delivery kept)",
            "malformed_minutes": "malformed minutes (minutes_played NULL)",
            "minutes_over_game_length": "minutes above the game's length (minutes_played NULL)",
            "unknown_status_rows": "rows with a NULL or unknown player_status (active if "
            "they have minutes)",
            "undated_rows": "rows without processed_at (never picked over a dated delivery)",
            "future_dated_rows": "rows with processed_at in the future (ignored by staleness)",
            "negative_counts": "rows with a negative count (that count NULL)",
            "makes_over_attempts": "rows with makes above attempts (the pair NULL)",
            "unknown_team_rows": "rows for a team not in the game (kept, opponent NULL)",
            "rows_without_lookup": "rows without a player lookup (dropped)",
        },
        prefixes=("nbac_gamebook", "bdl_boxscores"),
    )
    figures = {
        **raw_figures,
        "game_days": share_row["game_days"],
        "games": share_row["games"],
        "pass1_rows": share_row["pass1_rows"],
        "gamebook_rows": share_row["gamebook_rows"],
        "bdl_rows": share_row["bdl_rows"],
        "null_minutes_share": share,
        "duplicate_keys": len(dupes),
        "incomplete_games": len(bad_games),
    }
    figures["games_gamebook_vanished"] = len(vanished)
    return AuditReport(day_range, [keys, coverage, primary, minutes, handled], figures)


def _handled(figures: dict, labels: dict[str, str], prefixes: tuple[str, ...] = ("",)) -> Check:
    """An INFO line listing the raw messes found and what the contract's rules did."""
    found = []
    for prefix in prefixes:
        for key, label in labels.items():
            count = figures.get(f"{prefix}_{key}" if prefix else key, 0)
            if count:
                found.append(f"{count:,} {prefix + ' ' if prefix else ''}{label}")
    return Check(
        "raw rows handled by the contract's rules",
        True,
        "; ".join(found) if found else "none found",
        info=True,
    )


MATCH_RULES = (
    ("zones", "paint + mid_range + three_attempts_pbp = fg_attempts"),
    ("threes", "three_attempts_pbp = three_pt_attempts"),
    ("makes", "assisted + unassisted = fg_makes"),
)


def audit_pass2(warehouse: Warehouse, day_range: DayRange, cfg: Settings) -> AuditReport:
    """Shot zones against the box score, as match rates over active player-games."""
    bounds = {"start_date": day_range.start, "end_date": day_range.end}
    labels = {"audit": "pass2"}
    coverage = warehouse.run("audit/shot_zone_coverage", bounds, labels=labels).rows[0]
    worst = warehouse.run("audit/shot_zone_match", bounds, labels=labels).rows
    quality = warehouse.run("audit/pbp_quality", bounds, labels=labels).rows[0]
    figures: dict[str, Any] = {k: coverage[k] or 0 for k in coverage}
    figures.update({k: quality[k] or 0 for k in quality})
    checks = []
    threshold = cfg.pass2_min_match_rate
    if not worst:
        checks.append(
            Check(
                "shot zones match the box score",
                True,
                "nothing to compare yet (no active player-game with both passes)",
            )
        )
    else:
        total = worst[0]["total_players"]
        figures["compared_player_games"] = total
        figures["compared_games"] = worst[0]["total_games"]
        for key, rule in MATCH_RULES:
            mismatches = worst[0][f"total_{key}_mismatches"]
            rate = 1 - mismatches / total
            figures[f"{key}_match_rate"] = rate
            bad = [r for r in worst if r[f"{key}_mismatches"]]
            checks.append(
                Check(
                    f"{rule}",
                    rate >= threshold,
                    f"{rate:.2%} of {total:,} active player-games match "
                    f"(threshold {threshold:.0%})",
                    [
                        f"{r['game_date']} {r['game_id']}: {r[f'{key}_mismatches']} of "
                        f"{r['players']} players differ"
                        for r in bad
                    ]
                    if rate < threshold
                    else [],
                )
            )
    figures["games_without_pbp"] = coverage["games_without_pbp"] or 0
    checks.append(
        _handled(
            figures,
            {
                "duplicate_events": "re-delivered play-by-play rows (counted once)",
                "prefixed_lookups": "rows with id-prefixed lookups (prefix stripped)",
                "games_without_pbp": "games without play-by-play (shot zones NULL)",
                "shots_without_shooter": "shots without a shooter (no shot, no block)",
                "undated_events": "rows without processed_at (never picked over a dated delivery)",
            },
        )
    )
    checks.insert(0, unmatched_check(warehouse, bounds, labels, cfg, figures))
    return AuditReport(day_range, checks, figures)


def unmatched_check(warehouse, bounds, labels, cfg: Settings, figures: dict) -> Check:
    """Shots Pass 2 credits to nobody (audit/pbp_unmatched_players.sql): by players that
    resolve to no roster player of their game, or in games that have no roster at all.
    Above NBA_PASS2_MAX_UNMATCHED_SHARE the run fails, naming the players and games."""
    rows = warehouse.run("audit/pbp_unmatched_players", bounds, labels=labels).rows
    (totals,) = [r for r in rows if r["kind"] == "totals"]
    shots = (totals["shots"] or 0) + (totals["shots_without_roster"] or 0)
    lost = (totals["unmatched_shots"] or 0) + (totals["shots_without_roster"] or 0)
    share = lost / shots if shots else 0.0
    figures.update(
        pbp_shots=shots,
        unmatched_shots=totals["unmatched_shots"] or 0,
        games_without_roster=totals["games_without_roster"] or 0,
        shots_without_roster=totals["shots_without_roster"] or 0,
        unmatched_share=share,
    )
    limit = cfg.pass2_max_unmatched_share
    details = [
        f"{r['game_date']} {r['game_id']}: play-by-play shots ({r['shots']}) but no gamebook or "
        "balldontlie row at all: load the game's box score"
        for r in rows
        if r["kind"] == "game"
    ] + [
        f"{r['player_name'] or r['player_lookup']!r} (key {r['player_key'] or '-'}, team "
        f"{r['team_abbr'] or '-'}) matches no roster player of his game: {r['shots']:,} "
        f"shot(s) credited to nobody in {r['games']:,} game(s), "
        + (
            f"{r['game_id']} ({r['game_date']})"
            if r["games"] == 1
            else f"the first {r['game_id']} ({r['game_date']}), the last on {r['last_date']}"
        )
        + _alias_advice(r)
        for r in rows
        if r["kind"] == "player"
    ]
    passed = share <= limit
    if any(r["kind"] == "player" and r.get("suggested_key") for r in rows):
        details.append(
            "suggested alias rows are a starting point, never applied on their own: check each, "
            "then load player_aliases.csv (columns " + ",".join(ALIAS_COLUMNS) + ") with "
            "python -m nba_backfill.cli load DIR"
        )
    if not passed:
        details.append(
            "a play-by-play player counts when his key (the name, accents folded, a-z only; or "
            "the key an alias of nba_reference.player_aliases gives it) is a roster player's "
            "of his game, or differs from one player of his team by a generational suffix "
            "only (jr, sr, ii, iii, iv, v): load the missing box scores or the aliases "
            "(python -m nba_backfill.cli load DIR), or correct the names; raise "
            "NBA_PASS2_MAX_UNMATCHED_SHARE only knowingly"
        )
    return Check(
        "play-by-play shots credited to a roster player",
        passed,
        f"{share:.2%} of {shots:,} shots credited to nobody (limit {limit:.1%})"
        + (
            f"; {figures['games_without_roster']} game(s) without a roster"
            if figures["games_without_roster"]
            else ""
        ),
        details,
    )


ALIAS_COLUMNS = ("source", "alias", "team_abbr", "first_season", "last_season", "player_lookup")


def alias_row(values: Sequence[Any]) -> str:
    """One line of player_aliases.csv (columns ALIAS_COLUMNS), quoted as CSV."""
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(["" if v is None else v for v in values])
    return buffer.getvalue()


def _alias_advice(r: dict[str, Any]) -> str:
    """What the user can do about one unresolved play-by-play player: the alias row that
    would resolve him (when exactly one player of his team is left unmatched in all his
    games), or why there is none."""
    if r.get("aliased_to"):
        return (
            f"; an alias gives him the key {r['aliased_to']!r}, which is not on the roster of "
            "his game(s): correct that row of nba_reference.player_aliases"
        )
    team = r["team_abbr"] or "his game"
    if r.get("suggested_key"):
        row = alias_row(
            [
                "play_by_play",
                r["player_name"] or r["player_lookup"],
                r["team_abbr"],
                r["first_season"],
                r["last_season"],
                r["suggested_key"],
            ]
        )
        return (
            f"; the one player of {team} left unmatched in all his games is "
            f"{r['suggested_key']!r}: if that is him, add to player_aliases.csv: {row}"
        )
    if r.get("candidates"):
        return (
            f"; no alias to suggest: {r['candidates']} players of {team} are left unmatched "
            "in all his games"
        )
    return (
        f"; no alias to suggest: no player of {team} with a shot or block in the box score "
        "is left unmatched in all his games"
    )


def completeness_check(
    warehouse: Warehouse,
    pass_name: str,
    covered: Sequence[DayRange],
    left_over: Sequence[str] = (),
) -> Check:
    """No day left stale or missing for the pass in the ranges the run answered for
    (include/sql/state/day_status.sql); fails and names each day with its reason."""
    left = [
        status.describe(pass_name)
        for day_range in covered
        for status in staleness.not_done(staleness.day_statuses(warehouse, day_range), pass_name)
    ]
    left.extend(f"left for the next run (max_map_length): {d}" for d in left_over)
    where = ", ".join(f"{r.start} .. {r.end}" for r in covered)
    return Check(
        "nothing stale left",
        not left,
        f"every day complete in {where}"
        if not left
        else f"{len(left)} day(s) not complete in {where}",
        left,
    )
