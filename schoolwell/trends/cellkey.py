"""Cell-key perturbation (the method of the ABS TableBuilder and the UK 2021 census): every
published count is moved by a small random amount that depends only on exactly which records
it counts, so that subtracting one published figure from another (two filter sets, a total and
its parts, two date ranges) gives a figure that is off by a random amount, never the small
count it would isolate.

- The cell key is the fingerprint of the records a count covers (the sum of their ids, with a
  tag saying which kind of record) and how many there are. The same records always give the
  same key, so the same count is published identically in every table, filter, chart, CSV and
  JSON that contains it, and asking again cannot average the adjustment away.
- The perturbation table is a keyed hash (HMAC-SHA256) of the cell key with a secret
  (settings.TRENDS_NOISE_SECRET, derived from SECRET_KEY when not set), read as a uniform
  draw and mapped
  through WEIGHTS: a fixed table as large as the key space, which nobody without the secret
  can reproduce.
- The adjustment never takes a count below the threshold (a published count is always at
  least the threshold: counts of fewer students are not published at all, see rule.py), and
  is zero-mean wherever the threshold does not cut it off.
"""

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Adjustment -> weight (per cent). Mean 0, variance 2.1, at most 3 either way: two published
# counts differ from the difference of the true counts with probability 0.8, and by the full
# 6 with probability 0.0025 (the case where bounds alone pin a value; docs/security.md).
WEIGHTS = {-3: 5, -2: 10, -1: 20, 0: 30, 1: 20, 2: 10, 3: 5}
SPREAD = max(WEIGHTS)


def secret() -> bytes:
    if not settings.TRENDS_NOISE_SECRET:
        raise ImproperlyConfigured("TRENDS_NOISE_SECRET is empty")
    return settings.TRENDS_NOISE_SECRET.encode()


def adjustment(tag: str, ids: int, n: int, threshold: int) -> int:
    """The amount added to a published count of `n` records (whose ids sum to `ids`) of kind
    `tag`. Zero for an empty cell; otherwise n + adjustment >= threshold."""
    if n == 0:
        return 0
    digest = hmac.new(secret(), f"{tag}:{n}:{ids}".encode(), hashlib.sha256).digest()
    allowed = [(step, weight) for step, weight in WEIGHTS.items() if n + step >= threshold]
    if not allowed:
        raise ValueError("a count below the threshold is never published")
    draw = int.from_bytes(digest[:8], "big") * sum(w for _, w in allowed) / 2**64
    for step, weight in allowed:
        draw -= weight
        if draw < 0:
            return step
    return allowed[-1][0]
