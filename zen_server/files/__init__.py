"""The file-access policy: every path a tool takes from a client goes through here.

Public names: :class:`FileAccess` (check, expand, read text, load images, on its own I/O
pool), :class:`PathPolicy` (the path rule: roots, system locations, secrets by name),
:class:`FileIoPool`, and the limits. The rule, and why: README "Security".

Sits below ``tools`` in the import tower and depends only on ``resilience.deadline``,
``config`` and ``errors``, so any tool (and clink's subprocess arguments) can use it.
"""

from zen_server.files.access import MAX_FILE_BYTES, ExpandedPaths, FileAccess, FileText, shared_pool
from zen_server.files.images import IMAGE_TYPES, MAX_IMAGE_BYTES
from zen_server.files.io_pool import FileIoPool
from zen_server.files.policy import PathPolicy
from zen_server.files.walk import BINARY_EXTENSIONS, EXCLUDED_DIRS, MAX_EXPANDED_FILES

__all__ = [
    "BINARY_EXTENSIONS",
    "EXCLUDED_DIRS",
    "IMAGE_TYPES",
    "MAX_EXPANDED_FILES",
    "MAX_FILE_BYTES",
    "MAX_IMAGE_BYTES",
    "ExpandedPaths",
    "FileAccess",
    "FileIoPool",
    "FileText",
    "PathPolicy",
    "shared_pool",
]
