"""Model witnesses replayed: genuine ones conclude, tampered ones are rejected."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import numpy as np
import pytest

from convexity_proofs._claimfile import build_claim
from convexity_proofs._structure import ModelClaim, ParameterVector
from convexity_proofs._values import Enclosure, ModelCurvatureWitness, ModelSegmentWitness
from convexity_proofs.checker._core import CheckFailure
from convexity_proofs.checker.model_witness import check_model_witness
from convexity_proofs.kernel import network as K
from convexity_proofs.kernel.witness_values import enclosure_of_ball, segment_relation, sign_shown

DATA = {"x": [[1, "1/2"], [0, 1], [-1, "1/3"]], "y": [1, 0, 1]}


def _model(activation: str = "tanh") -> ModelClaim:
    claim = build_claim(
        {
            "name": "n",
            "model": {"kind": "mlp", "layers": [2, 2, 1], "activation": activation},
            "data": DATA,
            "variables": "all",
            "property": "convex",
        }
    )
    return claim.model


def _swap(nums: np.ndarray) -> np.ndarray:
    """Hidden units 1 and 2 of the 2-2-1 layout exchanged (rows, biases, out columns)."""
    out = nums.copy()
    out[[0, 1, 2, 3]] = nums[[2, 3, 0, 1]]
    out[[4, 5]] = nums[[5, 4]]
    out[[6, 7]] = nums[[7, 6]]
    return out


def _segment(model: ModelClaim) -> ModelSegmentWitness:
    net = model.network
    rng = np.random.default_rng(0)
    for _ in range(50):
        a = rng.integers(-16, 17, net.layout.size)
        b = _swap(a)
        if np.array_equal(a, b):
            continue
        va, vb = ParameterVector(a, 3), ParameterVector(b, 3)
        values = K.segment_enclosures(net, va, vb, Fraction(1, 2), 64)
        relation = segment_relation(values)
        if relation in (">", "<"):
            return ModelSegmentWitness(
                a=va,
                b=vb,
                t=Fraction(1, 2),
                relation=relation,
                values=tuple((k, values[k]) for k in ("f_a", "f_b", "f_m", "chord")),
                precision=64,
                argument="permutation",
                swap="units 1 and 2 of hidden layer 1",
            )
    raise AssertionError("no segment found")


def _curvature(model: ModelClaim, wanted: str = "<0") -> ModelCurvatureWitness:
    net = model.network
    rng = np.random.default_rng(1)
    for _ in range(200):
        point = ParameterVector(rng.integers(-16, 17, net.layout.size), 3)
        direction = ParameterVector(rng.integers(-4, 5, net.layout.size), 2)
        value = K.curvature_enclosure(net, point, direction, 64)
        if value is not None and sign_shown(value) == wanted:
            return ModelCurvatureWitness(
                point=point,
                direction=direction,
                relation=wanted,
                values=(("second_derivative", value),),
                precision=64,
            )
    raise AssertionError("no curvature witness found")


CONCLUSION = {">": "not-convex", "<": "not-concave", "<0": "not-convex", ">0": "not-concave"}


def test_genuine_witnesses_conclude() -> None:
    model = _model()
    seg = _segment(model)
    assert check_model_witness(seg, model) == CONCLUSION[seg.relation]
    # through JSON as a certificate carries it
    again = ModelSegmentWitness.from_json(seg.to_json())
    assert check_model_witness(again, model) == CONCLUSION[seg.relation]
    for wanted in ("<0", ">0"):
        curv = _curvature(model, wanted)
        assert check_model_witness(curv, model) == CONCLUSION[wanted]
        assert check_model_witness(ModelCurvatureWitness.from_json(curv.to_json()), model)


def test_a_witness_certified_only_at_a_higher_precision_on_the_ladder() -> None:
    model = _model()
    seg = _segment(model)
    values = K.segment_enclosures(model.network, seg.a, seg.b, seg.t, 128)
    high = dataclasses.replace(
        seg, values=tuple((k, values[k]) for k in ("f_a", "f_b", "f_m", "chord")), precision=128
    )
    assert check_model_witness(high, model) == CONCLUSION[seg.relation]


def _fails(witness: object, model: ModelClaim, match: str) -> None:
    with pytest.raises(CheckFailure, match=match):
        check_model_witness(witness, model)  # type: ignore[arg-type]


def test_tampered_segments_are_rejected() -> None:
    model = _model()
    seg = _segment(model)
    flipped = "<" if seg.relation == ">" else ">"
    _fails(dataclasses.replace(seg, relation=flipped), model, "does not certify")
    _fails(dataclasses.replace(seg, relation="="), model, "not '='")
    _fails(dataclasses.replace(seg, argument="magic"), model, "argument")
    _fails(dataclasses.replace(seg, precision=65), model, "precision")
    _fails(dataclasses.replace(seg, precision=0), model, "precision")
    for t in (Fraction(0), Fraction(1), Fraction(3, 2)):
        _fails(dataclasses.replace(seg, t=t), model, "strictly between")
    _fails(dataclasses.replace(seg, t=Fraction(1, 3)), model, "dyadic")
    _fails(dataclasses.replace(seg, b=seg.a), model, "equal ends")
    short = ParameterVector(seg.a.numerators[:-1], seg.a.exponent)
    _fails(dataclasses.replace(seg, a=short), model, "entries")
    _fails(dataclasses.replace(seg, a=seg.a.to_json()), model, "not a parameter vector")
    # recorded values: a wrong f(m), a wrong chord, a missing value, the same point
    # re-expressed (equal values, so still fine)
    values = dict(seg.values)
    wrong = Enclosure(values["f_m"].lo + 1, values["f_m"].hi + 1)
    _fails(
        dataclasses.replace(seg, values=tuple({**values, "f_m": wrong}.items())),
        model,
        "does not enclose",
    )
    wide = Enclosure(values["chord"].lo - 100, values["chord"].hi + 100)
    _fails(
        dataclasses.replace(seg, values=tuple({**values, "chord": wide}.items())),
        model,
        "do not show",
    )
    _fails(
        dataclasses.replace(seg, values=tuple((k, v) for k, v in values.items() if k != "f_b")),
        model,
        "wrong set",
    )
    # recorded at 64 bits but claiming 128: the wider balls still hold the values
    assert check_model_witness(dataclasses.replace(seg, precision=128), model)
    rescaled = ParameterVector(seg.a.numerators * 2, seg.a.exponent + 1)
    assert check_model_witness(dataclasses.replace(seg, a=rescaled), model)


def test_segment_ends_must_agree_on_the_parameters() -> None:
    model = _model()
    seg = _segment(model)
    # only the first layer's weights are variables: the swap moves biases and layer 2
    narrowed = dataclasses.replace(model, selected=np.arange(4), selected_names=())
    _fails(seg, narrowed, "not a variable")
    _fails(seg, dataclasses.replace(model, selected=np.arange(0)), "no variables")
    _fails(seg, dataclasses.replace(model, selected=np.array([0, 99])), "not indices")
    _fails(seg, dataclasses.replace(model, network=None), "needs the model's network")


def test_tampered_curvature_is_rejected() -> None:
    model = _model()
    curv = _curvature(model, "<0")
    _fails(dataclasses.replace(curv, relation=">0"), model, "does not certify")
    _fails(dataclasses.replace(curv, relation="!=0"), model, "not '!=0'")
    zero = ParameterVector(np.zeros(model.network.layout.size, dtype=np.int64), 0)
    _fails(dataclasses.replace(curv, direction=zero), model, "direction is 0")
    narrowed = dataclasses.replace(model, selected=np.array([0]), selected_names=())
    _fails(curv, narrowed, "not a variable")
    value = curv.values[0][1]
    shifted = Enclosure(value.lo - 1000, value.hi - 1000)
    _fails(dataclasses.replace(curv, values=(("second_derivative", shifted),)), model, "enclose")
    _fails(dataclasses.replace(curv, values=()), model, "records no values")
    _fails(dataclasses.replace(curv, precision=None), model, "precision")
    _fails(_segment(model).a, model, "not a model witness")


def test_relu_curvature_at_a_kink_is_refused() -> None:
    model = _model("relu")
    size = model.network.layout.size
    point = ParameterVector(np.zeros(size, dtype=np.int64), 0)
    direction = ParameterVector(np.ones(size, dtype=np.int64), 0)
    witness = ModelCurvatureWitness(
        point=point,
        direction=direction,
        relation="<0",
        values=(("second_derivative", Enclosure(Fraction(-1), Fraction(-1))),),
        precision=64,
    )
    _fails(witness, model, "ReLU or hinge")
    # away from the kinks a ReLU network's curvature replays like any other
    curv = _curvature(model, ">0")
    assert check_model_witness(curv, model) == "not-concave"
    assert (
        enclosure_of_ball(K.second_directional_ball(model.network, curv.point, curv.direction, 64))
        == curv.values[0][1]
    )
