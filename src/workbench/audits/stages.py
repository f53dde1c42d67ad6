"""Stage hygiene: stage names, probabilities, forecast categories and closed flags.

The defined stages come from the setting ``audits.stage_definitions``: a list of
``{"name", "probability", "forecast_category", "is_closed", "is_won"}`` objects (the
customer's stage list as agreed in alignment). Without it the checks that need a
list are reported as not measurable and the others compare each stage with itself:
the usual probability of a stage is its most common value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.audits.common import MAX_AFFECTED_IDS, AuditData, category_text, lookup, setting

_CLOSED_WORDS = re.compile(r"\b(?:closed|won|lost)\b", re.IGNORECASE)


@dataclass
class StageDefinition:
    name: str
    probability: float | None = None
    forecast_category: str | None = None
    is_closed: bool | None = None
    is_won: bool | None = None


@dataclass
class StageCheck:
    """One stage-hygiene check: how many opportunities fail it and which."""

    check: str
    description: str
    affected: int
    measurable: bool = True
    examples: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)


@dataclass
class StageProfile:
    """How one stage name is used: count, usual probability, spread across pipelines/teams."""

    stage: str
    opportunities: int
    usual_probability: float | None
    probabilities_by_pipeline: dict[str, float]
    probabilities_by_team: dict[str, float]
    defined: bool | None


def stage_definitions(data: AuditData) -> list[StageDefinition]:
    """The agreed stage list: ``audits.stage_definitions``, else the demo's ``demo.stages``."""
    raw = setting(data.eng, "stage_definitions", None)
    if raw is None:
        raw = data.eng.setting("demo.stages", [])
    result = []
    for item in raw if isinstance(raw, list) else []:
        name = (item.get("name") or item.get("stage")) if isinstance(item, dict) else None
        if name:
            result.append(
                StageDefinition(
                    name=str(name),
                    probability=item.get("probability"),
                    forecast_category=item.get("forecast_category"),
                    is_closed=item.get("is_closed"),
                    is_won=item.get("is_won"),
                )
            )
    return result


def _norm_category(values: pd.Series) -> pd.Series:
    return (
        values.astype(object)
        .fillna("")
        .astype(str)
        .str.lower()
        .str.replace(r"[^a-z]", "", regex=True)
    )


def _mode(values: pd.Series) -> float | None:
    values = values.dropna()
    if values.empty:
        return None
    return float(values.round(2).mode().sort_values().iloc[0])


