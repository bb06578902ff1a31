"""Mutation testing of the shipped SQL: every rule of both passes (and of the staleness
statement) is pinned down by a fast SQL test.

Each mutation of tests/sql/mutations.py is applied to a copy of include/sql/, and the fast
SQL tests of this folder run against that copy in a subprocess (stopping at the first
failure): they must fail. A mutation that survives fails here, with its name. The
shipped SQL, copied the same way, must pass them (the control).

    python -m pytest tests/sql/test_sql_mutations.py -q      # ~5.5 minutes on 2 cores
    python tests/sql/test_sql_mutations.py                   # the table: mutation -> test
"""

from __future__ import annotations

import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).parent))
from mutations import CAUGHT_FIRST_BY, MUTATIONS  # noqa: E402

FAST_TESTS = [  # in the order that stops most mutations soonest (-x)
    "tests/sql/test_pass1_boundaries.py",
    "tests/sql/test_pass2_boundaries.py",
    "tests/sql/test_player_identity.py",
    "tests/sql/test_player_aliases.py",
    "tests/sql/test_pass1_rules.py",
    "tests/sql/test_pass2_rules.py",
    "tests/sql/test_staleness_rules.py",
    "tests/sql/test_loading.py",
    "tests/sql/test_loading_by_game.py",
    "tests/sql/test_schedule_shapes.py",
    "tests/sql/test_existing_target.py",
]
# The tests that pin down a SQL file's rules, run first for its mutations (then the others:
# every mutation still meets every fast test before it may survive)
FIRST_FOR = {
    "pass1/": ["test_pass1_boundaries", "test_pass1_rules", "test_player_aliases"],
    "pass2/": ["test_pass2_boundaries", "test_player_identity", "test_player_aliases"],
    "state/": ["test_staleness_rules", "test_player_aliases", "test_pass1_rules"],
    "macros/player_lookup": ["test_player_identity", "test_pass1_boundaries"],
    "macros/player_aliases": ["test_player_aliases"],
    "audit/pbp_unmatched": ["test_player_identity", "test_player_aliases"],
    "audit/": ["test_pass1_rules"],
    "load/": ["test_loading", "test_loading_by_game"],
    "shapes/": ["test_schedule_shapes"],
    "macros/own_rows": ["test_existing_target"],
}


def first_tests(mutation) -> list[str]:
    """The tests that pin down the mutation's rule: its own (CAUGHT_FIRST_BY), else those
    of the mutated file (FIRST_FOR)."""
    name, file = mutation[0], mutation[1]
    first = CAUGHT_FIRST_BY.get(name) or next(
        (names for prefix, names in FIRST_FOR.items() if file.startswith(prefix)), []
    )
    return [t for n in first for t in FAST_TESTS if t.endswith(f"/{n}.py")]


def ordered_tests(mutation) -> list[str]:
    """FAST_TESTS, those that pin down the mutation's rule first."""
    ordered = first_tests(mutation)
    return ordered + [t for t in FAST_TESTS if t not in ordered]


CONTROL = ("control: the shipped SQL", "", "", "")
# The control proves the copy and the mutation machinery: the shipped SQL, copied as every
# mutation is, passes the tests that catch most mutations (the whole suite runs every fast
# test on the shipped SQL anyway).
CONTROL_TESTS = ["tests/sql/test_pass1_boundaries.py", "tests/sql/test_pass2_boundaries.py"]
SQL_CACHE = tempfile.mkdtemp(prefix="nba-mutation-sqlcache-")


def pieces(mutation) -> list[tuple[str, str]]:
    _, _, old, new = mutation
    return list(zip(old, new, strict=True)) if isinstance(old, tuple) else [(old, new)]


def occurrences(mutation) -> int:
    """How often the mutation's text is in its file (each piece must be there once)."""
    file = mutation[1]
    if not file:
        return 1
    text = (ROOT / "include" / "sql" / file).read_text()
    counts = {text.count(old) for old, _ in pieces(mutation)}
    return counts.pop() if len(counts) == 1 else 0


