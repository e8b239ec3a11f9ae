"""The certificate format's JSON Schema: valid, in step with the code, and met by every
certificate the project writes (hand-built ones with every fact and witness kind, and
those of every decided claim in ``claims/``).

The schema is read by ``jsonschema`` (the test extra), a reader independent of the
project's own, so a field the writer adds or renames without documenting it fails here.
"""

from __future__ import annotations

import copy
import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import sympy

jsonschema = pytest.importorskip("jsonschema")

from convexity_proofs import _proof  # noqa: E402
from convexity_proofs._certificate import certificate_of  # noqa: E402
from convexity_proofs._certificate_files import certificate_schema  # noqa: E402
from convexity_proofs._claimfile import build_claim  # noqa: E402
from convexity_proofs._proof import (  # noqa: E402
    AtomFact,
    CoefficientSignFact,
    ContextFact,
    DefinedFact,
    HessianFact,
    IdentityFact,
    ObligationFact,
    PolynomialFact,
    ProofStep,
    SignFact,
    UnivariateSignFact,
)
from convexity_proofs._values import (  # noqa: E402
    POSITIVE,
    CurvatureWitness,
    Enclosure,
    Obligation,
    PointWitness,
    Property,
    SegmentWitness,
    Status,
    Verdict,
)
from convexity_proofs.cli import main  # noqa: E402
from convexity_proofs.kernel import expressions  # noqa: E402
from convexity_proofs.kernel.intervals import Interval  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = certificate_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
X, Y, U = (sympy.Symbol(n, real=True) for n in ("x", "y", "u"))
Q = Fraction


def errors(data: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(data)
    ]


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_schema_is_shipped_as_package_data() -> None:
    text = (ROOT / "pyproject.toml").read_text()
    assert '"certificate.schema.json"' in text
    assert (ROOT / "convexity_proofs" / "certificate.schema.json").is_file()


# --- in step with the code ------------------------------------------------------------


def _enum(*path: str) -> set[str]:
    node: Any = SCHEMA
    for key in path:
        node = node[key]
    return set(node["enum"])


def test_rules_conclusions_and_properties_match_the_code() -> None:
    assert _enum("$defs", "step", "properties", "rule") == set(_proof.RULES)
    assert _enum("$defs", "step", "properties", "conclusion") == set(_proof.CONCLUSIONS)
    assert _enum("properties", "verdict", "properties", "property") == {str(p) for p in Property}


def test_fact_kinds_match_the_code() -> None:
    kinds = {ref["$ref"].removeprefix("#/$defs/fact-") for ref in SCHEMA["$defs"]["fact"]["oneOf"]}
    assert kinds == set(_proof.FACT_TYPES)


