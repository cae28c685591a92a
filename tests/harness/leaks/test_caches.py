"""Bounded caches against RSS in the leak report: scraped bytes, the split, the report rows."""

from __future__ import annotations

from harness.leaks.caches import CacheSampler, cache_bytes, split_growth
from harness.leaks.runner import _cache_rows

MB = 1024 * 1024
EXPOSITION = f"""# HELP zen_store_bytes Bytes held by the conversation store.
# TYPE zen_store_bytes gauge
zen_store_bytes {3 * MB}
# HELP zen_store_tombstone_bytes Bytes held by the store's ring of evicted thread ids.
# TYPE zen_store_tombstone_bytes gauge
zen_store_tombstone_bytes {MB}
# HELP zen_store_threads Conversation threads held.
# TYPE zen_store_threads gauge
zen_store_threads 100.0
"""


def test_cache_bytes_sums_the_bounded_caches_and_nothing_else() -> None:
    assert cache_bytes(EXPOSITION) == 4 * MB
    assert cache_bytes("# TYPE other gauge\nother 5.0\n") is None


def test_growth_the_caches_account_for_is_taken_out_of_rss_growth() -> None:
    split = split_growth(12.0, 2.0, 9.0)
    assert split == {
        "caches_warm_mb": 2.0,
        "caches_end_mb": 9.0,
        "caches_growth_mb": 7.0,
        "unexplained_growth_mb": 5.0,
    }
    assert split_growth(12.0, None, 9.0) == {}


def test_the_sample_at_a_moment_is_the_last_one_taken_by_then() -> None:
    sampler = CacheSampler()
    sampler.samples = [(100.0, 1.0), (102.0, 2.0), (104.0, 3.0)]
    assert sampler.at(103.5) == 2.0
    assert sampler.at(99.0) == 1.0  # before the first: the first
    assert CacheSampler().at(100.0) is None


def test_report_rows_show_caches_and_the_unexplained_rest_or_say_they_were_not_scraped() -> None:
    rows = _cache_rows(
        {"caches_warm_mb": 2.0, "caches_end_mb": 9.0, "caches_growth_mb": 7.0, "unexplained_growth_mb": 5.0}
    )
    assert rows == [
        "| bounded caches (MB) | 2.0 | 9.0 | +7.0 |",
        "| RSS growth no bounded cache accounts for (MB) | | | +5.0 |",
    ]
    assert _cache_rows({}) == ["| bounded caches (MB) | not scraped | | |"]
