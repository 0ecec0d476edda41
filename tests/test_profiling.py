"""Section times of a script run: logged only when asked, one line a run, read back by the bench."""

from __future__ import annotations

import time

import pytest

from geotrack import profiling


def _run(capsys: pytest.CaptureFixture[str]) -> str:
    with profiling.script_run():
        profiling.mark("data")
        time.sleep(0.01)
        profiling.mark("map")
        profiling.mark("data")  # a section marked again adds up
    return capsys.readouterr().out


def test_nothing_is_logged_without_the_variable(monkeypatch, capsys):
    monkeypatch.delenv(profiling.PROFILE_ENV, raising=False)
    assert _run(capsys) == ""
    monkeypatch.setenv(profiling.PROFILE_ENV, "0")
    assert _run(capsys) == ""
    profiling.mark("outside a run")  # no run: nothing happens


def test_one_line_per_run_with_each_section(monkeypatch, capsys):
    monkeypatch.setenv(profiling.PROFILE_ENV, "1")
    out = _run(capsys).splitlines()
    assert len(out) == 1 and out[0].startswith(profiling.PREFIX)
    times = profiling.parse(out[0])
    assert times is not None
    assert list(times) == ["total", "setup", "data", "map"]
    assert times["data"] >= 10.0  # the sleep is in the first data section
    assert times["total"] == pytest.approx(sum(v for k, v in times.items() if k != "total"), abs=0.5)


def test_a_run_ended_by_an_exception_is_still_logged(monkeypatch, capsys):
    monkeypatch.setenv(profiling.PROFILE_ENV, "1")
    with pytest.raises(RuntimeError), profiling.script_run():
        profiling.mark("map")
        raise RuntimeError("stop")  # what st.stop() and a rerun do to the script
    times = profiling.parse(capsys.readouterr().out.strip())
    assert times is not None and "map" in times
    profiling.mark("after")  # the run is over


def test_parse_reads_only_profile_lines():
    assert profiling.parse("something else") is None
    assert profiling.parse(f"{profiling.PREFIX} map=3.0") is None  # no total: not a run line
    assert profiling.parse(f"{profiling.PREFIX} total=5.5 map=3.0 bad=x") == {"total": 5.5, "map": 3.0}


def test_a_fragment_is_a_section_of_its_page_or_a_run_of_its_own(monkeypatch, capsys):
    monkeypatch.setenv(profiling.PROFILE_ENV, "1")
    with profiling.script_run():
        profiling.mark("data")
        with profiling.fragment_run("map"):
            time.sleep(0.01)
    with profiling.fragment_run("map"):  # rerun alone (a click inside it)
        time.sleep(0.01)
    whole, alone = (profiling.parse(line) for line in capsys.readouterr().out.splitlines())
    assert whole is not None and list(whole) == ["total", "setup", "data", "map"] and whole["map"] >= 10.0
    assert alone is not None and list(alone) == ["total", "map"] and alone["map"] >= 10.0
