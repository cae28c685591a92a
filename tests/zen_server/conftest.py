"""The server's tests run with the safety nets on: a leaked socket, file, process or task
(ResourceWarning) or an exception nobody could catch (PytestUnraisableExceptionWarning)
fails the test, instead of being ignored as it still is for the harness and fakes suites."""

from __future__ import annotations

import gc
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).parent
SAFETY_NETS = (
    pytest.mark.filterwarnings("error::ResourceWarning"),
    pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning"),
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(HERE):
            for mark in SAFETY_NETS:
                item.add_marker(mark)


@pytest.fixture(autouse=True)
def _leftovers_of_other_suites_are_not_ours() -> Iterator[None]:
    """Collect what earlier tests of other suites (in the same worker) left for the garbage
    collector before a server test starts, with their warnings ignored: a pipe a harness test
    leaked must not fail the next server test that happens to trigger a collection."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gc.collect()
    yield
