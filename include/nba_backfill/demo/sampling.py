"""Seeded random generators and the weighted draws the simulation is made of.

Every part of the data has its own generator, seeded by the seed, a label and a few
integers (``_rng(seed, "game", crc32(game_id))``), so a part never shifts when another
part draws more or fewer numbers.
"""

from __future__ import annotations

import zlib

import numpy as np


def _rng(seed: int, label: str, *ints: int) -> np.random.Generator:
    return np.random.default_rng([int(seed) % 2**63, zlib.crc32(label.encode()), *ints])


def _pick(rng, weights, n):
    """n draws of indices into `weights` (non-negative, not all zero)."""
    c = np.cumsum(weights)
    return np.minimum(np.searchsorted(c, rng.random(n) * c[-1], side="right"), len(c) - 1)


def _pick_other(rng, weights, exclude):
    """One draw per entry of `exclude`, never equal to that entry."""
    out = _pick(rng, weights, len(exclude))
    clash = out == exclude
    while clash.any():
        out[clash] = _pick(rng, weights, int(clash.sum()))
        clash = out == exclude
    return out


def _pick_capped(rng, weights, n, cap):
    """n draws, no index more than `cap` times (personal fouls: six and out)."""
    out = _pick(rng, weights, n)
    counts = np.bincount(out, minlength=len(weights))
    while counts.max() > cap:
        j = counts.argmax()
        extra = np.flatnonzero(out == j)[cap:]
        out[extra] = _pick(rng, np.where(counts < cap, weights, 0.0), len(extra))
        counts = np.bincount(out, minlength=len(weights))
    return out


def _weighted_subset(rng, weights, k):
    """k distinct indices, drawn with probability proportional to weights."""
    if k <= 0:
        return np.empty(0, np.int64)
    keys = np.log(rng.random(len(weights))) / weights
    return np.argpartition(-keys, k - 1)[:k]


def _menu_pick(rng, menu, n):
    codes, cdf = menu
    return codes[np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), len(codes) - 1)]
