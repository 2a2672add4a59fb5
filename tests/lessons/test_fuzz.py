"""A small sample of the mutation campaign (`fuzz_lessons.py`) in every test run: shipped lessons
mutated by each operator, `check` and `build` run in a subprocess. Each ends with exit 0, or
exit 1 and placed messages; never a traceback, signal or hang; and `build` refuses nothing that
`check` passed. A failure names the seed: `python tests/lessons/fuzz_lessons.py --start SEED
--count 1 --operator OP --keep DIR` rebuilds that mutant."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from fuzz_lessons import ALL_OPERATORS, Mutant, mutant, run, small_lesson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = [pytest.mark.timeout(600),
              pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs and symbolic links as on POSIX")]


@settings(max_examples=len(ALL_OPERATORS) + 6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operator=st.sampled_from(ALL_OPERATORS), seed=st.integers(0, 2**32))
def test_mutants_keep_the_contract(tmp_path_factory: pytest.TempPathFactory, operator: str, seed: int):
    outcome = run(mutant(seed, operator), tmp_path_factory.mktemp("mutant"))
    assert not outcome.failures, f"seed {seed} ({operator}): {outcome.failures}"


@pytest.mark.parametrize("cut", [0, 1, 7, 100, 555, 1000, 2000])
def test_a_small_lesson_cut_short(tmp_path: Path, cut: int):
    raw = small_lesson().encode()
    outcome = run(Mutant(-1, "truncate", yaml.safe_load(raw)["id"], raw[:cut]), tmp_path)
    assert not outcome.failures and outcome.check == outcome.build
