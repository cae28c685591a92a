"""A fake Jules REST API (v1alpha) with the model fakes' behaviours and faults.

    zen-fakes serve --provider jules --port 8003        then JULES_BASE_URL=http://127.0.0.1:8003/v1alpha

See :mod:`fakes.dialects.jules` for the routes and :mod:`fakes.jules.world` for how
sessions move.
"""

from fakes.dialects.jules import OPERATIONS, JulesCall, JulesDialect
from fakes.jules.engine import API_KEY_HEADER, JulesEngine
from fakes.jules.world import SOURCES, JulesWorld

__all__ = [
    "API_KEY_HEADER",
    "OPERATIONS",
    "SOURCES",
    "JulesCall",
    "JulesDialect",
    "JulesEngine",
    "JulesWorld",
]
