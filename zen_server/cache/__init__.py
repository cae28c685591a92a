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

``files`` imports ``file_cache``; the package imports ``providers``, ``observability``,
``config`` and ``errors`` and never ``files`` or anything above it, so no package cycle.
Only ``server.py`` builds the caches.
"""