def mutated_copy(mutation, into: Path) -> Path:
    file = mutation[1]
    sql_dir = into / "sql"
    shutil.copytree(ROOT / "include" / "sql", sql_dir)
    if file:
        path = sql_dir / file
        text = path.read_text()
        for old, new in pieces(mutation):
            text = text.replace(old, new)
        path.write_text(text)
    return sql_dir


def run_fast_tests(mutation, tests: list[str] | None = None) -> tuple[int, str]:
    """(exit code, the first failing test or the tail of the output); -1 when the
    mutation's text is not in its file exactly once.

    The tests that pin down its rule run first, in a process of their own (collecting
    only them); only a mutation they all pass meets the other fast tests."""
    if occurrences(mutation) != 1:
        return -1, "its text is not in the file exactly once"
    stages = [tests] if tests else [first_tests(mutation), None]
    with tempfile.TemporaryDirectory(prefix="nba-mutation-") as tmp:
        sql_dir = mutated_copy(mutation, Path(tmp))
        # transpiled SQL shared by every run (keyed by the SQL text: only the mutated
        # file's statements are transpiled again)
        env = {**os.environ, "NBA_TEST_SQL_DIR": str(sql_dir), "NBA_TEST_SQL_CACHE": SQL_CACHE}
        done: list[str] = []
        for stage in stages:
            files = stage if stage is not None else [t for t in FAST_TESTS if t not in done]
            if not files:
                continue
            done += files
            result = subprocess.run(
                [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
                 "-p", "no:randomly", "--basetemp", str(Path(tmp) / "pytest"), *files],
                cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
            )  # fmt: skip
            if result.returncode != 0:
                break
    failed = re.findall(r"^FAILED (\S+)", result.stdout, flags=re.M)
    return result.returncode, failed[0] if failed else result.stdout[-2000:] + result.stderr[-2000:]


@pytest.fixture(scope="session")
def outcomes() -> dict[str, tuple[int, str]]:
    """Every mutation (and the control) run once, as many at a time as there are cores."""
    runs = [CONTROL, *MUTATIONS]
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = pool.map(
            lambda m: run_fast_tests(m, CONTROL_TESTS if m is CONTROL else None), runs
        )
        return {m[0]: r for m, r in zip(runs, results, strict=True)}


def test_mutations_have_unique_names_and_match_the_sql_once():
    names = [m[0] for m in MUTATIONS]
    assert len(names) == len(set(names))
    assert set(CAUGHT_FIRST_BY) <= set(names), set(CAUGHT_FIRST_BY) - set(names)
    fast = {Path(t).stem for t in FAST_TESTS}
    assert all(set(tests) <= fast for tests in CAUGHT_FIRST_BY.values())
    stale = [m[0] for m in MUTATIONS if occurrences(m) != 1]
    assert not stale, f"update tests/sql/mutations.py to the SQL as it is now: {stale}"
    assert sum(1 for m in MUTATIONS if m[1].startswith("pass2/")) >= 18
    assert sum(1 for m in MUTATIONS if m[1].startswith("pass1/")) >= 18
    assert sum(1 for m in MUTATIONS if m[1].startswith("macros/")) >= 4


def test_the_shipped_sql_passes(outcomes):
    code, detail = outcomes[CONTROL[0]]
    assert code == 0, detail


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_the_mutation_is_caught(mutation, outcomes):
    code, detail = outcomes[mutation[0]]
    assert code == 1, f"SURVIVED: {mutation[0]} ({mutation[1]}): no fast SQL test failed\n{detail}"


if __name__ == "__main__":
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for mutation, (code, detail) in zip(
            MUTATIONS, pool.map(run_fast_tests, MUTATIONS), strict=True
        ):
            verdict = f"caught by {detail}" if code == 1 else "SURVIVED"
            print(f"| {mutation[0]} | {mutation[1]} | {verdict} |", flush=True)
