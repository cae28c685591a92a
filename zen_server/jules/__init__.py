"""Google Jules, the asynchronous coding agent, as the jules tool reaches it (REST, v1alpha)."""

from zen_server.jules.client import API_KEY_HEADER, JulesClient, session_id_from

__all__ = ["API_KEY_HEADER", "JulesClient", "session_id_from"]
