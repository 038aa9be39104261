"""Agreement statistics (upskilling.interviews.agreement): Cohen's kappa and Krippendorff's alpha against
R (tests/r/agreement.R -> agreement_expected.json, psych::cohen.kappa and the coincidence-matrix formula;
this test does not run R), the participant-clustered bootstrap, the tidy tables, the JSON summary and
the labelling-budget curve."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score, confusion_matrix

from upskilling.interviews import agreement as ag

REF = json.loads((Path(__file__).parent / "r" / "agreement_expected.json").read_text())
RERUN = "rerun `Rscript tests/r/agreement.R` from the repository root"

# the fixture of tests/r/agreement.R, written out here too
LABELS = ["survival", "growth", "ai_structures", "barrier_context", "other"]
TRUTH = [
    "survival", "ai_structures", "other", "growth", "survival", "ai_structures", "barrier_context",
    "growth", "ai_structures", "survival", "barrier_context", "barrier_context", "ai_structures",
    "survival", "barrier_context", "barrier_context", "ai_structures", "barrier_context",
    "barrier_context", "barrier_context", "survival", "growth", "survival", "growth", "ai_structures",
    "ai_structures", "survival", "survival", "growth", "ai_structures", "survival", "survival",
    "survival", "ai_structures", "growth", "barrier_context", "ai_structures", "survival",
    "ai_structures", "growth"]
PRED = [
    "survival", "survival", "other", "survival", "survival", "ai_structures", "barrier_context",
    "growth", "ai_structures", "survival", "barrier_context", "barrier_context", "ai_structures",
    "growth", "barrier_context", "barrier_context", "other", "growth", "other", "survival",
    "survival", "growth", "survival", "survival", "ai_structures", "barrier_context",
    "barrier_context", "survival", "growth", "ai_structures", "survival", "survival", "growth",
    "ai_structures", "growth", "barrier_context", "ai_structures", "survival", "ai_structures",
    "growth"]
GROUPS = [f"P{i // 4:02d}" for i in range(40)]  # 10 participants x 4 segments


def synthetic(n_groups: int, per_group: int = 30, agree: float = 0.7, seed: int = 1, labels=LABELS):
    rng = np.random.default_rng(seed)
    n = n_groups * per_group
    truth = rng.choice(labels, n)
    pred = np.where(rng.random(n) < agree, truth, rng.choice(labels, n))
    groups = np.repeat([f"P{g:03d}" for g in range(n_groups)], per_group)
    return truth, pred, groups


# ------------------------------------------------------------------------------------ against R
def test_fixture_is_the_r_fixture():
    assert REF["labels"] == LABELS and REF["truth"] == TRUTH and REF["pred"] == PRED, RERUN
    assert REF["n"] == len(TRUTH) == 40


def test_cohen_kappa_matches_r():
    assert ag.cohen_kappa(TRUTH, PRED, LABELS) == pytest.approx(REF["cohen_kappa"], abs=1e-6)
    assert REF["cohen_kappa"] == pytest.approx(REF["cohen_kappa_formula"], abs=1e-12)


def test_krippendorff_alpha_matches_r():
    assert ag.krippendorff_alpha(TRUTH, PRED) == pytest.approx(REF["krippendorff_alpha_nominal"], abs=1e-6)


def test_numpy_kappa_equals_sklearn():
    for n_groups, seed in [(3, 1), (10, 2), (25, 3)]:
        truth, pred, groups = synthetic(n_groups, seed=seed)
        res = ag.clustered_bootstrap_kappa(truth, pred, groups, LABELS, n_boot=10)
        assert res["kappa"] == pytest.approx(cohen_kappa_score(truth, pred, labels=LABELS), abs=1e-12)
    res = ag.clustered_bootstrap_kappa(TRUTH, PRED, GROUPS, LABELS, n_boot=10)
    assert res["kappa"] == pytest.approx(REF["cohen_kappa"], abs=1e-12)


def test_kappa_and_alpha_undefined_and_bad_labels():
    assert math.isnan(ag.cohen_kappa(["other"] * 5, ["other"] * 5, LABELS))
    assert math.isnan(ag.krippendorff_alpha(["other"] * 5, ["other"] * 5))
    assert ag.cohen_kappa(TRUTH, TRUTH, LABELS) == pytest.approx(1.0)
    assert ag.krippendorff_alpha(TRUTH, TRUTH) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="not in labels"):
        ag.cohen_kappa(TRUTH, PRED[:-1] + ["unknown"], LABELS)
    with pytest.raises(ValueError, match="differ in length"):
        ag.cohen_kappa(TRUTH, PRED[:-1], LABELS)


# ------------------------------------------------------------------------------------ bootstrap
def test_bootstrap_record_and_ci_contains_estimate():
    res = ag.clustered_bootstrap_kappa(TRUTH, PRED, GROUPS, LABELS, n_boot=2000, seed=0)
    assert set(res) == {"kappa", "ci_low", "ci_high", "n_boot", "n_skipped", "n_groups", "level", "method"}
    assert res["method"] == "participant-clustered percentile bootstrap"
    assert res["n_boot"] == 2000 and res["n_groups"] == 10 and res["level"] == 0.95
    assert res["ci_low"] <= res["kappa"] <= res["ci_high"]
    assert res["ci_low"] < res["ci_high"]


def test_bootstrap_is_deterministic_for_a_seed():
    truth, pred, groups = synthetic(12)
    a = ag.clustered_bootstrap_kappa(truth, pred, groups, LABELS, n_boot=500, seed=7)
    b = ag.clustered_bootstrap_kappa(truth, pred, groups, LABELS, n_boot=500, seed=7)
    c = ag.clustered_bootstrap_kappa(truth, pred, groups, LABELS, n_boot=500, seed=8)
    assert a == b
    assert (a["ci_low"], a["ci_high"]) != (c["ci_low"], c["ci_high"])


def test_bootstrap_narrows_with_more_groups():
    widths = {}
    for n_groups in (5, 20, 80):
        truth, pred, groups = synthetic(n_groups, per_group=20, seed=11)
        res = ag.clustered_bootstrap_kappa(truth, pred, groups, LABELS, n_boot=1000, seed=0)
        widths[n_groups] = res["ci_high"] - res["ci_low"]
    assert widths[5] > widths[20] > widths[80]


def test_bootstrap_resamples_whole_participants_and_skips_undefined():
    # P1 is coded 'other' by both raters throughout: a resample of P1 only has no kappa
    truth = ["other"] * 6 + ["survival", "growth", "survival", "growth", "other", "growth"]
    pred = ["other"] * 6 + ["survival", "growth", "growth", "growth", "other", "survival"]
    groups = ["P1"] * 6 + ["P2"] * 6
    res = ag.clustered_bootstrap_kappa(truth, pred, groups, LABELS, n_boot=2000, seed=0)
    assert res["n_groups"] == 2
    assert 350 < res["n_skipped"] < 650  # P(draw P1 twice) = 1/4
    assert not math.isnan(res["ci_low"]) and res["ci_low"] <= res["kappa"] <= res["ci_high"]


def test_bootstrap_ignores_segment_order():
    truth, pred, groups = synthetic(8)
    perm = np.random.default_rng(3).permutation(truth.size)
    a = ag.clustered_bootstrap_kappa(truth, pred, groups, LABELS, n_boot=300, seed=1)
    b = ag.clustered_bootstrap_kappa(truth[perm], pred[perm], groups[perm], LABELS, n_boot=300, seed=1)
    assert a["ci_low"] == pytest.approx(b["ci_low"]) and a["ci_high"] == pytest.approx(b["ci_high"])


# ------------------------------------------------------------------------------------- tables
def test_per_theme_columns_counts_and_shares():
    table = ag.per_theme(TRUTH, PRED, LABELS)
    assert list(table.columns) == ag.PER_THEME_COLUMNS == [
        "theme", "precision", "recall", "f1", "support", "n_predicted", "share_coded", "share_predicted",
        "share_difference"]
    assert table["theme"].tolist() == LABELS
    assert table["support"].tolist() == [TRUTH.count(t) for t in LABELS]
    assert table["n_predicted"].tolist() == [PRED.count(t) for t in LABELS]
    assert table["share_coded"].sum() == pytest.approx(1.0)
    assert table["share_predicted"].sum() == pytest.approx(1.0)
    assert table["share_difference"].sum() == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(table["share_difference"], table["share_predicted"] - table["share_coded"])
    other = table.set_index("theme").loc["other"]
    assert other["precision"] == pytest.approx(1 / 3) and other["recall"] == 1.0
    assert other["share_difference"] == pytest.approx((3 - 1) / 40)


def test_confusion_counts_and_the_summary_table():
    t, p, labels = ag._codes(TRUTH, PRED, LABELS)
    counts = ag._confusion_counts(t, p, len(labels))
    assert counts.shape == (len(LABELS), len(LABELS)) and counts.sum() == 40
    assert (counts == 0).any()  # zero cells are kept
    # rows = human, columns = model, both in LABELS order
    np.testing.assert_array_equal(counts, confusion_matrix(TRUTH, PRED, labels=LABELS))
    s = ag.agreement_summary(TRUTH, PRED, GROUPS, LABELS, n_boot=50, seed=0)
    assert s["labels"] == LABELS
    np.testing.assert_array_equal(np.array(s["confusion"]), counts)


# ------------------------------------------------------------------------------------ summary
def test_agreement_summary_is_json_and_consistent():
    s = ag.agreement_summary(TRUTH, PRED, GROUPS, LABELS, n_boot=500, seed=0)
    json.dumps(s, allow_nan=False)
    for key in ("n", "n_participants", "kappa", "kappa_ci_low", "kappa_ci_high", "krippendorff_alpha",
                "accuracy", "macro_f1", "min_theme_f1", "max_abs_share_difference", "per_theme", "confusion",
                "labels"):
        assert key in s
    assert s["n"] == 40 and s["n_participants"] == 10
    assert s["kappa"] == round(REF["cohen_kappa"], 4)
    assert s["krippendorff_alpha"] == round(REF["krippendorff_alpha_nominal"], 4)
    assert s["accuracy"] == round(REF["observed_agreement"], 4)
    assert s["kappa_ci_low"] <= s["kappa"] <= s["kappa_ci_high"]
    assert s["labels"] == LABELS
    assert s["confusion"] == confusion_matrix(TRUTH, PRED, labels=LABELS).tolist()
    assert list(s["per_theme"]) == LABELS
    f1 = [s["per_theme"][t]["f1"] for t in LABELS]
    assert s["min_theme_f1"] == min(f1) and s["macro_f1"] == pytest.approx(np.mean(f1), abs=1e-4)
    assert s["max_abs_share_difference"] == 0.075  # ai_structures: 8 predicted vs 11 coded of 40
    assert all(isinstance(v, float) for v in s["per_theme"]["growth"].values() if not isinstance(v, int))


def test_agreement_summary_undefined_values_are_none():
    s = ag.agreement_summary(["other"] * 4, ["other"] * 4, ["P1", "P1", "P2", "P2"], LABELS, n_boot=50, seed=0)
    json.dumps(s, allow_nan=False)
    assert s["kappa"] is None and s["kappa_ci_low"] is None and s["krippendorff_alpha"] is None
    assert s["n_boot_skipped"] == 50
    assert s["accuracy"] == 1.0
    assert s["min_theme_f1"] == 1.0  # only 'other' has support
    assert s["per_theme"]["survival"]["share_coded"] == 0.0


# -------------------------------------------------------------------------------- budget curve
CENTRES = {"survival": (0.0, 0.0), "growth": (2.0, 0.0), "ai_structures": (0.0, 2.0), "other": (2.0, 2.0)}


@pytest.fixture(scope="module")
def budget_data():
    """Synthetic 2-D features: 4 overlapping Gaussian clusters; a pool of training turns per label
    ('other' has only 5) and 200 evaluation turns."""
    rng = np.random.default_rng(42)
    labels, points = [], []
    for lab, centre in CENTRES.items():
        n = 5 + 50 if lab == "other" else 30 + 50
        labels += [lab] * n
        points.append(rng.normal(centre, 1.0, size=(n, 2)))
    X = np.vstack(points)
    labels = np.asarray(labels, dtype=object)
    order = rng.permutation(len(labels))
    X, labels = X[order], labels[order]
    eval_idx = np.concatenate([np.flatnonzero(labels == lab)[:50] for lab in CENTRES])
    pool_idx = np.setdiff1d(np.arange(len(labels)), eval_idx)
    pool = pd.DataFrame({"label": labels[pool_idx], "index": pool_idx})
    return X, labels, pool, eval_idx


def make_fit_predict(X, eval_idx, calls=None):
    """Nearest centroid; with no training data (zero-shot) everything is 'survival'."""
    def fit_predict(train_idx, train_labels):
        if calls is not None:
            calls.append((np.asarray(train_idx).copy(), np.asarray(train_labels).copy()))
        if len(train_idx) == 0:
            return np.array(["survival"] * len(eval_idx), dtype=object)
        labs = sorted(set(train_labels))
        centroids = np.vstack([X[train_idx][train_labels == lab].mean(axis=0) for lab in labs])
        dist = ((X[eval_idx][:, None, :] - centroids[None, :, :]) ** 2).sum(axis=-1)
        return np.asarray(labs, dtype=object)[dist.argmin(axis=1)]
    return fit_predict


def test_budget_curve_rises_with_the_budget(budget_data):
    X, labels, pool, eval_idx = budget_data
    calls = []
    curve = ag.budget_curve(make_fit_predict(X, eval_idx, calls), pool, eval_idx, labels[eval_idx],
                            sizes=(0, 2, 4, 8, 16), repeats=10, seed=0)
    assert list(curve.columns) == ["size", "repeat", "n_train", "kappa"]
    assert len(curve) == 5 * 10 and len(calls) == 50
    # zero-shot: called with empty arrays
    assert all(len(idx) == 0 and len(lab) == 0 for (idx, lab), k in zip(calls, curve["size"]) if k == 0)
    n_train = curve.groupby("size")["n_train"].unique().map(lambda v: v.tolist()).to_dict()
    assert n_train == {0: [0], 2: [8], 4: [16], 8: [29], 16: [53]}  # 'other' has only 5 turns
    # training turns come from the pool, labelled as in the pool
    pool_label = dict(zip(pool["index"], pool["label"]))
    assert all(pool_label[i] == lab for idx, labs in calls for i, lab in zip(idx, labs))
    summary = ag.budget_summary(curve)
    assert list(summary.columns) == ["size", "mean", "min", "max", "n_repeats"]
    assert summary["size"].tolist() == [0, 2, 4, 8, 16] and (summary["n_repeats"] == 10).all()
    mean = summary.set_index("size")["mean"]
    assert mean[0] == pytest.approx(0.0)
    assert mean[0] < mean[2] < mean[16] and mean.is_monotonic_increasing
    assert mean[16] - mean[0] > 0.3
    assert (summary["min"] <= summary["mean"]).all() and (summary["mean"] <= summary["max"]).all()


def test_budget_curve_is_reproducible(budget_data):
    X, labels, pool, eval_idx = budget_data
    fp = make_fit_predict(X, eval_idx)
    args = (fp, pool, eval_idx, labels[eval_idx])
    a = ag.budget_curve(*args, sizes=(0, 2, 8), repeats=4, seed=3)
    b = ag.budget_curve(*args, sizes=(0, 2, 8), repeats=4, seed=3)
    c = ag.budget_curve(*args, sizes=(0, 2, 8), repeats=4, seed=4)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a.loc[a["size"] == 2, "kappa"], c.loc[c["size"] == 2, "kappa"])
    # the same repeat draws the same turns whatever the other sizes are
    d = ag.budget_curve(*args, sizes=(2,), repeats=4, seed=3)
    np.testing.assert_allclose(d["kappa"], a.loc[a["size"] == 2, "kappa"])


def test_budget_curve_checks_its_inputs(budget_data):
    X, labels, pool, eval_idx = budget_data
    with pytest.raises(ValueError, match="missing column"):
        ag.budget_curve(make_fit_predict(X, eval_idx), pool.rename(columns={"index": "row"}), eval_idx,
                        labels[eval_idx])
    with pytest.raises(ValueError, match="returned"):
        ag.budget_curve(lambda i, l: np.array(["survival"]), pool, eval_idx, labels[eval_idx], sizes=(0,))
