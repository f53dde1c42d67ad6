"""The duplicate-account model: Fellegi-Sunter weights with Splink on DuckDB.

Each candidate pair (from the blocking in ``dedup_blocking``) is compared field by
field. Every comparison has levels, from strong agreement to disagreement; each level
has an *m* probability (how often true duplicates land there) and a *u* probability
(how often two different companies do). A level's weight is ``log2(m/u)``: positive
for evidence that the two records are one company, negative against. The pair's
match weight is the prior plus the sum of its levels' weights; its probability
follows from it.

*u* is estimated from random pairs of the customer's own accounts (nearly all of
which are different companies); *m* by expectation maximisation over the pairs that
share a domain and over those that share a name (each pass estimates the fields it
did not block on). Below ``MIN_TRAINING_ACCOUNTS`` accounts the stated defaults are
used instead. The consultant's same/different decisions count as labelled pairs: the
*m* probabilities are re-estimated from the pairs marked "same" and mixed with the
estimated ones in proportion to how many there are.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

MIN_TRAINING_ACCOUNTS = 2_000
LABEL_WEIGHT = 50  # decided pairs that make the labelled m count as much as EM's


def _within(column: str, k: int) -> str:
    """``damerau_levenshtein(l.column, r.column) <= k``, first ruling out (cheaply) the
    pairs that cannot be that close: an edit distance is never below the difference of
    the lengths, nor below the count of one text's letters that the other lacks at all
    (each must be deleted or replaced, one edit each; ``translate`` drops the letters
    the other has). The level is the same; DuckDB evaluates a CASE's conditions and an
    AND's terms only on the rows still undecided, so the costly distance is skipped on
    nearly all the random pairs that estimate u."""
    return (f"(abs(length(l.{column}) - length(r.{column})) <= {k} AND "
            f"length(translate(l.{column}, r.{column}, '')) <= {k} AND "
            f"length(translate(r.{column}, l.{column}, '')) <= {k} AND "
            f"damerau_levenshtein(l.{column}, r.{column}) <= {k})")  # fmt: skip


def _level(
    sql: str, label: str, m: float, u: float, *, null: bool = False, fix_u: bool = False
) -> dict:
    # Written as l.column / r.column for reading; Splink wants column_l / column_r.
    sql = re.sub(r"\b([lr])\.(\w+)", r"\2_\1", sql)
    level = {"sql_condition": sql, "label_for_charts": label}
    if null:
        level["is_null_level"] = True
    else:
        level["m_probability"] = m
        level["u_probability"] = u
        if fix_u:
            level["fix_u_probability"] = True
    return level


def _null(*columns: str) -> dict:
    sql = " OR ".join(f"{side}.{c} IS NULL" for c in columns for side in ("l", "r"))
    return _level(sql, "missing", 0, 0, null=True)


def _simple(column: str, agree: str, differ: str, m: float, u: float) -> dict:
    return {
        "output_column_name": column,
        "comparison_levels": [
            _null(column),
            _level(f"l.{column} = r.{column}", agree, m, u),
            _level("ELSE", differ, 1 - m, 1 - u),
        ],
    }


# Each level's text is what a pair's explanation says ("country differs: -4.1").
# u of most levels is estimated from random pairs of the customer's accounts; the
# "words" levels compare pairs that are already candidates (their names are alike), so
# their u is stated for such pairs and kept fixed.
_SLIP = _within("name_squash", 2)
_ONLY_L = "list_filter(l.words, x -> NOT list_contains(r.words, x))"
_ONLY_R = "list_filter(r.words, x -> NOT list_contains(l.words, x))"
COMPARISONS = [
    {
        "output_column_name": "name",
        "comparison_levels": [
            _null("name_core"),
            _level("l.name_norm = r.name_norm", "name identical after normalising", 0.5, 1e-5),
            _level("l.name_core = r.name_core", "name identical once group words are dropped",
                   0.01, 5e-6),
            _level(r"regexp_extract_all(l.name_core, '\d+') <> "
                   r"regexp_extract_all(r.name_core, '\d+')",
                   "the names carry different numbers", 0.0005, 0.01, fix_u=True),
            _level("l.name_squash = r.name_squash", "name the same letters spaced differently",
                   0.08, 1e-6),
            _level("l.words = r.words", "name the same words in another order", 0.04, 1e-6),
            _level("length(l.name_core) = length(r.name_core) AND "
                   "hamming(l.name_core, r.name_core) = 1", "name has one letter replaced", 0.02,
                   1e-3),
            _level(_within("name_core", 1), "name differs by one letter", 0.12, 5e-4),
            _level(f"length(l.name_core) >= 8 AND {_within('name_core', 2)}",
                   "name differs by two letters", 0.1, 1e-3),
            _level(f"length(l.name_squash) >= 8 AND {_SLIP}",
                   "name differs by a typing slip and spacing", 0.05, 1e-4),
            _level("l.name_squash = r.initials OR r.name_squash = l.initials",
                   "one name is the other's initials", 0.01, 1e-5),
            _level("jaro_winkler_similarity(l.name_core, r.name_core) >= 0.8",
                   "name similar", 0.03, 1e-2),
            _level("ELSE", "name different", 0.02, 0.989),
        ],
    },
    {
        "output_column_name": "words",
        "comparison_levels": [
            _null("name_core"),
            _level(f"l.name_squash = r.name_squash OR (len({_ONLY_L}) = 0 AND len({_ONLY_R}) = 0)",
                   "no word differs", 0.754, 0.3, fix_u=True),
            _level(
                f"{_SLIP} OR (len({_ONLY_L}) = 1 AND len({_ONLY_R}) = 1 AND "
                f"damerau_levenshtein({_ONLY_L}[1], {_ONLY_R}[1]) <= 2)",
                "the differing letters are a misspelling", 0.2, 0.15, fix_u=True,
            ),
            _level(f"len({_ONLY_L}) = 0 OR len({_ONLY_R}) = 0",
                   "one name has an extra word", 0.03, 0.25, fix_u=True),
            # Divisions of a group share the parent's domain and first word; the other
            # words are what tells them apart, so they weigh heavily against.
            _level("ELSE", "the names have different words", 0.001, 0.3, fix_u=True),
        ],
    },
    {
        "output_column_name": "domain",
        "comparison_levels": [
            _null("domain"),
            _level("l.domain = r.domain", "website domain identical", 0.74, 1e-4),
            _level("l.domain_label = r.domain_label", "website on another ending of one name",
                   0.12, 1e-3, fix_u=True),
            _level("length(l.domain_label) >= 5 AND length(r.domain_label) >= 5 AND "
                   "(contains(l.domain_label, r.domain_label) OR "
                   "contains(r.domain_label, l.domain_label))",
                   "one website's name contains the other's", 0.04, 1e-3, fix_u=True),
            # One company in two records is often on two sites (a regional one, an old
            # one, a product's): about one duplicate in ten.
            _level("ELSE", "website domain differs", 0.1, 0.9998),
        ],
    },
    _simple("country", "country identical", "country differs", 0.97, 0.35),
    _simple("city", "city identical", "city differs", 0.85, 0.05),
    _simple("industry", "industry identical", "industry differs", 0.85, 0.1),
    _simple("phone", "phone identical", "phone differs", 0.6, 1e-5),
    {
        "output_column_name": "parent",
        "comparison_levels": [
            _level("NOT coalesce(l.parent = r.crm_id OR r.parent = l.crm_id, FALSE) AND "
                   "(l.parent IS NULL OR r.parent IS NULL)", "missing", 0, 0, null=True),
            _level("l.parent = r.crm_id OR r.parent = l.crm_id",
                   "one account is the other's parent", 1e-6, 1e-4, fix_u=True),
            # Candidates under one parent are far more often sister companies (divisions)
            # than one company entered twice: sharing a parent is weak evidence against.
            _level("l.parent = r.parent", "same parent account", 0.3, 0.45, fix_u=True),
            _level("ELSE", "different parent accounts", 0.7, 0.55, fix_u=True),
        ],
    },
]  # fmt: skip
FIELDS = [c["output_column_name"] for c in COMPARISONS]
# Levels whose every pair shares a blocking key (so is a candidate).
EXHAUSTIVE_LEVELS = {
    "name": ("name identical after normalising", "name identical once group words are dropped",
             "name the same letters spaced differently", "name the same words in another order",
             "name has one letter replaced", "name differs by one letter"),
    "domain": ("website domain identical",),
    "phone": ("phone identical",),
}  # fmt: skip
FIELD_LABELS = {
    "name": "name", "words": "words that differ", "domain": "website", "country": "country",
    "city": "city", "industry": "industry", "phone": "phone", "parent": "parent account",
}  # fmt: skip


@dataclass
class ScoredPairs:
    """Every candidate pair's probability, weight and per-field levels and weights."""

    pairs: pd.DataFrame  # unique_id_l, unique_id_r, match_weight, match_probability, gamma_*, mw_*
    trained: bool
    prior: float
    notes: list[str]
    levels: dict[str, list[tuple[str, float]]]  # field -> (label, weight) from the model
    model: dict  # the Splink model (settings with m and u), for the record


