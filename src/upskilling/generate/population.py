"""The latent-variable model behind the synthetic survey respondents (planted effects of C1-C5).

Every respondent gets latent normal variables; each Likert item is a noisy indicator of its
construct's latent score, discretised to the 1-5 scale (``round(center + sd * (loading * F +
sqrt(1 - loading^2) * e))``, clipped). The planted structure (all in :data:`PARAMS`):

* C1: survival items centred higher than growth items (paired difference).
* C2: P(AI is the primary resource) = logistic(a0 + a1 * A) with A the AI-for-learning latent,
  averaging ~0.22; "I use AI to plan or structure what I learn" centred so ~0.62 agree.
* C3: three correlated barrier latents with different centres, all above 3.
* C4: invisible-competency latent = r * A + noise (Spearman ~0.3 with AI-for-learning frequency).
* C5: survival latent = b_share * z(platform share) + b_comp * competition latent + noise; years
  freelancing has no effect (it is correlated with platform share only).

Respondents are returned as a dict of numpy arrays of *codes* (coded direction, i.e. reverse-coded
items already in the construct's direction; :mod:`.survey` turns them into export labels).
Written by hand because no library simulates Likert questionnaires from a latent model with
these planted effects.
"""
from __future__ import annotations

import numpy as np
from scipy import stats

DOMAINS = ["writing", "design", "software", "data", "marketing", "translation", "admin", "other"]
DOMAIN_P = [0.18, 0.16, 0.15, 0.10, 0.14, 0.10, 0.11, 0.06]
REGIONS = ["North America", "Latin America", "Europe", "Africa", "Middle East", "South Asia",
           "East Asia", "Southeast Asia", "Oceania"]
REGION_P = [0.22, 0.10, 0.26, 0.10, 0.04, 0.13, 0.05, 0.07, 0.03]
PLATFORMS = ["Upwork", "Fiverr", "Toptal", "Freelancer.com", "ProZ", "LinkedIn", "Dribbble", "Instagram",
             "Direct clients", "Other"]
RESOURCES = ["Video tutorials (e.g. YouTube)", "Online courses", "Official documentation",
             "Books and articles", "Peers and online communities", "Generative AI tools (e.g. ChatGPT)",
             "Formal training or workshops", "Other"]
AI_RESOURCE = 5  # index of "Generative AI tools (e.g. ChatGPT)" in RESOURCES
# weights of the non-AI primary resources by domain (video, courses, docs, books, peers, -, training, other)
RESOURCE_W = {
    "writing": [0.26, 0.20, 0.04, 0.24, 0.16, 0, 0.06, 0.04],
    "design": [0.46, 0.20, 0.04, 0.06, 0.16, 0, 0.05, 0.03],
    "software": [0.18, 0.16, 0.40, 0.06, 0.16, 0, 0.02, 0.02],
    "data": [0.18, 0.30, 0.26, 0.08, 0.14, 0, 0.02, 0.02],
    "marketing": [0.30, 0.34, 0.06, 0.10, 0.14, 0, 0.04, 0.02],
    "translation": [0.10, 0.16, 0.16, 0.16, 0.30, 0, 0.08, 0.04],
    "admin": [0.34, 0.36, 0.06, 0.04, 0.14, 0, 0.04, 0.02],
    "other": [0.26, 0.24, 0.12, 0.12, 0.16, 0, 0.06, 0.04],
}
# resource-use grid items, in grid order, aligned with RESOURCES[:5], AI, training
RES_ITEMS = ["res_video", "res_courses", "res_docs", "res_books", "res_peers", "res_ai", "res_training"]
RES_CENTER = [3.3, 2.8, 2.9, 2.5, 3.0, None, 1.9]

