"""Turn population draws into complete survey answers: the interviewees' rows (from the roster),
the profile answers the latent model does not cover (platforms, tools, hours, ...), and the
conversion of codes into the choice text of the export.

Answers are kept as a dict of numpy arrays of codes (0 = not answered) plus a few text fields;
:func:`to_rows` turns them into one ``{item id: export text}`` dict per respondent.
"""
from __future__ import annotations

import numpy as np

from . import population as pop

# open-ended answers ("describe a time you used AI to learn something for work"), by domain
STORIES = {
    "writing": [
        "I asked ChatGPT to explain how SaaS pricing pages are usually structured before pitching a client, then read three real examples myself.",
        "Learning basic SEO for blog briefs. It gave me a decent overview but I had to check everything against Google's own docs.",
        "I had it quiz me on AP style rules I kept getting wrong.",
        "Used it to understand a medical topic for a dental client's newsletter, then verified with the dentist.",
    ],
    "design": [
        "I used it to understand how to set up variables in Figma; the steps were for an older version so I ended up on YouTube anyway.",
        "Asked for a plan to learn After Effects expressions in two weeks. Helpful outline, I followed a course for the actual learning.",
        "Learning about print bleed and dielines for packaging, it explained the terms so I could ask the printer better questions.",
        "I asked Midjourney and ChatGPT to help me learn moodboarding for a new niche (pet brands).",
    ],
    "software": [
        "Picked up Rust error handling by asking Copilot to explain compiler messages line by line.",
        "Had it walk me through Shopify's Liquid templating for a client theme, then checked the official docs because some filters did not exist.",
        "I asked it for a learning roadmap for Kubernetes and used it as a checklist.",
        "Used Claude to understand an unfamiliar legacy PHP codebase before quoting a fixed price.",
    ],
    "data": [
        "Learned window functions in SQL by asking for exercises and checking answers against Postgres.",
        "It explained mixed models to me for a client report, but I verified with a textbook because the first answer was wrong.",
        "Used ChatGPT to plan a four-week path into dbt.",
        "Asked it to explain a DAX error in Power BI, which taught me how filter context works.",
    ],
    "marketing": [
        "Learning GA4 after Universal Analytics shut down: I asked for a step-by-step plan and then took Google's course.",
        "I used it to understand Meta's new ad campaign structure, though half of it was already outdated.",
        "Asked for a crash course on TikTok ads for a client in a market I did not know.",
        "Had it explain schema markup so I could talk about it with a developer client.",
    ],
    "translation": [
        "I asked it to explain terminology in a patent I was translating, then checked with a termbase.",
        "Learning post-editing workflows: it summarised the ISO 18587 standard for me, roughly correctly.",
        "Used DeepL and ChatGPT side by side to learn the conventions of game UI strings.",
        "Asked it to explain a legal concept in the source country's system before translating a contract.",
    ],
    "admin": [
        "It taught me how to build automations in Zapier step by step for a coaching client.",
        "I learned bookkeeping categories for a new client's industry by asking it and then checking with their accountant.",
        "Used ChatGPT to learn Notion databases so I could set up a client's content calendar.",
        "Asked it to explain how to set up email sequences in a tool I had never used.",
    ],
    "other": [
        "Used it to get an overview of a regulation before a consulting call.",
        "I asked it to create a study plan for a certification exam.",
        "It explained a spreadsheet formula I needed for a client project.",
        "Learning a new project-management tool, it answered my beginner questions.",
    ],
}
DOMAIN_LABEL_INDEX = {d: i for i, d in enumerate(pop.DOMAINS)}


def _codes_to_label(scale: dict, code: int) -> str:
    return scale["labels"][scale["codes"].index(code)]