def _facts(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out, stack = [], list(steps)
    while stack:
        step = stack.pop()
        out.extend(step.get("facts", []))
        stack.extend(step.get("steps", []))
    return out


def test_the_schema_names_exactly_the_fields_each_fact_writes(
    shipped_certificates: Path,
) -> None:
    """Every fact kind is written by the hand-built certificates below or by those of the
    shipped claims; the keys they write (over all instances: optional keys included) are
    the schema's properties."""
    written: dict[str, set[str]] = {}
    shipped = [json.loads(path.read_text()) for path in shipped_certificates.glob("*.json")]
    for data in [*_certificates().values(), *shipped]:
        steps = data.get("proof", []) + data.get("refuting_proof", [])
        for fact in _facts(steps) + data.get("definedness", []):
            written.setdefault(fact["kind"], set()).update(fact)
    assert set(written) == set(_proof.FACT_TYPES)
    for kind, keys in written.items():
        assert keys == set(SCHEMA["$defs"][f"fact-{kind}"]["properties"]), kind


def test_expression_heads_match_the_codec() -> None:
    branches = SCHEMA["$defs"]["expression_node"]["oneOf"]
    heads = set(branches[3]["prefixItems"][0]["enum"])
    assert heads == set(expressions._BUILDERS)
    assert set(branches[2]["prefixItems"][0]["enum"]) == set(expressions._CONSTANTS)


# --- hand-built certificates with every fact and witness kind -------------------------

_ENCLOSURE = Interval(Q(1), None, False, True)


def _claim(**table: Any) -> Any:
    base = {"name": "c", "function": "x**2 + y**2", "variables": ["x", "y"], "property": "convex"}
    return build_claim({**base, **table}, file="claims/hand.toml")


def _every_fact() -> ProofStep:
    claim = _claim()
    f = claim.function
    ob = Obligation("positive", X, sympy.log(X, evaluate=False), "log(x)")
    facts = (
        SignFact(X**2 + 1, "positive", _ENCLOSURE),
        AtomFact("power", "convex", 0),
        AtomFact("exp", "increasing", 1, 0),
        HessianFact((X, Y), ((Q(2), Q(0)), (Q(0), Q(2))), (0, 1), ((), (Q(0),)), (Q(2), Q(2))),
        UnivariateSignFact(
            X, X**2, (Q(1), Q(0), Q(0)), (Q(1),), Interval(None, None), (), (), Q(1)
        ),
        PolynomialFact(
            2 * U**2,
            (X, Y),
            (U,),
            "quadratic-form",
            ("(assert (< (* 2 v0 v0) 0))\n(check-sat)\n",),
            "z3",
            "4.13.0",
            "unsat",
        ),
        IdentityFact(f, Y**2 + X**2, "expansion", ((X, Y), (Y, X))),
        DefinedFact(f, Interval(Q(0), None, False, True)),
        ObligationFact(ob, Interval(Q(0), None, True, True)),
        ContextFact((U,), ((U, POSITIVE),), ((Y, Q(1, 3)),)),
        # Written by the symbolic-Hessian rule only when cheaper signs fail (no shipped
        # claim needs it), so it is built here.
        CoefficientSignFact(X**2 + X * Y, "nonnegative", ((X, Q(1), 1),)),
    )
    child = ProofStep("affine", X, "affine")
    return ProofStep("composition", f, "convex", facts, (child,))


def _segment() -> SegmentWitness:
    return SegmentWitness(
        a=(("x", Q(-1)), ("y", Q(0))),
        b=(("x", Q(1)), ("y", Q(0))),
        t=Q(1, 2),
        parameters=(),
        relation=">",
        at_t=1.0,
        chord=0.0,
        values=(
            ("f_a", Enclosure.exact(Q(0))),
            ("f_b", Enclosure.exact(Q(0))),
            ("f_m", Enclosure(Q(9, 10), Q(11, 10))),
            ("chord", Enclosure.exact(Q(0))),
        ),
        precision=64,
    )


def _curvature() -> CurvatureWitness:
    return CurvatureWitness(
        point=(("x", Q(0)),),
        direction=(("x", Q(1)),),
        parameters=(("a", Q(-1)),),
        sign="<0",
        second_derivative=-2.0,
        values=(("second_derivative", Enclosure.exact(Q(-2))),),
        box=(("a", Q(-2), Q(-1)),),
    )


def _point() -> PointWitness:
    return PointWitness(
        point=(("w1", Q(1)), ("w2", Q(2))),
        value=1.0,
        substituted_value=2.0,
        values=(("value", Enclosure.exact(Q(1))), ("substituted_value", Enclosure(Q(2), Q(3)))),
    )


def _certificates() -> dict[str, dict[str, Any]]:
    proved = Verdict(_claim(), Status.PROVED, proof=(_every_fact(),))
    refuted = Verdict(_claim(function="-x**2 - y**2"), Status.REFUTED, witness=_segment())
    claim = _claim(function="a*x**2", variables=["x"], domain={"a": [-2, -1]}, property="nonconvex")
    by_witness = Verdict(
        claim,
        Status.PROVED,
        proof=(ProofStep("witness", claim.function, "not-convex", witness=_curvature()),),
    )
    swap = build_claim(
        {
            "name": "swap",
            "function": "v1*tanh(w1) + v2*tanh(w2)",
            "property": "invariant",
            "substitution": {"w1": "w2", "w2": "w1"},
            "expect": "fails",
        },
        file="claims/hand.toml",
    )
    point = Verdict(swap, Status.REFUTED, witness=_point())
    by_proof = Verdict(
        _claim(property="nonconvex", expect="fails"),
        Status.REFUTED,
        refuting_proof=(ProofStep("sum", _claim().function, "convex"),),
        definedness=(DefinedFact(_claim().function, Interval(Q(0), None, False, True)),),
    )
    return {
        "every fact": certificate_of(proved),
        "segment": certificate_of(refuted),
        "curvature": certificate_of(by_witness),
        "point": certificate_of(point),
        "refuting proof": certificate_of(by_proof),
    }


@pytest.mark.parametrize("name", list(_certificates()))
def test_hand_built_certificates_meet_the_schema(name: str) -> None:
    data = json.loads(json.dumps(_certificates()[name]))  # as read back from a file
    assert errors(data) == []


def _tampered(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(json.loads(json.dumps(_certificates()["every fact"])))
    change(data)
    return data


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(format="something-else"),
        lambda d: d.update(version=2),
        lambda d: d.update(extra=1),
        lambda d: d["verdict"].update(status="unknown"),
        lambda d: d["proof"][0].update(rule="magic"),
        lambda d: d["proof"][0].update(conclusion="convexish"),
        lambda d: d["proof"][0]["facts"].append({"kind": "oracle"}),
        lambda d: d["proof"][0]["facts"][0].update(sign="big"),
        lambda d: d["proof"][0]["facts"][0].update(enclosure=[1, None, False]),
        lambda d: d["proof"][0]["facts"][0].update(unrecorded=True),
        lambda d: d["proof"][0]["facts"][3].update(pivots=["1/0", 2]),
        lambda d: d["proof"][0]["facts"][3].update(pivots=[0.5, 2]),
        lambda d: d["proof"][0]["steps"][0].pop("subject"),
        lambda d: d["expressions"].append(["eval", 0]),
        lambda d: d["expressions"].append(["symbol", "not a name"]),
        lambda d: d["expressions"].append(["number", "1.5"]),
        lambda d: d["claim"]["table"].update(unknown_key=1),
        lambda d: d.pop("judged"),
    ],
)
def test_the_schema_rejects_malformed_certificates(change: Any) -> None:
    assert errors(_tampered(change)) != []