def level_label(levels: list[tuple[str, float]], weight: float) -> str:
    """Which level a field's contribution ``weight`` came from ("missing" when 0)."""
    if abs(weight) < 1e-9:
        return "missing"
    return min(levels, key=lambda lv: abs(lv[1] - weight))[0]


def _level_weights(model: dict) -> dict[str, list[tuple[str, float]]]:
    levels: dict[str, list[tuple[str, float]]] = {}
    for comparison in model["comparisons"]:
        out = levels[comparison["output_column_name"]] = []
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            out.append((level["label_for_charts"], math.log2(m / u) if m and u else 0.0))
    return levels


def _pairs_sharing(values: pd.Series) -> int:
    sizes = values[values != ""].value_counts()
    return int((sizes * (sizes - 1) // 2).sum())


def _count_exhaustive_levels(
    model: dict, predictions: pd.DataFrame, features: pd.DataFrame
) -> bool:
    """Set u of the name levels every pair of which is a candidate to their exact share.

    Random sampling rarely sees two different companies with the same name, so its u
    for those levels is mostly the default. But the blocking files every such pair
    (identical, respaced, reordered, one letter apart), so counting them among the
    candidates gives their share of all n(n-1)/2 pairs (true duplicates included: an
    upper bound, which errs towards weaker evidence).
    """
    n = len(features)
    total = n * (n - 1) / 2
    if not total or predictions.empty:
        return False
    all_weights = _level_weights(model)
    for comparison in model["comparisons"]:
        field = comparison["output_column_name"]
        if field not in EXHAUSTIVE_LEVELS:
            continue
        counts: dict[str, int] = {}
        weights, times = np.unique(predictions[f"mw_{field}"].to_numpy(), return_counts=True)
        for weight, count in zip(weights.tolist(), times.tolist(), strict=True):
            label = level_label(all_weights[field], float(weight))  # once per distinct weight
            counts[label] = counts.get(label, 0) + count
        # Equal values are counted from their groups (a large group is only chained).
        if field == "name":
            norm = _pairs_sharing(features["name_norm"])
            counts["name identical after normalising"] = norm
            counts["name identical once group words are dropped"] = max(
                0, _pairs_sharing(features["name_core"]) - norm
            )
        elif field in ("domain", "phone"):
            counts[EXHAUSTIVE_LEVELS[field][0]] = _pairs_sharing(features[field])
        for level in comparison["comparison_levels"]:
            if level["label_for_charts"] in EXHAUSTIVE_LEVELS[field]:
                level["u_probability"] = max(counts.get(level["label_for_charts"], 0), 1) / total
    return True


def _refit_prior(predictions: pd.DataFrame, prior: float, n: int, rounds: int = 20) -> float:
    """Re-estimate the prior as EM does with m and u held: the expected number of
    duplicates (the sum of the candidates' probabilities) over all pairs; then rescore.

    Pairs that are not candidates share no key and count as (almost) never duplicates.
    """
    total = n * (n - 1) / 2
    if predictions.empty or not total:
        return prior
    logit = math.log2(prior / (1 - prior))
    evidence = predictions["match_weight"].to_numpy() - logit  # the fields' weights alone
    for _ in range(rounds):
        probability = 1 / (1 + 2.0 ** -(evidence + logit))
        new = min(max(float(probability.sum()) / total, 1e-12), 0.5)
        done = abs(math.log2(new) - math.log2(prior)) < 1e-3
        prior, logit = new, math.log2(new / (1 - new))
        if done:
            break
    predictions["match_weight"] = evidence + logit
    predictions["match_probability"] = 1 / (1 + 2.0 ** -(evidence + logit))
    return prior


def _with_nulls(features: pd.DataFrame) -> pd.DataFrame:
    """Blank fields as NULL: Splink's null levels and blocking skip them."""
    out = features.copy()
    for column in out.columns:
        if column not in ("unique_id", "words"):
            out[column] = out[column].where(out[column] != "", None)
    return out


def _prior(features: pd.DataFrame) -> float:
    """Share of all pairs that are duplicates, estimated from exact name + domain groups."""
    n = len(features)
    total = n * (n - 1) / 2
    named = features[features["name_norm"] != ""]
    sizes = named.groupby(["name_norm", "domain"]).size()
    exact = float((sizes * (sizes - 1) / 2).sum())
    # Exact pairs are about a third of the duplicates; between 0.5% and 3% of accounts
    # have a duplicate in any CRM we know of.
    estimate = min(max(exact / 0.3, n * 0.005), n * 0.03)
    return min(0.5, max(1e-9, estimate / total)) if total else 0.5


def score_pairs(
    features: pd.DataFrame,
    candidates: pd.DataFrame,
    labels: pd.DataFrame | None = None,
    *,
    train: bool | None = None,
    seed: int = 1,
) -> ScoredPairs:
    """Score ``candidates`` (unique_id_l < unique_id_r) with a model fitted on ``features``.

    ``labels``: decided pairs (unique_id_l, unique_id_r, same 0/1) that feed the m
    estimates. ``train``: estimate from the data (default: when there are enough accounts).
    """
    import duckdb
    from splink import DuckDBAPI, Linker, SettingsCreator

    logging.getLogger("splink").setLevel(logging.ERROR)
    notes: list[str] = []
    train = len(features) >= MIN_TRAINING_ACCOUNTS if train is None else train
    prior = _prior(features)
    con = duckdb.connect()
    try:
        con.execute("SET threads TO 2")
        con.execute("SET lambda_syntax = 'ENABLE_SINGLE_ARROW'")
        db_api = DuckDBAPI(connection=con)
        table = db_api.register(_with_nulls(features), table_name="accounts_features")
        settings = SettingsCreator(
            link_type="dedupe_only",
            comparisons=COMPARISONS,
            probability_two_random_records_match=prior,
            retain_matching_columns=False,
            retain_intermediate_calculation_columns=True,
            additional_columns_to_retain=[],
            max_iterations=20,
        )
        linker = Linker(table, settings, log_level=None)
        if train:
            linker.training.estimate_u_using_random_sampling(
                max_pairs=1e5, seed=seed, num_chunks=1, min_count_per_level=None
            )
        linker = _feed_labels(linker, table, db_api, labels, notes)
        blocked = candidates.rename(
            columns={"unique_id_l": "join_key_l", "unique_id_r": "join_key_r"}
        ).astype(str)
        blocked.insert(0, "match_key", "0")
        registered = db_api.register(blocked)
        linker.table_management.register_blocked_pairs_for_predict(registered)
        predictions = linker.inference.predict(warning_mode="never").as_pandas_dataframe()
        model = linker.misc.save_model_to_json()
        # The rare name levels are counted over all pairs (blocking finds every one).
        counted = train and _count_exhaustive_levels(model, predictions, features)
        if counted:
            linker = Linker(table, model, log_level=None)
            linker.table_management.register_blocked_pairs_for_predict(registered)
            predictions = linker.inference.predict(warning_mode="never").as_pandas_dataframe()
            model = linker.misc.save_model_to_json()
    finally:
        con.close()
    keep = ["unique_id_l", "unique_id_r", "match_weight", "match_probability"]
    keep += [f"mw_{f}" for f in FIELDS]
    predictions = predictions[keep].astype({"unique_id_l": "int64", "unique_id_r": "int64"})
    levels = _level_weights(model)
    if train:
        prior = _refit_prior(predictions, prior, len(features))
    return ScoredPairs(predictions, train, prior, notes, levels, model)


def _feed_labels(linker, table, db_api, labels: pd.DataFrame | None, notes: list[str]):
    """Mix m estimated from the pairs decided 'same' into the model's m probabilities."""
    from splink import Linker

    if labels is None or labels.empty:
        return linker
    same = labels[labels["same"] == 1]
    if len(same) < 5:
        return linker
    before = linker.misc.save_model_to_json()
    pairs = db_api.register(
        pd.DataFrame({
            "unique_id_l": same["unique_id_l"].astype("int64"),
            "unique_id_r": same["unique_id_r"].astype("int64"),
        })
    )  # fmt: skip
    try:
        linker.training.estimate_m_from_pairwise_labels(pairs)
    except Exception as exc:  # labels that no longer match any account
        notes.append(f"could not learn from the decisions: {exc}")
        return linker
    after = linker.misc.save_model_to_json()
    share = len(same) / (len(same) + LABEL_WEIGHT)
    for c_before, c_after in zip(before["comparisons"], after["comparisons"], strict=True):
        for lv_b, lv_a in zip(c_before["comparison_levels"], c_after["comparison_levels"],
                              strict=True):  # fmt: skip
            m_b, m_a = lv_b.get("m_probability"), lv_a.get("m_probability")
            if m_b is not None and m_a is not None:
                lv_a["m_probability"] = (1 - share) * m_b + share * m_a
            elif m_b is not None:
                lv_a["m_probability"] = m_b
    notes.append(f"{len(same):,} pairs decided 'same' fed the estimates")
    return Linker(table, after, log_level=None)
