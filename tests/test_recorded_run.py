"""docs/performance.md and docs/reliability.md quote one recorded `make bench` run, and agree with it.

The run is printed in full in performance.md; the figures either page quotes in its prose (the crash window, the
fleet and fan-out ratios, the latency under load) must be the ones in that printout, from the same date.
"""

import re

from tests.support import ROOT

PERFORMANCE = (ROOT / "docs" / "performance.md").read_text()
RELIABILITY = " ".join((ROOT / "docs" / "reliability.md").read_text().split())


def _recorded_run() -> str:
    section = PERFORMANCE.split("## A recorded run", 1)[1]
    return section.split("```text", 1)[1].split("```", 1)[0]


def _prose() -> str:
    return " ".join(PERFORMANCE.split("## What it means", 1)[1].split())


def _section(number: str) -> str:
    run = _recorded_run()
    return run.split(f"\n{number}. ", 1)[1].split("\n\n", 1)[0]


def test_the_recorded_run_is_dated_and_the_reliability_page_quotes_the_same_run() -> None:
    [date] = re.findall(r"## A recorded run \((\d{4}-\d{2}-\d{2}),", PERFORMANCE)
    window = re.search(r"median ([\d.]+) ms, p90 ([\d.]+) ms, max ([\d.]+) ms", _section("8"))
    assert window is not None
    median, p90, maximum = window.groups()
    quoted = f"({date}, 15 creates): **median {median} ms, p90 {p90} ms, max {maximum} ms**"
    assert quoted in RELIABILITY, f"docs/reliability.md must quote section 8 of the run: {quoted}"


def test_the_prose_quotes_the_fleet_and_fan_out_ratios_of_the_run() -> None:
    fleet = re.search(r"ratio ([\d.]+) \(goal <= 1.3\)", _section("3"))
    assert fleet is not None
    assert f"a ratio of **{fleet[1]}**" in _prose()
    baseline = re.search(r"host's 4 workers \(before\)\s+makespan.*?ratio\s+([\d.]+)", _section("6"))
    assert baseline is not None
    assert f"baseline row, ratio {baseline[1]}" in _prose()


def test_the_prose_quotes_the_latency_range_of_the_run() -> None:
    p99s = [float(v) for v in re.findall(r"p99 ([\d.]+) ms", _section("7"))]
    assert len(p99s) == 4
    low, high = min(p99s), max(p99s)
    assert f"p99 of {low:g} to {high:g} ms" in _prose()


def test_the_waiting_table_prints_the_goal_in_force() -> None:
    """Progress stuck at 0 cannot make a fifth of the calls within 60 s: the printed goal is the 60 s bound."""
    assert "goal: lag never > 60 s; with progress rising" in _section("1")
