"""The estimate's JSON form: each source once in a top-level table, numbers citing ids."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from mmdecide.personal import estimate
from mmdecide.personal.result import EstimateResult, SourceRef, source_id


def _cited(obj, path="") -> list[tuple[str, list]]:
    """Every ``sources`` list of ids below the top level, with where it is."""
    out: list[tuple[str, list]] = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == "sources" and isinstance(v, list):
                out.append((path, v))
            elif k == "source" and isinstance(v, str):  # one source: a calibration row's value
                out.append((f"{path}.source", [v]))
            elif path or k != "sources":
                out.extend(_cited(v, f"{path}.{k}"))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out.extend(_cited(v, f"{path}[{i}]"))
    return out


@pytest.fixture(scope="module")
def answer():
    return json.loads(estimate({"r_iss": "III", "cytogenetics": ["del17p"]}).model_dump_json())


def test_every_number_cites_ids_in_the_one_table(answer):
    table = answer["sources"]
    cited = _cited(answer)
    assert len(cited) > 100
    used = set()
    for path, ids in cited:
        assert all(isinstance(i, str) and i in table for i in ids), path
        assert len(ids) == len(set(ids)), f"{path} cites a source twice"
        used.update(ids)
    assert used == set(table), "the table holds only sources some number cites"
    # survival numbers have sources; a number withheld (trial results only) has none, and no estimate
    shown = {f".options[{i}]" for i, o in enumerate(answer["options"]) if o["display"] == "model"}
    numbers = [p for p, _ in cited if p.endswith("pfs_percent") and p.split(".horizons")[0] in shown]
    assert numbers and all(ids for p, ids in cited if p in numbers), "survival numbers have sources"
    assert len(shown) < len(answer["options"])  # the case is reached


def test_each_source_once_with_its_citation(answer):
    table = answer["sources"]
    contents = [json.dumps(v, sort_keys=True) for v in table.values()]
    assert len(contents) == len(set(contents)), "a source is in the table twice"
    for sid, ref in table.items():
        assert sid == source_id(SourceRef(**ref))
        assert sid.startswith(ref["evidence"] + ":")
        assert ref["citation"] and ref["url"].startswith(("https://", "http://")) and ref["locator"]
        assert ref["tier"] in ("primary", "label", "secondary")


def test_json_reads_back_to_the_same_result():
    r = estimate({"age": 70, "mrd": "positive"}, horizons=[3])
    back = EstimateResult.model_validate_json(r.model_dump_json())
    assert back == r
    assert back.options[1].horizons[0].pfs_percent.sources[0].citation


def test_unknown_source_id_is_a_clear_error():
    data = json.loads(estimate({}, options=["lenalidomide"], horizons=[3]).model_dump_json())
    data["options"][1]["horizons"][0]["pfs_percent"]["sources"].append("nowhere:00000000")
    with pytest.raises(ValidationError, match="unknown source id 'nowhere:00000000'"):
        EstimateResult.model_validate(data)


def test_python_objects_keep_their_sources_each_once():
    r = estimate({}, options=["lenalidomide"], horizons=[5])
    number = r.options[1].horizons[0].pfs_percent
    assert all(isinstance(s, SourceRef) for s in number.sources)
    keys = [s.model_dump_json() for s in number.sources]
    assert len(keys) == len(set(keys))


def test_empty_profile_answer_is_under_300_kb():
    # it was 1.23 MB when every number carried its full source list (benchmarks/results/estimate_json.md)
    assert len(estimate({}).model_dump_json().encode()) < 300_000
