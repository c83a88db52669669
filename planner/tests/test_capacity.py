"""What-if runs are computed in a child process with a time budget (planner.capacity)."""

import json
import os

import pytest

from planner.capacity import OverBudget, in_child_process


def test_a_run_is_computed_in_another_process_and_its_answer_comes_back() -> None:
    assert in_child_process(os.getpid, seconds=30) != os.getpid()
    assert in_child_process(json.loads, seconds=30, s="[1, 2]") == [1, 2]


def test_the_runs_exception_is_raised_in_the_caller() -> None:
    with pytest.raises(json.JSONDecodeError):
        in_child_process(json.loads, seconds=30, s="{")


def test_a_run_past_its_budget_is_stopped() -> None:
    # 7 ** 10**8 takes tens of seconds of CPU.
    with pytest.raises(OverBudget, match=r"longer than 0\.5 s and was stopped"):
        in_child_process(pow, seconds=0.5, base=7, exp=10**8)