def add_profile(rng: np.random.Generator, out: dict) -> None:
    """Add platforms, AI tools, AI learning activities, hours, age band, education, open text, opt-in."""
    n = out["_a"].shape[0]
    dom = out["domain"]
    share = out["platform_share"]
    plat = np.zeros((n, 10), dtype=bool)  # order of the codebook's platforms scale
    base = {0: 0.6, 1: 0.3, 2: 0.03, 3: 0.06, 4: 0.02, 5: 0.25, 6: 0.02, 7: 0.06, 9: 0.04}
    extra = {"software": {2: 0.3}, "data": {2: 0.2}, "translation": {4: 0.75, 1: -0.2},
             "design": {6: 0.35, 7: 0.2, 1: 0.15}, "marketing": {7: 0.15, 1: 0.1}, "admin": {1: 0.2}}
    for i in range(n):
        probs = dict(base)
        for k, v in extra.get(dom[i], {}).items():
            probs[k] = probs.get(k, 0) + v
        for k, pk in probs.items():
            plat[i, k] = rng.random() < pk
        if share[i] > 0 and not plat[i, [0, 1, 2, 3, 4, 6]].any():
            plat[i, 0 if dom[i] != "translation" else 4] = True
        if share[i] == 0:
            plat[i, [0, 1, 2, 3, 4, 6]] = False
        plat[i, 8] = share[i] < 100 and (rng.random() < 0.85 or share[i] <= 20)
    out["_platforms"] = plat
    tools = np.zeros((n, 8), dtype=bool)
    tp = [0.86, 0.35, 0.3, 0.2, 0.02, 0.2, 0.08, 0.05]
    for i in range(n):
        p = list(tp)
        if dom[i] == "software":
            p[4] = 0.6
        if dom[i] == "data":
            p[4] = 0.3
        if dom[i] in ("design", "marketing"):
            p[6] = 0.5 if dom[i] == "design" else 0.3
        tools[i] = rng.random(8) < np.array(p)
        if not tools[i].any():
            tools[i, 0] = True
    out["_tools"] = tools & ~((out["ai_work_freq"] == 1) & (out["ai_learning_freq"] == 1))[:, None]
    acts = np.zeros((n, 8), dtype=bool)
    for i in range(n):
        if out["ai_learning_freq"][i] == 1:
            acts[i, 7] = True
            continue
        p = [0.75, 0.1 + 0.15 * (out["ai_structures"][i] - 1), 0.45, 0.25, 0.6, 0.45, 0.2, 0.0]
        acts[i] = rng.random(8) < np.array(p)
        if not acts[i].any():
            acts[i, 0] = True
    out["_activities"] = acts
    hours = np.clip(rng.normal(33, 11, n), 5, 70)
    out["hours_week"] = np.where(rng.random(n) < 0.5, 5 * np.rint(hours / 5), np.rint(hours)).astype(int)
    age = 21 + out["years"] + rng.gamma(2.0, 4.0, n)
    out["age_band"] = 1 + np.searchsorted([25, 35, 45, 55, 65], age, side="right")
    out["education"] = 1 + rng.choice(5, size=n, p=[0.06, 0.16, 0.46, 0.27, 0.05])
    out["interview_optin"] = np.where(rng.random(n) < 0.35, 1, 0)
    story = []
    for i in range(n):
        if rng.random() < 0.25 or out["ai_learning_freq"][i] == 1:
            story.append("")
        else:
            pool = STORIES[dom[i]]
            story.append(pool[int(rng.integers(len(pool)))])
    out["_story"] = np.array(story, dtype=object)


def _spread(level: float, k: int, rng) -> list[int]:
    """k integer codes (1-5) whose mean is ``level`` rounded to the nearest 1/k, in random order."""
    total = int(np.clip(round(level * k), k, 5 * k))
    base, rem = divmod(total, k)
    codes = [base + 1] * rem + [base] * (k - rem)
    return [int(c) for c in rng.permutation(codes)]