PARAMS: dict = {
    "item_model": "code = clip(round(center + offset_j + sd * (loading * F + sqrt(1 - loading^2) * e)), 1, 5)",
    "platform_share": {"distribution": "100 * Beta(a, b), reported to the nearest 5 (60%) or 1", "a": 2.0, "b": 1.5},
    "years": {"distribution": "1 + Gamma(shape, scale) - 1.2 * z(platform_share), integer, clipped 0-40",
              "shape": 2.0, "scale": 3.2},
    "competition": {"latent": "r_share * z(share) + sqrt(1 - r_share^2) * e", "r_share": 0.3,
                    "center": 3.55, "sd": 1.0, "loading": 0.75},
    "survival": {"latent": "b_share * z(share) + b_comp * competition + residual, var 1; years has no effect (b_years = 0)",
                 "b_share": 0.3, "b_comp": 0.4, "b_years": 0.0,
                 "center": 3.8, "sd": 1.0, "loading": 0.78},
    "growth": {"latent": "r_survival * survival + r_ai * A + residual, var 1", "r_survival": -0.1, "r_ai": 0.15,
               "center": 3.3, "sd": 1.0, "loading": 0.75, "reverse_item": "grow_4"},
    "ai_learning": {"latent": "A ~ N(domain offset, 1)", "domain_offset": {"software": 0.3, "data": 0.3,
                    "translation": -0.3, "writing": -0.1},
                    "cumulative_p": [0.05, 0.15, 0.35, 0.65]},
    "ai_work": {"latent": "0.7 * A + 0.71 * e", "cumulative_p": [0.03, 0.08, 0.20, 0.50]},
    "ai_structures": {"latent": "r_ai * A + residual", "r_ai": 0.5, "center": 3.85, "sd": 1.1},
    "ai_primary": {"model": "P(AI primary) = logistic(a0 + a1 * A)", "a0": -1.55, "a1": 1.0},
    "barriers": {"latent_correlation": 0.35, "loading": 0.72, "sd": 0.95,
                 "center": {"barrier_inconsistency": 3.35, "barrier_context": 3.65, "barrier_verification": 3.95}},
    "invisible": {"latent": "r_ai * A + residual", "r_ai": 0.34, "center": 3.52, "sd": 1.0, "loading": 0.75,
                  "reverse_item": "inv_4"},
    "resources": {"engagement_loading": 0.45, "sd": 1.0, "primary_bonus": 1.3, "ai_center": "3.0 + 0.9 * A"},
    "item_nonresponse": {"share_of_respondents": 0.04, "items_skipped": 1,
                         "note": "one substantive Likert item left blank; never an attention check"},
}

CONSTRUCT_ITEMS = {
    "survival": ["surv_1", "surv_2", "surv_3", "surv_4"],
    "growth": ["grow_1", "grow_2", "grow_3", "grow_4"],
    "barrier_inconsistency": ["bar_inc_1", "bar_inc_2", "bar_inc_3"],
    "barrier_context": ["bar_ctx_1", "bar_ctx_2", "bar_ctx_3"],
    "barrier_verification": ["bar_ver_1", "bar_ver_2", "bar_ver_3"],
    "invisible": ["inv_1", "inv_2", "inv_3", "inv_4"],
    "competition": ["comp_1", "comp_2", "comp_3"],
}
# small fixed item offsets so items of a scale differ a little in difficulty
OFFSETS = {"survival": [0.1, 0.0, 0.15, -0.2], "growth": [0.15, 0.1, -0.2, -0.05],
           "barrier_inconsistency": [0.1, -0.1, 0.0], "barrier_context": [0.1, 0.0, -0.1],
           "barrier_verification": [0.1, 0.05, -0.15], "invisible": [0.1, 0.0, 0.05, -0.15],
           "competition": [0.2, -0.2, 0.0]}
GRIDS = {
    "resources": RES_ITEMS,
    "motivation": CONSTRUCT_ITEMS["survival"] + CONSTRUCT_ITEMS["growth"],
    "barriers": CONSTRUCT_ITEMS["barrier_inconsistency"] + CONSTRUCT_ITEMS["barrier_context"]
    + CONSTRUCT_ITEMS["barrier_verification"],
    "skills_market": CONSTRUCT_ITEMS["invisible"] + CONSTRUCT_ITEMS["competition"],
}
REVERSED = {"grow_4", "inv_4"}


def _likert(rng, latent, center, sd, loading, offsets):
    """Codes (n x k) of k items measuring ``latent`` (see module docstring)."""
    n, k = latent.shape[0], len(offsets)
    e = rng.standard_normal((n, k))
    y = center + np.asarray(offsets) + sd * (loading * latent[:, None] + np.sqrt(1 - loading**2) * e)
    return np.clip(np.rint(y), 1, 5).astype(int)


