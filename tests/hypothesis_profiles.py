"""Hypothesis profiles for the property tests (tests/test_properties_*.py).

``ci`` is the default: the same examples on every run (``derandomize``), so a failure in CI
fails again on a laptop, a bounded number of them, so that all property tests together take
seconds, and no example database (``database=None``): nothing is written into the working
tree. ``explore`` searches much longer with fresh random examples, for a change to a
validator: ``HYPOTHESIS_PROFILE=explore pytest tests/test_properties_*.py``. A failure it
finds belongs in the test as an ``@example``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=100,
    database=None,
    # A shared CI machine pauses a process now and then: time is not what these tests measure.
    deadline=None,
    print_blob=True,
    # Function-scoped fixtures (conftest's autouse ones, pytest-django's transaction) are set up
    # once per test, not per example: the properties here need nothing fresh from them, and
    # those that write roll back or make records of their own.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
settings.register_profile("explore", parent=settings.get_profile("ci"), derandomize=False, max_examples=5000)


def load_profile() -> None:
    """Load the profile named by HYPOTHESIS_PROFILE (``ci`` when unset)."""
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def costly() -> settings:
    """For a property whose every example writes to the database or a workbook: four tenths of
    the profile's examples (40 in ``ci``, 2,000 in ``explore``)."""
    return settings(max_examples=max(10, settings.default.max_examples * 2 // 5))
