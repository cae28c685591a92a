"""Caches that earn their hits and are never stale (README "Caching").

* ``lru``: a byte-bounded, thread-safe LRU with optional TTL and hit/miss/eviction counts;
* ``file_cache``: file text keyed by the file's identity (path, device, inode, size,
  mtime_ns, ctime_ns), with single-flight for concurrent reads of the same version;
* ``response_key``: the one place that builds a model request's cache key (the contract);
* ``single_flight``: identical concurrent provider calls sent once, the answer shared;
* ``response_cache`` / ``redis_tier``: the opt-in response cache, memory then Redis;
* ``caller``: the ModelCaller that puts single-flight and the response cache in front of
  the gateway;
* ``build``: all of it from settings, and the caches' rows for metrics and the dashboard.

``file_cache`` and ``lru`` sit below ``files`` (``files.access`` uses them); the rest sits
above ``providers`` and ``observability``. Only ``server.py`` builds the caches.
"""
