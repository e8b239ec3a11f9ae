"""Which files a run reads, and how a run goes on past a bad file."""

from __future__ import annotations

from pathlib import Path

import pytest

from convexity_proofs import ClaimError, parse_claims
from convexity_proofs.cli import collect_files, main
from convexity_proofs.errors import ClaimErrors
from tests._claim_text import claim_toml

GOOD = claim_toml("square")
BAD = claim_toml("broken", prop="convexish")
TWO_BAD = (
    claim_toml("first", prop="convexish")
    + claim_toml("fine")
    + claim_toml("second", variables=("y",))
    + claim_toml("fine", "x**4")
)
PYPROJECT = """
[project]
name = "something"
version = "1.0"
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text)
    return path


def error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("convexity-check: error: ")]


def test_a_directory_run_skips_toml_files_without_claims(tmp_path: Path, capsys) -> None:
    write(tmp_path, "pyproject.toml", PYPROJECT)
    good = write(tmp_path, "claims.toml", GOOD)
    assert collect_files([str(tmp_path)]) == [good]
    assert main([str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert "square" in captured.out
    assert error_lines(captured.err) == []


def test_a_file_named_explicitly_without_claims_is_still_an_error(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, "pyproject.toml", PYPROJECT)
    assert collect_files([str(path)]) == [path]
    assert main([str(path)]) == 2
    (line,) = error_lines(capsys.readouterr().err)
    assert str(path) in line


def test_a_directory_of_only_non_claim_toml_is_an_error(tmp_path: Path, capsys) -> None:
    write(tmp_path, "pyproject.toml", PYPROJECT)
    assert main([str(tmp_path)]) == 2
    assert len(error_lines(capsys.readouterr().err)) == 1


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_one_bad_file_does_not_stop_the_others(tmp_path: Path, capsys, jobs: str) -> None:
    bad = write(tmp_path, "a_bad.toml", BAD)
    write(tmp_path, "b_good.toml", GOOD)
    assert main([str(tmp_path), "--jobs", jobs]) == 2
    captured = capsys.readouterr()
    assert "square" in captured.out  # the good claim's verdict is reported
    (line,) = error_lines(captured.err)
    assert str(bad) in line and "broken" in line and "property" in line


def test_a_bad_file_beats_a_failed_claim_for_the_exit_code(tmp_path: Path, capsys) -> None:
    write(tmp_path, "a_bad.toml", BAD)
    write(tmp_path, "b_wrong.toml", GOOD.replace('"convex"', '"concave"'))
    assert main([str(tmp_path)]) == 2
    assert len(error_lines(capsys.readouterr().err)) == 1


def test_a_file_reports_all_its_errors(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, "two.toml", TWO_BAD)
    assert main([str(path)]) == 2
    captured = capsys.readouterr()
    lines = error_lines(captured.err)
    assert len(lines) == 3
    assert "first" in lines[0] and "property" in lines[0]
    assert "second" in lines[1] and "variables" in lines[1]
    assert "fine" in lines[2] and "duplicate" in lines[2]
    assert captured.out == ""  # nothing loaded, nothing checked


def test_parse_claims_raises_one_error_holding_them_all() -> None:
    with pytest.raises(ClaimErrors) as info:
        parse_claims(TWO_BAD, file="two.toml")
    errors = info.value.errors
    assert [(e.claim, e.field) for e in errors] == [
        ("first", "property"),
        ("second", "variables"),
        ("fine", "name"),
    ]
    # The first error's location, for code that reads a single error.
    assert (info.value.file, info.value.claim, info.value.field) == (
        "two.toml",
        "first",
        "property",
    )
    assert isinstance(info.value, ClaimError)
    assert str(info.value).splitlines() == [str(e) for e in errors]


def test_a_single_error_is_raised_as_itself() -> None:
    with pytest.raises(ClaimError) as info:
        parse_claims(BAD)
    assert not isinstance(info.value, ClaimErrors)
    assert info.value.field == "property"


def test_a_toml_syntax_error_stays_single() -> None:
    with pytest.raises(ClaimError) as info:
        parse_claims(TWO_BAD + "\n[[claim]\n")
    assert not isinstance(info.value, ClaimErrors)
    assert "TOML" in str(info.value)