# --- every certificate of claims/ -----------------------------------------------------


@pytest.fixture(scope="module")
def shipped_certificates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("certificates")
    code = main([str(ROOT / "claims"), "--certificates", str(out), "--jobs", "2"])
    assert code == 0
    return out


def test_every_certificate_of_the_shipped_claims_meets_the_schema(
    shipped_certificates: Path,
) -> None:
    written = sorted(shipped_certificates.glob("*.json"))
    assert len(written) >= 90
    failures = {}
    for path in written:
        found = errors(json.loads(path.read_text()))
        if found:
            failures[path.name] = found[:3]
    assert failures == {}


def test_every_certificate_of_the_shipped_claims_verifies(
    shipped_certificates: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["verify", str(shipped_certificates), "--jobs", "2"])
    out = capsys.readouterr().out
    invalid = [line for line in out.splitlines() if ": invalid:" in line]
    assert invalid == []
    assert code == 0


def test_the_documentation_names_every_rule_fact_atom_and_head() -> None:
    from convexity_proofs.checker.atoms import ROWS

    text = (ROOT / "docs" / "certificates.md").read_text()
    names = [
        *_proof.RULES,
        *_proof.FACT_TYPES,
        *_proof.CONCLUSIONS,
        *ROWS,
        "power",
        "exponential",
        *expressions._BUILDERS,
    ]
    missing = [name for name in names if f"`{name}`" not in text]
    assert missing == []
