"""Certificate files: their names, strict reading, ``--certificates`` and the pytest option.

The names must never collide within a run and must not change from run to run; the
bytes must not change either (serial or ``--jobs``); the JSON report must carry the same
certificate; the pytest option writes and checks one certificate per decided claim.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

# Imported here, before pytester's in-process runs: modules a run imports are removed
# after it, and NumPy (which the engine imports) cannot be imported twice in a process.
import convexity_proofs._engine
import convexity_proofs.checker  # noqa: F401
from convexity_proofs import _certificate_files as files
from convexity_proofs._certificate import CertificateError
from convexity_proofs._certificate_files import (
    certificate_files,
    certificate_names,
    file_key,
    parse_certificate,
    read_certificate_file,
)
from convexity_proofs._values import Claim, Property
from convexity_proofs.cli import main

from ._certificate_claims import CLAIMS

pytest_plugins = ["pytester"]

X = sympy.Symbol("x", real=True)

SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.~-]*\.json$")


def claim(name: str, file: str | None) -> Claim:
    return Claim(name=name, function=X**2, variables=(X,), property=Property.CONVEX, file=file)


# --- names ----------------------------------------------------------------------------


def test_a_name_is_the_file_stem_and_the_claim_name() -> None:
    names = certificate_names(
        [claim("square", "claims/basics.toml"), claim("b", "claims/basics.toml"), claim("b", "m")]
    )
    assert names == ["basics--square.json", "basics--b.json", "m--b.json"]


def test_files_that_share_a_stem_get_a_digest_of_their_path() -> None:
    claims = [claim("c", "a/x.toml"), claim("c", "b/x.toml"), claim("c", "y.toml")]
    first, second, plain = certificate_names(claims)
    assert first != second
    assert re.fullmatch(r"x~[0-9a-f]{10}--c\.json", first)
    assert re.fullmatch(r"x~[0-9a-f]{10}--c\.json", second)
    assert plain == "y--c.json"
    # Deterministic and independent of the order of the claims.
    assert certificate_names(claims[::-1]) == [plain, second, first]
    # The same file named two ways (normalised) is one file.
    assert certificate_names([claim("c", "a/x.toml"), claim("d", "a/./x.toml")]) == [
        "x--c.json",
        "x--d.json",
    ]


def test_stems_that_differ_only_in_case_are_told_apart() -> None:
    upper, lower = certificate_names([claim("c", "X.toml"), claim("c", "x.toml")])
    assert upper.casefold() != lower.casefold()


def test_claim_names_that_differ_only_in_case_are_told_apart() -> None:
    names = certificate_names([claim("Sq", "f.toml"), claim("sq", "f.toml")])
    assert names[0].casefold() != names[1].casefold()
    assert names[0].startswith("f--Sq~") and names[1].startswith("f--sq~")


def test_unsafe_stems_are_made_safe_and_never_hold_a_double_dash() -> None:
    assert file_key("dir/my claims--v2 (draft).toml") == ("my_claims-v2__draft_", False)
    assert file_key(".hidden.toml") == ("_hidden", False)
    assert file_key("-x-.toml") == ("_x_", False)
    key, cut = file_key("d/" + "a" * 300 + ".toml")
    assert cut and len(key) == 100
    (name,) = certificate_names([claim("c", "d/" + "a" * 300 + ".toml")])
    assert re.fullmatch(r"a{100}~[0-9a-f]{10}--c\.json", name)


def test_a_stem_ending_in_a_digest_shape_cannot_meet_a_disambiguated_one() -> None:
    claims = [claim("c", "a/x.toml"), claim("c", "b/x.toml")]
    taken = certificate_names(claims)
    lookalike = taken[0].split("--")[0].replace("~", "-") + ".toml"
    names = certificate_names([*claims, claim("c", lookalike)])
    assert len({n.casefold() for n in names}) == 3


_segment = st.text(alphabet="ab-_.~ X", min_size=1, max_size=6)
_paths = st.lists(_segment, min_size=1, max_size=3).map(lambda p: "/".join(p) + ".toml")
_names = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,5}", fullmatch=True)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_paths, _names), min_size=1, max_size=12))
def test_names_never_collide_and_are_safe(pairs: list[tuple[str, str]]) -> None:
    claims = [claim(name, file) for file, name in pairs]
    names = certificate_names(claims)
    owners: dict[str, tuple[str, str]] = {}
    for (file, name), out in zip(pairs, names, strict=True):
        assert SAFE_NAME.match(out), out
        key = (files._path_text(file), name)
        assert owners.setdefault(out.casefold(), key) == key
        # The first "--" ends the file key.
        assert out.split("--", 1)[1].removesuffix(".json").split("~")[0] == name


# --- strict reading -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "not JSON"),
        ("{", "not JSON"),
        ("[1, 2]", "a certificate is a JSON object"),
        ('{"a": 1, "a": 2}', "duplicate key 'a'"),
        ('{"a": NaN}', "NaN is not a JSON number"),
        ('{"a": Infinity}', "Infinity is not a JSON number"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_reading_is_strict(text: str, message: str) -> None:
    with pytest.raises(CertificateError, match=re.escape(message)):
        parse_certificate(text)


def test_unreadable_files_are_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(CertificateError, match=r"missing\.json: cannot read the file"):
        read_certificate_file(tmp_path / "missing.json")
    with pytest.raises(CertificateError, match="is a directory"):
        read_certificate_file(tmp_path)
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"a": "\xff"}')
    with pytest.raises(CertificateError, match=r"bad\.json: not UTF-8 text"):
        read_certificate_file(bad)
    bad.write_text("{}")
    monkeypatch.setattr(files, "MAX_CERTIFICATE_BYTES", 1)
    with pytest.raises(CertificateError, match=r"bad\.json: file is too large: 2 bytes"):
        read_certificate_file(bad)


def test_certificate_files_sorts_directories_and_names_missing_paths(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.json").write_text("{}")
    (tmp_path / "a.json").write_text("{}")
    (tmp_path / "notes.txt").write_text("")
    assert certificate_files([tmp_path]) == [tmp_path / "a.json", tmp_path / "b" / "z.json"]
    with pytest.raises(CertificateError, match="no such file or directory"):
        certificate_files([tmp_path / "nope"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(CertificateError, match=r"no \*\.json certificate files"):
        certificate_files([tmp_path / "empty"])


def test_writing_is_atomic_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = files.write_certificate(tmp_path, "a--b.json", b"{}\n")
    assert path.read_bytes() == b"{}\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a--b.json"]


# --- convexity-check --certificates -----------------------------------------------------


def _run(tmp_path: Path, out: str, *extra: str) -> tuple[int, dict[str, bytes]]:
    directory = tmp_path / out
    code = main([str(tmp_path / "claims"), "--certificates", str(directory), *extra])
    return code, {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


@pytest.fixture
def claim_dir(tmp_path: Path) -> Path:
    (tmp_path / "claims" / "one").mkdir(parents=True)
    (tmp_path / "claims" / "two").mkdir()
    (tmp_path / "claims" / "one" / "basics.toml").write_text(CLAIMS)
    # The same stem in another directory: the names must still not collide.
    (tmp_path / "claims" / "two" / "basics.toml").write_text(CLAIMS)
    return tmp_path


def test_certificates_are_written_for_decided_claims_byte_identically(
    claim_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, first = _run(claim_dir, "first")
    assert code == 0
    assert len(first) == 8
    assert all(SAFE_NAME.match(n) for n in first)
    assert {n.split("--")[1] for n in first} == {
        "square.json",
        "saddle.json",
        "sine-is-neither.json",
        "half-swap.json",
    }
    assert "wrote 8 certificates to" in capsys.readouterr().err
    code, again = _run(claim_dir, "again")
    assert again == first
    code, parallel = _run(claim_dir, "parallel", "--jobs", "2")
    assert parallel == first
    for data in first.values():
        certificate = json.loads(data)
        assert certificate["format"] == "convexity-proofs-certificate"
        assert certificate["version"] == 1
        assert data.endswith(b"\n")


def test_the_json_report_carries_each_certificate(
    claim_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, written = _run(claim_dir, "certs", "--format", "json")
    assert code == 0
    document = json.loads(capsys.readouterr().out)
    names = sorted(written)
    carried = sorted(json.dumps(r["certificate"], sort_keys=True) for r in document["results"])
    assert carried == sorted(json.dumps(json.loads(written[n]), sort_keys=True) for n in names)


def test_the_json_report_carries_certificates_without_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.toml"
    path.write_text(CLAIMS)
    assert main([str(path), "--format", "json"]) == 0
    results = json.loads(capsys.readouterr().out)["results"]
    for result in results:
        certificate = result["certificate"]
        assert certificate["claim"]["name"] == result["name"]
        assert certificate["verdict"]["status"] == result["status"]


def _unknown_for_hard(claim, settings):  # type: ignore[no-untyped-def]
    """The engine, except that a claim named "hard" is unknown (reaches workers by fork)."""
    from convexity_proofs._engine import check_claim
    from convexity_proofs._values import Status, Verdict

    if claim.name == "hard":
        return Verdict(claim, Status.UNKNOWN)
    return check_claim(claim, settings)


def test_an_undecided_claim_has_no_certificate_and_a_stale_one_is_removed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from convexity_proofs import _runner

    if _runner._context().get_start_method() != "fork":
        pytest.skip("the simulated engine reaches workers only by fork")
    monkeypatch.setattr(_runner, "_engine_check", _unknown_for_hard)
    path = tmp_path / "h.toml"
    path.write_text(CLAIMS.replace('name = "square"', 'name = "hard"'))
    out = tmp_path / "certs"
    out.mkdir()
    stale = out / "h--hard.json"
    stale.write_text("{}")
    other = out / "unrelated.json"
    other.write_text("{}")
    code = main([str(path), "--certificates", str(out), "--format", "json"])
    hard = json.loads(capsys.readouterr().out)["results"][0]
    assert hard["status"] == "unknown"
    assert code == 1
    assert "certificate" not in hard
    assert not stale.exists()
    assert other.exists()
    assert (out / "h--saddle.json").exists()


def test_a_certificates_path_that_cannot_be_a_directory_is_exit_2_before_checking(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.toml"
    path.write_text(CLAIMS)
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main([str(path), "--certificates", str(blocker / "sub")]) == 2
    err = capsys.readouterr().err
    assert "cannot write certificates to" in err
    assert "Traceback" not in err


def test_a_certificate_that_cannot_be_made_costs_its_claim(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from convexity_proofs import _certificate

    path = tmp_path / "a.toml"
    path.write_text(CLAIMS)
    real = _certificate.certificate_of

    def broken(verdict):  # type: ignore[no-untyped-def]
        if verdict.claim.name == "saddle":
            raise RuntimeError("boom")
        return real(verdict)

    monkeypatch.setattr(_certificate, "certificate_of", broken)
    monkeypatch.setenv("CONVEXITY_PROOFS_RAISE_INTERNAL", "0")
    out = tmp_path / "certs"
    assert main([str(path), "--certificates", str(out), "--format", "json"]) == 1
    captured = capsys.readouterr()
    assert "no certificate for claim saddle: internal error: RuntimeError: boom" in captured.err
    saddle = json.loads(captured.out)["results"][1]
    assert "certificate" not in saddle
    assert saddle["internal_errors"] == ["internal error in the certificate: RuntimeError: boom"]
    assert sorted(p.name for p in out.iterdir()) == [
        "a--half-swap.json",
        "a--sine-is-neither.json",
        "a--square.json",
    ]


def test_show_function_writes_no_certificates(tmp_path: Path, capsys) -> None:
    path = tmp_path / "a.toml"
    path.write_text(CLAIMS)
    assert main([str(path), "--show-function", "--certificates", str(tmp_path / "c")]) == 0
    assert not (tmp_path / "c").exists()


# --- the pytest option ----------------------------------------------------------------


@pytest.fixture
def _entry_points_load(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", raising=False)


@pytest.mark.usefixtures("_entry_points_load")
def test_the_pytest_option_writes_and_verifies_every_decided_claim(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".claims.toml", basics=CLAIMS)
    result = pytester.runpytest("--convexity-certificates=certs", "-v")
    result.assert_outcomes(passed=4)
    written = sorted(p.name for p in (pytester.path / "certs").iterdir())
    assert written == [
        "basics.claims--half-swap.json",
        "basics.claims--saddle.json",
        "basics.claims--sine-is-neither.json",
        "basics.claims--square.json",
    ]
    from convexity_proofs import verify

    for name in written:
        assert verify(pytester.path / "certs" / name).valid


@pytest.mark.usefixtures("_entry_points_load")
def test_a_certificate_that_does_not_verify_fails_its_claim_with_the_reason(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    from convexity_proofs import _certificate

    real = _certificate.certificate_of

    def tampered(verdict):  # type: ignore[no-untyped-def]
        data = real(verdict)
        if data["claim"]["name"] == "square":
            data["claim"]["table"]["function"] = "x**4"
        return data

    monkeypatch.setattr(_certificate, "certificate_of", tampered)
    monkeypatch.setattr(files, "certificate_of", tampered)
    pytester.makefile(".claims.toml", basics=CLAIMS)
    result = pytester.runpytest("--convexity-certificates=certs")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*claim square: the certificate *basics.claims--square.json does not verify: *",
            "FAILED basics.claims.toml::square - certificate does not verify: the judged *",
        ]
    )
    assert "Traceback" not in result.stdout.str()


@pytest.mark.usefixtures("_entry_points_load")
def test_the_pytest_option_names_files_like_the_command(pytester: pytest.Pytester) -> None:
    pytester.mkdir("a").joinpath("x.claims.toml").write_text(CLAIMS)
    pytester.mkdir("b").joinpath("x.claims.toml").write_text(CLAIMS)
    result = pytester.runpytest("--convexity-certificates=certs", "-k", "square")
    result.assert_outcomes(passed=2)
    names = sorted(p.name for p in (pytester.path / "certs").iterdir())
    claims = [claim("square", f"{d}/x.claims.toml") for d in ("a", "b")]
    assert names == sorted(certificate_names(claims))


@pytest.mark.usefixtures("_entry_points_load")
def test_an_unusable_certificates_directory_is_a_usage_error(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".claims.toml", basics=CLAIMS)
    pytester.path.joinpath("blocker").write_text("")
    result = pytester.runpytest("--convexity-certificates=blocker/sub")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--convexity-certificates: cannot write certificates to*"])


@pytest.mark.usefixtures("_entry_points_load")
def test_under_xdist_the_certificates_are_the_same(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("xdist", reason="pytest-xdist is not installed")
    # The subprocesses import this working tree, not an installed copy.
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).resolve().parent.parent))
    pytester.mkdir("a").joinpath("x.claims.toml").write_text(CLAIMS)
    pytester.mkdir("b").joinpath("x.claims.toml").write_text(CLAIMS)
    serial = pytester.runpytest_subprocess(
        "--convexity-certificates=serial", "-p", "no:cacheprovider"
    )
    serial.assert_outcomes(passed=8)
    parallel = pytester.runpytest_subprocess(
        "-n", "2", "--convexity-certificates=parallel", "-p", "no:cacheprovider"
    )
    parallel.assert_outcomes(passed=8)

    def read(name: str) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in (pytester.path / name).iterdir()}

    assert len(read("serial")) == 8
    assert read("parallel") == read("serial")