def check_stages(data: AuditData) -> tuple[list[StageCheck], list[StageProfile], set[str]]:
    """Run the stage checks; return the checks, a profile per stage and failing opp ids."""
    opps = data.table("opportunities")
    defined = stage_definitions(data)
    by_name = {d.name.strip().lower(): d for d in defined}
    stage = category_text(opps["stage"], lambda c: c.str.strip())
    stage_key = category_text(opps["stage"], lambda c: c.str.strip().str.lower())
    key_codes, key_values = pd.factorize(stage_key.to_numpy(dtype=object))

    def by_key(mapping: dict) -> pd.Series:
        """``stage_key.map(mapping)``, looked up once per distinct key (the same values
        and type: the distinct keys are those of the rows)."""
        mapped = pd.Series(np.asarray(key_values, dtype=object), dtype=object).map(mapping)
        return pd.Series(mapped.to_numpy()[key_codes], index=stage_key.index)

    prob = pd.to_numeric(opps["probability"], errors="coerce")
    owners = data.owner_attributes().set_index("owner_crm_id")["team"]
    team = category_text(
        opps["owner_crm_id"], lambda c: lookup(c, owners).fillna("(no team)"), "(no team)"
    )
    pipeline = category_text(
        opps["pipeline"], lambda c: c.where(c.str.strip().ne(""), "(default)"), "(default)"
    )
    closed = opps["is_closed"].astype(bool)
    won = opps["is_won"].astype(bool)
    category = category_text(
        opps["forecast_category"], lambda c: c.str.lower().str.replace(r"[^a-z]", "", regex=True)
    )
    crm = opps["crm_id"]
    if pd.api.types.infer_dtype(crm, skipna=False) != "string":
        crm = crm.astype(str)  # record ids are text; only odd data pays for the conversion
    checks: list[StageCheck] = []
    failing: set[str] = set()

    def add(
        check: str,
        description: str,
        mask: pd.Series,
        examples: list[str] | None = None,
        measurable: bool = True,
    ) -> None:
        hit = crm[mask]
        failing.update(hit.tolist())
        checks.append(
            StageCheck(
                check,
                description,
                int(mask.sum()),
                measurable,
                examples or [],
                hit.sort_values().tolist()[:MAX_AFFECTED_IDS],
            )
        )

    # 1. Stages outside the defined list.
    if defined:
        outside = ~stage_key.isin(list(by_name)) & stage_key.ne("")
        add(
            "outside_list",
            "Stage not in the agreed stage list",
            outside,
            sorted(stage[outside].unique().tolist())[:20],
        )
    else:
        checks.append(
            StageCheck(
                "outside_list",
                "Stage not in the agreed stage list (no stage "
                "list set: define it under audits.stage_definitions)",
                0,
                False,
            )
        )
    add("missing_stage", "No stage at all", stage_key.eq(""))

    # 2. Probability out of range or unlike the stage's (defined or usual) probability.
    add("probability_out_of_range", "Probability outside 0-100", (prob < 0) | (prob > 100))
    expected = by_key(
        {k: d.probability for k, d in by_name.items() if d.probability is not None}
    )
    usual = {}
    for key, values in prob.groupby(stage_key):
        usual[key] = _mode(values)
    expected = pd.to_numeric(
        expected.where(expected.notna(), by_key(usual)), errors="coerce"
    )
    mismatch = prob.notna() & expected.notna() & ((prob - expected).abs() > 0.5)
    add(
        "probability_mismatch",
        "Probability differs from the stage's "
        + ("defined" if defined else "usual")
        + " probability",
        mismatch,
    )

    # 3. Forecast category inconsistent with the stage or the outcome.
    expected_cat = _norm_category(
        by_key({k: d.forecast_category for k, d in by_name.items()})
    )
    has_cat = category.ne("")
    defined_cat = has_cat & expected_cat.ne("") & category.ne(expected_cat)
    outcome_cat = has_cat & (
        (won & ~category.isin(["closed", "closedwon", "won"]))
        | (closed & ~won & ~category.isin(["omitted", "closedlost", "lost"]))
        | (~closed & category.isin(["closed", "closedwon", "won", "closedlost", "lost"]))
    )
    add(
        "forecast_category_mismatch",
        "Forecast category does not fit the stage or the outcome (won deals: Closed; lost: "
        "Omitted; open deals: never Closed)",
        defined_cat | outcome_cat,
    )

    # 4. Closed-looking stages on records not flagged closed, and the reverse.
    defined_closed = by_key({k: d.is_closed for k, d in by_name.items()})
    closed_words = category_text(
        opps["stage"], lambda c: c.str.contains(_CLOSED_WORDS), missing=False
    ).astype(bool)
    looks_closed = defined_closed.where(defined_closed.notna(), closed_words)
    looks_closed = looks_closed.fillna(False).astype(bool)
    add(
        "closed_not_flagged",
        "Closed stage (or won flag) on a record not flagged closed",
        (looks_closed | won) & ~closed,
    )
    defined_open = defined_closed.eq(False)
    add(
        "open_stage_flagged_closed",
        "Record flagged closed while its stage is an open stage",
        defined_open & closed,
    )

    # 5. One stage name, different probabilities across pipelines or teams.
    profiles: list[StageProfile] = []
    frame = pd.DataFrame(
        {"stage": stage, "key": stage_key, "prob": prob, "pipeline": pipeline, "team": team}
    )
    varies_stages = []
    for key, group in frame[frame["key"].ne("")].groupby("key"):
        by_pipeline = {
            str(p): v for p, g in group.groupby("pipeline") if (v := _mode(g["prob"])) is not None
        }
        by_team = {
            str(t): v for t, g in group.groupby("team") if (v := _mode(g["prob"])) is not None
        }
        profiles.append(
            StageProfile(
                stage=str(group["stage"].iloc[0]),
                opportunities=len(group),
                usual_probability=usual.get(key),
                probabilities_by_pipeline=by_pipeline,
                probabilities_by_team=by_team,
                defined=(key in by_name) if defined else None,
            )
        )
        if len(set(by_pipeline.values())) > 1 or len(set(by_team.values())) > 1:
            varies_stages.append(key)
    add(
        "probability_varies",
        "Same stage name carries different probabilities across pipelines or teams",
        stage_key.isin(varies_stages),
        [p.stage for p in profiles if p.stage.lower() in varies_stages],
    )
    profiles.sort(key=lambda p: (p.usual_probability is None, p.usual_probability or 0, p.stage))
    return checks, profiles, failing
