"""Baselines: other MCP servers (the upstream PAL MCP Server first) installed as named targets.

``zen-harness baseline install NAME REQUIREMENT...`` builds an isolated venv under the
user's cache folder and records how to run the server (``registry``); ``baseline:NAME``
then names it as the target of ``zen-harness run`` and the ``--compare`` of the phase
gates (``target``), with its own provider variables wired to the fakes (``profiles``).
"""