def _ordinal(latent, cumulative_p):
    """Categories 1..len(p)+1 of a standard-normal-ish latent cut at normal quantiles of ``cumulative_p``."""
    return 1 + np.searchsorted(stats.norm.ppf(cumulative_p), latent).astype(int)


def draw(rng: np.random.Generator, n: int, shift: dict | None = None, panel: dict | None = None,
         rho: float = 0.0) -> dict:
    """Draw ``n`` respondents from the population model. Returns a dict of arrays (see module doc).

    The latent residuals (the random part of each latent, after what share and competition explain)
    are returned as ``_res_<name>``. Two options serve a later survey wave (:mod:`.wave2`); without them
    the draw is the one of wave 1, random number for random number:

    * ``shift``: ``{construct: d}`` adds ``d`` (in latent SD) to the construct's latent before its items
      are drawn (a change of the population between waves);
    * ``panel``: an earlier draw of the same ``n`` people (a panel answering again): domain, region and
      platform share are kept, years freelancing + 1, and every latent residual is
      ``rho * earlier + sqrt(1 - rho^2) * new``, so the latents keep their distribution and correlate
      across waves; item errors, nonresponse and the profile answers of :mod:`.respondents` are new.
    """
    p = PARAMS
    shift = shift or {}
    out: dict = {}

    def carry(name: str, e: np.ndarray) -> np.ndarray:
        if panel is not None:
            e = rho * panel[f"_res_{name}"] + np.sqrt(1 - rho**2) * e
        out[f"_res_{name}"] = e
        return e

    dom = rng.choice(len(DOMAINS), size=n, p=DOMAIN_P)
    out["domain"] = np.array(DOMAINS)[dom]
    out["region"] = np.array(REGIONS)[rng.choice(len(REGIONS), size=n, p=REGION_P)]
    share = 100 * rng.beta(p["platform_share"]["a"], p["platform_share"]["b"], size=n)
    share = np.where(rng.random(n) < 0.6, 5 * np.rint(share / 5), np.rint(share))
    out["platform_share"] = share.astype(int)
    if panel is not None:
        for key in ("domain", "region", "platform_share"):
            out[key] = panel[key].copy()
    z_share = (out["platform_share"] - 57.0) / 25.0  # population mean/sd of 100 * Beta(2, 1.5)
    years = 1 + rng.gamma(p["years"]["shape"], p["years"]["scale"], size=n) - 1.2 * z_share
    out["years"] = np.clip(np.rint(years), 0, 40).astype(int)
    if panel is not None:
        out["years"] = np.clip(panel["years"] + 1, 0, 40).astype(int)
    e = carry("competition", rng.standard_normal(n))
    comp = p["competition"]["r_share"] * z_share + np.sqrt(1 - p["competition"]["r_share"] ** 2) * e
    s = p["survival"]
    expl = s["b_share"] * z_share + s["b_comp"] * comp
    var_expl = s["b_share"] ** 2 + s["b_comp"] ** 2 + 2 * s["b_share"] * s["b_comp"] * p["competition"]["r_share"]
    surv = expl + np.sqrt(max(1e-9, 1 - var_expl)) * carry("survival", rng.standard_normal(n))
    a = carry("ai_learning", rng.standard_normal(n)) + np.array([p["ai_learning"]["domain_offset"].get(d, 0.0)
                                                                  for d in out["domain"]])
    g = p["growth"]
    e = carry("growth", rng.standard_normal(n))
    grow = g["r_survival"] * surv + g["r_ai"] * a + np.sqrt(1 - g["r_survival"] ** 2 - g["r_ai"] ** 2) * e
    out["ai_learning_freq"] = _ordinal(a, p["ai_learning"]["cumulative_p"])
    e = carry("ai_work", rng.standard_normal(n))
    out["ai_work_freq"] = np.maximum(_ordinal(0.7 * a + 0.71 * e, p["ai_work"]["cumulative_p"]),
                                     np.minimum(out["ai_learning_freq"], 3))
    t = p["ai_structures"]
    tl = t["r_ai"] * a + np.sqrt(1 - t["r_ai"] ** 2) * carry("ai_structures", rng.standard_normal(n))
    out["ai_structures"] = np.clip(np.rint(t["center"] + t["sd"] * tl), 1, 5).astype(int)
    inv = p["invisible"]
    il = inv["r_ai"] * a + np.sqrt(1 - inv["r_ai"] ** 2) * carry("invisible", rng.standard_normal(n))
    latents = {"survival": surv, "growth": grow, "competition": comp, "invisible": il}
    b = p["barriers"]
    cov = np.full((3, 3), b["latent_correlation"]) + (1 - b["latent_correlation"]) * np.eye(3)
    bl = rng.multivariate_normal(np.zeros(3), cov, size=n, method="cholesky")
    for j, name in enumerate(b["center"]):
        latents[name] = carry(name, bl[:, j])
    for name, items in CONSTRUCT_ITEMS.items():
        spec = p[name] if name in p else {"center": b["center"][name], "sd": b["sd"], "loading": b["loading"]}
        latent = latents[name] + shift[name] if name in shift else latents[name]
        codes = _likert(rng, latent, spec["center"], spec["sd"], spec["loading"], OFFSETS[name])
        for j, item in enumerate(items):
            out[item] = codes[:, j]
    pa = p["ai_primary"]
    p_ai = 1 / (1 + np.exp(-(pa["a0"] + pa["a1"] * a)))
    is_ai = rng.random(n) < p_ai
    prim = np.array([rng.choice(len(RESOURCES), p=np.array(RESOURCE_W[d]) / sum(RESOURCE_W[d])) for d in out["domain"]])
    out["primary_resource"] = np.where(is_ai, AI_RESOURCE, prim)
    out["_a"] = a
    _resource_grid(rng, out)
    _item_nonresponse(rng, out)
    _break_straightlining(rng, out)
    return out