def interviewees(rng: np.random.Generator, roster: list[dict]) -> dict:
    """Answers of the interviewees: a population draw overwritten with each roster profile.

    Domain, years, platform share, region, platforms, primary resource and AI-for-learning frequency
    are taken from the roster exactly; survival, growth, invisible and competition items are chosen so
    that the scale mean equals the roster level (to the nearest 1/k); ai_structures is the roster value.
    Barrier items come from the population model.
    """
    n = len(roster)
    out = pop.draw(rng, n)
    freq_codes = {"Never": 1, "Less than monthly": 2, "Monthly": 3, "Weekly": 4, "Daily": 5}
    for i, r in enumerate(roster):
        out["domain"][i] = r["domain"]
        out["region"][i] = r["region"]
        out["years"][i] = r["years"]
        out["platform_share"][i] = r["platform_share"]
        out["primary_resource"][i] = pop.RESOURCES.index(r["primary_resource"])
        out["ai_learning_freq"][i] = freq_codes[r["ai_learning_freq"]]
        out["ai_work_freq"][i] = 5 if out["ai_learning_freq"][i] >= 4 else 4
        out["ai_structures"][i] = int(r["ai_structures"])
        for name, level in (("survival", r["survival"]), ("growth", r["growth"]),
                            ("invisible", r["invisible"]), ("competition", r["competition"])):
            items = pop.CONSTRUCT_ITEMS[name]
            for it, c in zip(items, _spread(level, len(items), rng)):
                out[it][i] = c
        for it in (x for items in pop.CONSTRUCT_ITEMS.values() for x in items):
            if out[it][i] == 0:  # no item nonresponse for interviewees
                out[it][i] = 3 + int(rng.integers(2))
        prim = out["primary_resource"][i]
        res_item = pop.RES_ITEMS[prim] if prim < len(pop.RES_ITEMS) else None
        if res_item:
            out[res_item][i] = max(out[res_item][i], 4 + int(rng.integers(2)))
        out["res_ai"][i] = {5: 5, 4: 4, 3: 3, 2: 2, 1: 1}[int(out["ai_learning_freq"][i])]
    out["_skipped"][:] = False
    out["_a"] = np.array([{1: -1.6, 2: -1.0, 3: -0.4, 4: 0.2, 5: 1.0}[int(c)] for c in out["ai_learning_freq"]])
    add_profile(rng, out)
    for i, r in enumerate(roster):
        out["_platforms"][i] = [lab in r["platforms"] for lab in pop.PLATFORMS]
        out["interview_optin"][i] = 1
        if out["ai_structures"][i] >= 4:
            out["_activities"][i, 1] = True
            out["_activities"][i, 7] = False
        if not out["_story"][i]:
            out["_story"][i] = STORIES[r["domain"]][i % len(STORIES[r["domain"]])]
    return out


def take(out: dict, idx) -> dict:
    """Rows ``idx`` of an answers dict."""
    return {k: v[idx] for k, v in out.items()}


def concat(parts: list[dict]) -> dict:
    """Stack answers dicts (same keys) row-wise."""
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def to_rows(out: dict, codebook: dict) -> list[dict]:
    """One ``{item id: export text}`` dict per respondent (consent and freelancing 'Yes')."""
    scales = codebook["response_scales"]
    item_scale = {it["id"]: it.get("scale") for it in codebook["items"]}
    n = out["_a"].shape[0]
    rows = []
    multi = {"platforms": "_platforms", "ai_tools": "_tools", "ai_activities": "_activities"}
    likert_items = [it for items in pop.CONSTRUCT_ITEMS.values() for it in items] + pop.RES_ITEMS
    for i in range(n):
        row = {"consent": "Yes", "freelancing": "Yes"}
        row["domain"] = scales["domain"]["labels"][DOMAIN_LABEL_INDEX[out["domain"][i]]]
        for item, key in multi.items():
            labels = scales[item_scale[item]]["labels"]
            row[item] = ",".join(lab for lab, on in zip(labels, out[key][i]) if on)
        row["years_freelancing"] = str(int(out["years"][i]))
        row["hours_week"] = str(int(out["hours_week"][i]))
        row["platform_share"] = str(int(out["platform_share"][i]))
        row["region"] = str(out["region"][i])
        for item in ("age_band", "education", "ai_work_freq", "ai_learning_freq", "ai_structures"):
            if item in item_scale:  # a later wave's codebook may have dropped it
                row[item] = _codes_to_label(scales[item_scale[item]], int(out[item][i]))
        row["primary_resource"] = pop.RESOURCES[int(out["primary_resource"][i])]
        for item in likert_items:
            code = int(out[item][i])
            raw = 6 - code if (item in pop.REVERSED and code) else code
            row[item] = _codes_to_label(scales[item_scale[item]], raw) if raw else ""
        for check in codebook["attention_checks"]:
            row[check["item"]] = check["correct"]
        row["ai_learning_story"] = str(out["_story"][i])
        row["interview_optin"] = "Yes" if out["interview_optin"][i] else "No"
        rows.append(row)
    return rows
