"""Fixtures about the external validators.

A test that needs EPUBCheck or Ace asks for it with the fixture (``requires_epubcheck``) or the
marker of the same name (``@pytest.mark.requires_ace``). Without the tool the test is skipped
with the reason, locally; under CI (``CI=true``) it fails instead, because a validator that
silently does not run proves nothing.
"""

from __future__ import annotations

import pytest

from samizdat.checks.tools import (
    INSTALL_HINT,
    ace_missing,
    chromium_executable,
    epubcheck_missing,
    running_under_ci,
)


def chromium_missing() -> str | None:
    return None if chromium_executable() else "Chromium is not installed (scripts/install-validators)"


TOOL_CHECKS = {
    "requires_epubcheck": epubcheck_missing,
    "requires_ace": ace_missing,
    "requires_chromium": chromium_missing,
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "requires_epubcheck: needs EPUBCheck and Java")
    config.addinivalue_line("markers", "requires_ace: needs Ace by DAISY, Node.js and Chromium")
    config.addinivalue_line("markers", "requires_chromium: needs Chromium (headless)")


def _demand(missing: str | None) -> None:
    if missing is None:
        return
    if running_under_ci():
        pytest.fail(f"CI=true but {missing}; {INSTALL_HINT}", pytrace=False)
    pytest.skip(f"{missing}; {INSTALL_HINT}")


@pytest.hookimpl(tryfirst=True)  # before fixtures are set up: a skip must not run the tools
def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker, missing in TOOL_CHECKS.items():
        if item.get_closest_marker(marker) is not None:
            _demand(missing())


@pytest.fixture(scope="session")
def requires_epubcheck() -> None:
    _demand(epubcheck_missing())


@pytest.fixture(scope="session")
def requires_ace() -> None:
    _demand(ace_missing())