def _resource_grid(rng, out):
    """Frequency of use of each resource (freq5): engagement factor + primary-resource bonus."""
    r = PARAMS["resources"]
    n = out["_a"].shape[0]
    eng = rng.standard_normal(n)
    for j, item in enumerate(RES_ITEMS):
        center = 3.0 + 0.9 * out["_a"] if item == "res_ai" else RES_CENTER[j]
        if item == "res_docs":
            center = center + np.isin(out["domain"], ["software", "data"]) * 0.8
        y = center + r["sd"] * (r["engagement_loading"] * eng + np.sqrt(1 - r["engagement_loading"] ** 2)
                                * rng.standard_normal(n))
        y = y + r["primary_bonus"] * (out["primary_resource"] == j)  # RES_ITEMS[j] is RESOURCES[j]
        out[item] = np.clip(np.rint(y), 1, 5).astype(int)
    out["res_ai"] = np.where(out["ai_learning_freq"] == 1, 1, out["res_ai"])


def _break_straightlining(rng, out):
    """A respondent of the population never gives one identical raw answer across the answered items
    of a grid: move one answered item of such a grid by one step (straight-lining is planted separately)."""
    for items in GRIDS.values():
        codes = np.column_stack([out[it] for it in items])
        raw = np.where(codes == 0, 0, np.column_stack([6 - out[it] if it in REVERSED else out[it] for it in items]))
        hi, lo = np.where(raw == 0, -1, raw).max(axis=1), np.where(raw == 0, 9, raw).min(axis=1)
        for i in np.flatnonzero(hi == lo):
            answered = [it for it in items if out[it][i] != 0]
            it = answered[int(rng.integers(len(answered)))]
            v = out[it][i]
            out[it][i] = v - 1 if v > 1 and (v == 5 or rng.random() < 0.5) else v + 1


def _item_nonresponse(rng, out):
    """Blank (code 0) one substantive Likert item for a small share of respondents."""
    n = out["_a"].shape[0]
    who = np.flatnonzero(rng.random(n) < PARAMS["item_nonresponse"]["share_of_respondents"])
    pool = [it for items in CONSTRUCT_ITEMS.values() for it in items]
    for i in who:
        it = pool[int(rng.integers(len(pool)))]
        out[it][i] = 0
    out["_skipped"] = np.isin(np.arange(n), who)
