"""Shared pytest fixtures: the lab DNS (Knot behind Unbound on free loopback ports)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from textual.widgets import Input, TextArea

from tests.dnslab import (
    LAB_ZONES,
    TEST_ZONES,
    LabDns,
    LabDnsError,
    missing_tools,
    start_lab_dns,
)
from tests.jsoncontract import validating
from tests.paths import in_ci, need_shared


@pytest.fixture(scope="session", autouse=True)
def json_contract() -> Iterator[list[str]]:
    """Every JSON report and domain check a test builds validates against report/*.schema.json
    (tests/jsoncontract.py); the value lists the documents checked so far."""
    with validating() as checked:
        yield checked


@pytest.fixture
def snap_compare(snap_compare: Callable[..., bool]) -> Callable[..., bool]:
    """pytest-textual-snapshot's ``snap_compare`` with every text field's cursor held steady.

    A focused Input or TextArea blinks its cursor on a timer, so a picture would depend on the
    moment it is taken (and on the machine's load). After the test's own ``run_before`` the blink
    is turned off, which leaves the cursor drawn: every run takes the same picture.
    """

    def compare(app: Any, *args: Any, run_before: Any = None, **kwargs: Any) -> bool:
        async def steady(pilot: Any) -> None:
            if run_before is not None:
                result = run_before(pilot)
                if inspect.isawaitable(result):
                    await result
            for field in pilot.app.screen.query(Input):
                field.cursor_blink = False
            for area in pilot.app.screen.query(TextArea):
                area.cursor_blink = False
            await pilot.pause()

        return snap_compare(app, *args, run_before=steady, **kwargs)

    return compare


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Tests marked ``needs_shared`` skip without ../shared, and fail under CI."""
    if item.get_closest_marker("needs_shared") is not None:
        need_shared()


@pytest.fixture(scope="session")
def lab_dns(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabDns]:
    """Knot serving the lab zones behind Unbound; ``.host``/``.port`` is Unbound (recursive),
    ``.auth_port`` Knot. Skips (fails under CI) when the servers are not installed."""
    missing = missing_tools()
    if missing:
        message = (
            f"lab DNS needs {' and '.join(missing)} (Debian packages knot and unbound); "
            "install them to run the DNS tests"
        )
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    try:
        lab = start_lab_dns(
            [LAB_ZONES, TEST_ZONES], tmp_path_factory.mktemp("labdns"), probe="contoso.com"
        )
    except LabDnsError as exc:
        pytest.fail(f"lab DNS failed to start: {exc}")
    try:
        yield lab
    finally:
        lab.stop()
