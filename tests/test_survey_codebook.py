"""Cross-references in the codebook that the JSON schema cannot check stop the survey stage with a
message naming the codebook key and the fix."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from upskilling.errors import InputError
from upskilling.survey.codebook import load_codebook

ROOT = Path(__file__).resolve().parents[1]
RAW = yaml.safe_load((ROOT / "config" / "codebook.yaml").read_text())


def item(cb, iid):
    return next(i for i in cb["items"] if i["id"] == iid)


CASES = {
    "construct item unknown": (lambda c: c["constructs"]["survival"]["items"].append("surv_9"),
                               ["constructs.survival.items: unknown item 'surv_9'"]),
    "attention answer not a label": (lambda c: c["attention_checks"][0].update(correct="Disagree somewhat"),
                                     ["attention_checks[0]: 'Disagree somewhat' is not a label", "use one of"]),
    "undefined scale": (lambda c: item(c, "surv_1").update(scale="agree7"),
                        ["id 'surv_1'", "scale 'agree7' is not defined", "response_scales"]),
    "duplicate item id": (lambda c: item(c, "grow_1").update(id="surv_1"), ["item id 'surv_1' is used twice"]),
    "duplicate column": (lambda c: item(c, "grow_1").update(column="Q18_1"), ["column 'Q18_1' is used by item 'surv_1'"]),
    "meta column missing": (lambda c: c["meta"].update(duration="Duration"),
                            ["meta.duration: column 'Duration' is not the column of any item"]),
    "grid item unknown": (lambda c: c["grids"]["barriers"].append("bar_xyz"), ["grids.barriers: unknown item 'bar_xyz'"]),
    "min_items too large": (lambda c: c["constructs"]["competition"].update(min_items=4),
                            ["constructs.competition.min_items is 4", "lower min_items"]),
    "mixed scales": (lambda c: item(c, "surv_2").update(scale="freq5"),
                     ["constructs.survival: items use different scales"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_codebook_mistakes_name_the_key(tmp_path, case):
    change, needles = CASES[case]
    data = copy.deepcopy(RAW)
    change(data)
    p = tmp_path / "codebook.yaml"
    p.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_codebook(p)
    msg = str(exc.value)
    assert msg.startswith(str(p))
    for needle in needles:
        assert needle in msg, f"{needle!r} not in: {msg}"


def test_the_default_codebook_loads():
    cb = load_codebook(ROOT / "config" / "codebook.yaml")
    assert cb.code_of("surv_1", " somewhat AGREE") == 4
    assert cb.midpoint("surv_1") == 3.0
    assert set(cb.construct_items()) == {"survival", "growth", "barrier_inconsistency", "barrier_context",
                                         "barrier_verification", "invisible", "competition"}
