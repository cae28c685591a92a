"""fakes: fake OpenAI, Gemini and Jules APIs and fake AI CLIs you can break on purpose, repeatably.

Real HTTP servers that the official SDKs cannot tell from the real APIs; behaviours
(latency, faults) set at start or through the /_fake control API; the same behaviours
in-process as respx routes. See docs/fakes.md.

Public face (everything else is private and may change):
    FakeServer, FakeProviderProcess, FakeControl, FakeStats   run and drive fakes (fakes.testing)
    FakeEngine                                                the core, transport-free
    Behaviour, ProviderBehaviour, BehaviourFile, StreamSpec,
    LatencySpec, Fault kinds, load_behaviour_file             the behaviour spec
    expected_marker, conversation_digest                      check what a server sent
    mount_fake                                                respx mounting
"""

from fakes._errors import BehaviourError, ControlError, FakesError, FakeServerError, ProviderRequestError
from fakes.behaviours import (
    FAULT_KINDS,
    DropFault,
    EmptyChoicesFault,
    ErrorFault,
    Fault,
    HangFault,
    LatencySpec,
    MalformedJsonFault,
    OverloadedFault,
    TruncatedFault,
    WrongContentTypeFault,
)
from fakes.engine import FakeEngine
from fakes.reply import conversation_digest, expected_marker
from fakes.respx_routes import mount_fake
from fakes.server import ListenSpec, serve_until
from fakes.spec import Behaviour, BehaviourFile, ProviderBehaviour, StreamSpec, load_behaviour_file
from fakes.testing import FakeControl, FakeProviderProcess, FakeServer, FakeStats
from fakes.wire import WireServer

__all__ = [
    "FAULT_KINDS",
    "Behaviour",
    "BehaviourError",
    "BehaviourFile",
    "ControlError",
    "DropFault",
    "EmptyChoicesFault",
    "ErrorFault",
    "FakeControl",
    "FakeEngine",
    "FakeProviderProcess",
    "FakeServer",
    "FakeServerError",
    "FakeStats",
    "FakesError",
    "Fault",
    "HangFault",
    "LatencySpec",
    "ListenSpec",
    "MalformedJsonFault",
    "OverloadedFault",
    "ProviderBehaviour",
    "ProviderRequestError",
    "StreamSpec",
    "TruncatedFault",
    "WireServer",
    "WrongContentTypeFault",
    "conversation_digest",
    "expected_marker",
    "load_behaviour_file",
    "mount_fake",
    "serve_until",
]
