"""The cluster cache measurement counts a reply as a hit only when the server marked it so."""

from __future__ import annotations

import json

from harness.gates.metrics.cluster_cache import served_from_cache


def test_a_reply_is_a_hit_only_when_its_metadata_says_served_from_cache() -> None:
    hit = {"status": "continuation_available", "content": "x", "metadata": {"served_from_cache": True}}
    assert served_from_cache(json.dumps(hit))
    assert not served_from_cache(json.dumps({"status": "success", "metadata": {"model_used": "gpt-5"}}))
    assert not served_from_cache(json.dumps({"metadata": {"served_from_cache": "yes"}}))
    assert not served_from_cache("plain text, not the JSON envelope")
    assert not served_from_cache(json.dumps(["served_from_cache"]))
