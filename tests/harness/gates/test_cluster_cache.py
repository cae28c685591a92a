"""The cluster cache measurement counts a reply as a hit only when the server marked it so."""

from __future__ import annotations

import json

from harness.gates.metrics.cluster_cache import cross_instance_hits, served_from_cache


def test_a_reply_is_a_hit_only_when_its_metadata_says_served_from_cache() -> None:
    hit = {"status": "continuation_available", "content": "x", "metadata": {"served_from_cache": True}}
    assert served_from_cache(json.dumps(hit))
    assert not served_from_cache(json.dumps({"status": "success", "metadata": {"model_used": "gpt-5"}}))
    assert not served_from_cache(json.dumps({"metadata": {"served_from_cache": "yes"}}))
    assert not served_from_cache("plain text, not the JSON envelope")
    assert not served_from_cache(json.dumps(["served_from_cache"]))


def test_only_an_other_instances_first_call_counts_as_a_cross_instance_hit() -> None:
    # Three instances without sharing: each misses its first call, then hits its own memory.
    local_only: list[bool | None] = [False, False, False, True, True, True]
    assert cross_instance_hits(local_only, 3) == 0
    shared: list[bool | None] = [False, True, None, True]
    assert cross_instance_hits(shared, 3) == 1
