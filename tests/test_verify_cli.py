"""``convexity-check verify`` and ``convexity_proofs.verify``: answers, exit codes, trust.

Exit codes: 0 every certificate valid, 1 some invalid (or not checked in time), 2 some
unreadable (with one error line naming the file).  The certificates come from real
runs of ``convexity-check --certificates``.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

import convexity_proofs
from convexity_proofs import CertificateError, CheckReport, verify, verify_directory
from convexity_proofs.cli import main

from ._certificate_claims import CLAIMS

NAMES = ["half-swap", "saddle", "sine-is-neither", "square"]


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One run's certificates (kept pristine: tests copy them before changing any)."""
    root = tmp_path_factory.mktemp("written")
    (root / "basics.toml").write_text(CLAIMS)
    out = root / "certs"
    assert main([str(root / "basics.toml"), "--certificates", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [f"basics--{n}.json" for n in NAMES]
    return out


@pytest.fixture
def certs(written: Path, tmp_path: Path) -> Path:
    out = tmp_path / "certs"
    shutil.copytree(written, out)
    return out


def _edit(path: Path, change: Any) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


# --- the command ------------------------------------------------------------------------


def test_valid_certificates_exit_0_and_say_what_they_rest_on(
    certs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", str(certs)]) == 0
    out = capsys.readouterr().out
    for name in NAMES:
        assert f"basics--{name}.json: {name}: valid" in out
    assert "4 certificates: 4 valid, 0 invalid" in out
    assert "a valid certificate rests on, besides the checker itself:" in out
    assert "SymPy" in out and "python-flint" in out


def test_single_files_and_jobs_give_the_same_answers(
    certs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = [str(p) for p in sorted(certs.iterdir())]
    assert main(["verify", *files]) == 0
    serial = capsys.readouterr().out
    assert main(["verify", *files, "--jobs", "2"]) == 0
    assert capsys.readouterr().out == serial


def test_a_tampered_certificate_is_invalid_and_names_why(
    certs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The claim's function replaced by its negation: the judged expression no longer
    # is what the claim's text gives.
    _edit(certs / "basics--square.json", lambda d: d["claim"]["table"].update(function="-x**2"))
    # The recorded property changed.
    _edit(certs / "basics--saddle.json", lambda d: d["verdict"].update(property="concave"))
    assert main(["verify", str(certs)]) == 1
    out = capsys.readouterr().out
    assert "basics--square.json: square: invalid: " in out
    assert "basics--saddle.json: saddle: invalid: verdict.property" in out
    assert "basics--sine-is-neither.json: sine-is-neither: valid" in out
    assert "4 certificates: 2 valid, 2 invalid" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not JSON"),
        ('{"format": "something-else", "version": 1}', "not a convexity-proofs-certificate"),
        ('{"format": "convexity-proofs-certificate", "version": 99}', "version 99"),
        ('{"a": 1, "a": 1}', "duplicate key"),
        ("[]", "a certificate is a JSON object"),
    ],
)
def test_an_unreadable_certificate_is_exit_2_with_one_line_naming_the_file(
    certs: Path, content: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = certs / "zz-bad.json"
    bad.write_text(content)
    assert main(["verify", str(certs)]) == 2
    captured = capsys.readouterr()
    errors = captured.err.strip().splitlines()
    assert len(errors) == 1
    assert errors[0].startswith(f"convexity-check: error: {bad}: ")
    assert message in errors[0]
    assert "Traceback" not in captured.err
    # The readable ones are still checked and reported.
    assert "basics--square.json: square: valid" in captured.out
    assert "5 certificates: 4 valid, 0 invalid, 1 unreadable" in captured.out


def test_a_malformed_certificate_is_unreadable(
    certs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = certs / "basics--square.json"
    _edit(path, lambda d: d.pop("expressions"))
    assert main(["verify", str(path)]) == 2
    assert f"{path}: missing field 'expressions'" in capsys.readouterr().err


@pytest.mark.parametrize("target", ["missing.json", "empty"])
def test_missing_paths_and_empty_directories_are_exit_2(
    tmp_path: Path, target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty").mkdir()
    assert main(["verify", str(tmp_path / target)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("convexity-check: error: ") and str(tmp_path / target) in err


def test_verify_needs_a_path_and_knows_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["verify"])
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["verify", "x.json", "--verbose"])
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["verify", "--help"])
    assert exit_info.value.code == 0
    assert "--recheck-z3" in capsys.readouterr().out


def test_a_claim_directory_named_verify_is_reached_as_dot_slash_verify(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "verify").mkdir()
    (tmp_path / "verify" / "c.toml").write_text(CLAIMS)
    assert main(["./verify", "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["results"]) == 4


def test_json_output(certs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (certs / "zz-bad.json").write_text("{")
    _edit(certs / "basics--square.json", lambda d: d["verdict"].update(expect="fails"))
    assert main(["verify", str(certs), "--format", "json"]) == 2
    document = json.loads(capsys.readouterr().out)
    assert document["version"] == 1
    assert document["summary"] == {"total": 5, "valid": 3, "invalid": 1, "unreadable": 1}
    by_file = {Path(r["file"]).name: r for r in document["results"]}
    assert by_file["basics--saddle.json"]["valid"] is True
    assert by_file["basics--saddle.json"]["failure"] is None
    assert any("python-flint" in t for t in by_file["basics--saddle.json"]["trust"])
    square = by_file["basics--square.json"]
    assert square["valid"] is False and "verdict.expect" in square["failure"]
    assert square["trust"] == []
    assert "not JSON" in by_file["zz-bad.json"]["error"]


# --- what the command passes to the checker, and how it bounds it ------------------------


def _patch_checker(monkeypatch: pytest.MonkeyPatch, fake: Any) -> None:
    from convexity_proofs import checker

    monkeypatch.setattr(checker, "verify_certificate", fake)


def test_recheck_z3_is_passed_to_the_checker(
    certs: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fake(data: Any, *, recheck_z3: bool = False) -> CheckReport:
        return CheckReport(True, f"{data['claim']['name']} recheck={recheck_z3}")

    _patch_checker(monkeypatch, fake)
    path = str(certs / "basics--square.json")
    assert main(["verify", path]) == 0
    assert "square recheck=False: valid" in capsys.readouterr().out
    assert main(["verify", path, "--recheck-z3"]) == 0
    assert "square recheck=True: valid" in capsys.readouterr().out


def test_extra_trust_is_listed_per_certificate(
    certs: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from convexity_proofs.checker import TRUST_BASE

    def fake(data: Any, *, recheck_z3: bool = False) -> CheckReport:
        extra = ("z3 4.13.0 for 2 polynomial-decision steps",)
        name = data["claim"]["name"]
        return CheckReport(True, name, None, TRUST_BASE + (extra if name == "square" else ()))

    _patch_checker(monkeypatch, fake)
    assert main(["verify", str(certs)]) == 0
    out = capsys.readouterr().out
    for item in TRUST_BASE:
        assert f"  - {item}\n" in out
    square = certs / "basics--square.json"
    assert f"  - z3 4.13.0 for 2 polynomial-decision steps (in {square})" in out
    assert out.count("z3 4.13.0") == 1


def test_a_check_past_the_time_limit_is_not_valid(
    certs: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def slow(data: Any, *, recheck_z3: bool = False) -> CheckReport:
        time.sleep(60)
        raise AssertionError("not reached")

    _patch_checker(monkeypatch, slow)
    started = time.monotonic()
    assert main(["verify", str(certs / "basics--square.json"), "--timeout", "0.3"]) == 1
    assert time.monotonic() - started < 10
    assert "invalid: not checked: stopped after 0.3 s" in capsys.readouterr().out


def test_a_checker_crash_costs_that_certificate_only(
    certs: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from convexity_proofs.checker import verify_certificate

    def crash(data: Any, *, recheck_z3: bool = False) -> CheckReport:
        if data["claim"]["name"] == "square":
            raise RuntimeError("boom")
        return verify_certificate(data, recheck_z3=recheck_z3)

    _patch_checker(monkeypatch, crash)
    monkeypatch.setenv("CONVEXITY_PROOFS_RAISE_INTERNAL", "0")
    assert main(["verify", str(certs)]) == 1
    out = capsys.readouterr().out
    assert "invalid: the check ended with an internal error: RuntimeError: boom" in out
    assert "3 valid, 1 invalid" in out


def test_control_characters_in_file_names_are_escaped(
    certs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = certs / "odd\x1b[2J.json"
    (certs / "basics--square.json").rename(odd)
    assert main(["verify", str(odd)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "odd\\x1b[2J.json" in out


# --- Python ---------------------------------------------------------------------------


def test_verify_from_python(certs: Path) -> None:
    assert "verify" in convexity_proofs.__all__
    report = verify(certs / "basics--square.json")
    assert isinstance(report, CheckReport)
    assert report.valid and report.failure is None and report.claim == "square"
    assert any("SymPy" in t for t in report.trust)
    data = json.loads((certs / "basics--saddle.json").read_text())
    assert verify(data).valid
    data["claim"]["table"]["function"] = "x*y + x**2 + y**2"
    tampered = verify(data)
    assert not tampered.valid and tampered.failure


def test_verify_directory_from_python(certs: Path) -> None:
    reports = verify_directory(certs)
    assert [p.name for p in reports] == [f"basics--{n}.json" for n in NAMES]
    assert all(r.valid for r in reports.values())
    (certs / "zz.json").write_text("{")
    with pytest.raises(CertificateError, match=r"zz\.json: not JSON"):
        verify_directory(certs)
    with pytest.raises(CertificateError, match="not a directory"):
        verify_directory(certs / "zz.json")


def test_verify_from_python_names_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(CertificateError, match=r"nope\.json: cannot read the file"):
        verify(tmp_path / "nope.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "convexity-proofs-certificate", "version": 1}')
    with pytest.raises(CertificateError, match=r"bad\.json: missing field"):
        verify(bad)


def test_a_json_report_result_is_checked_from_the_json_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "basics.toml"
    path.write_text(CLAIMS)
    assert main([str(path), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    path.unlink()  # the claim file is not needed to check a result
    for result in document["results"]:
        report = verify(result["certificate"])
        assert report.valid, (result["name"], report.failure)
