"""The scale benchmark's generator (bench/make_data.py): files and claims, no engine run."""

from __future__ import annotations

import csv
import importlib.util
import json
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

_BENCH = Path(__file__).resolve().parent.parent / "bench"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"_bench_{name}", _BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


make_data = _load("make_data")

_CLAIM_KEYS = {"name", "statement", "model", "data", "variables", "property"}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    directory = tmp_path_factory.mktemp("scale-small")
    manifest = make_data.generate(directory, small=True)
    return directory, manifest


def _claim(directory: Path, entry: dict) -> dict:
    document = tomllib.loads((directory / entry["file"]).read_text(encoding="utf-8"))
    (claim,) = document["claim"]
    return claim


def test_manifest_lists_every_target(small: tuple[Path, dict]) -> None:
    directory, manifest = small
    on_disk = json.loads((directory / make_data.MANIFEST).read_text(encoding="utf-8"))
    assert on_disk == manifest
    names = [entry["name"] for entry in manifest["targets"]]
    assert len(names) == len(set(names)) == 5 + 2 * 2  # --small: two relu sizes per depth
    families = [entry["family"] for entry in manifest["targets"]]
    assert families.count("relu") == 4
    groups = {entry["group"] for entry in manifest["targets"] if entry["family"] == "relu"}
    assert groups == {"relu, 2 hidden layers", "relu, 3 hidden layers"}
    assert {"logistic", "softmax", "mlp"} <= set(families)
    for entry in manifest["targets"]:
        assert entry["expect"] in ("proved", "refuted")
        assert (directory / entry["file"]).is_file()
    assert (directory / manifest["startup"]).is_file()


def test_claims_parse_and_have_the_expected_keys(small: tuple[Path, dict]) -> None:
    directory, manifest = small
    for entry in manifest["targets"]:
        claim = _claim(directory, entry)
        assert _CLAIM_KEYS <= set(claim), entry["name"]
        assert set(claim) <= _CLAIM_KEYS | {"expect"}
        assert claim["name"] == entry["name"]
        assert claim["property"] == "convex"
        assert claim["variables"] == "all"
        assert claim.get("expect", "holds") == (
            "fails" if entry["expect"] == "refuted" else "holds"
        )
        assert claim["model"] == entry["model"]
        data = claim["data"]
        assert (directory / data["file"]).is_file()
        if data["file"].endswith(".npy"):
            assert set(data) == {"file", "y_file"}
            assert (directory / data["y_file"]).is_file()
        else:
            assert set(data) == {"file", "x", "y"}
            assert data["x"] == "rest" or data["x"] == [
                f"x{j}" for j in range(1, entry["features"] + 1)
            ]
    startup = tomllib.loads((directory / manifest["startup"]).read_text(encoding="utf-8"))
    assert startup["claim"][0]["function"] == "x**2"


def test_data_files_match_the_declared_sizes(small: tuple[Path, dict]) -> None:
    directory, manifest = small
    for entry in manifest["targets"]:
        data = _claim(directory, entry)["data"]
        if data["file"].endswith(".npy"):
            x = np.load(directory / data["file"])
            y = np.load(directory / data["y_file"])
            assert x.shape == (entry["rows"], entry["features"])
            assert y.shape == (entry["rows"],)
            assert set(y.tolist()) <= set(range(1, entry["classes"] + 1))
            continue
        with (directory / data["file"]).open(newline="") as handle:
            rows = list(csv.reader(handle))
        header, body = rows[0], rows[1:]
        assert header[-1] == data["y"]
        assert header[:-1] == [f"x{j}" for j in range(1, entry["features"] + 1)]
        assert len(body) == entry["rows"]
        assert all(len(row) == len(header) for row in body)
        labels = [row[-1] for row in body]
        if entry["family"] == "logistic":
            assert set(labels) <= {"0", "1"}
        elif data["y"] == "label":
            assert {int(v) for v in labels} <= set(range(1, entry["model"]["layers"][-1] + 1))
        assert all(np.isfinite(float(v)) for row in body for v in row)


def test_parameter_counts() -> None:
    assert make_data.parameter_count([98, 100, 1]) == 10_001
    assert make_data.parameter_count([784, 128, 10]) == 101_770
    assert make_data.parameter_count([784, 1200, 48, 10]) == 1_000_138
    full = {t.name: t for t in make_data.targets()}
    assert len(full) == 5 + 2 * 4
    assert sum(t.group == "relu, 2 hidden layers" for t in full.values()) == 4
    assert sum(t.group == "relu, 3 hidden layers" for t in full.values()) == 4
    assert full["mlp-784-1200-48-10-tanh"].parameters == 1_000_138
    assert full["logistic-n100000-d100"].parameters == 101
    assert full["softmax-k10-d784-n1000"].parameters == 7_850
    for target in full.values():
        if target.model.get("kind") == "mlp":
            assert max(target.model["layers"]) <= 4096
            assert target.parameters == make_data.parameter_count(target.model["layers"])


def test_generation_is_deterministic(small: tuple[Path, dict], tmp_path: Path) -> None:
    directory, _ = small
    make_data.generate(tmp_path, small=True)
    for path in sorted(directory.iterdir()):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_inline_claims_hold_the_same_numbers(small: tuple[Path, dict], tmp_path: Path) -> None:
    directory, manifest = small
    make_data.generate(tmp_path, small=True, inline=True)
    for entry in manifest["targets"]:
        data = _claim(tmp_path, entry)["data"]
        assert set(data) == {"x", "y"}
        filed = _claim(directory, entry)["data"]
        if filed["file"].endswith(".npy"):
            x = np.load(directory / filed["file"])
            y = np.load(directory / filed["y_file"])
        else:
            table = np.loadtxt(directory / filed["file"], delimiter=",", skiprows=1, ndmin=2)
            x, y = table[:, :-1], table[:, -1]
        assert np.array_equal(np.array(data["x"], dtype=float), x)
        assert np.array_equal(np.array(data["y"], dtype=float), y)
