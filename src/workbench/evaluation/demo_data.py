"""A scored demo evaluation for the demo engagement and page previews (seeded).

The demo must look like a real evaluation a consultant would bring to a kickoff:
three evaluators who mostly agree and sometimes do not (a few planted 2-point
disagreements), evidence notes that name what was checked, a pilot of the two
front-runners, and costs for every vendor. Prices are invented demo figures, marked
as such in the TCO notes; they are not vendor list prices.
"""

from __future__ import annotations

import numpy as np

from workbench.evaluation import edit
from workbench.evaluation.store import create_evaluation, load_matrix
from workbench.models import Engagement

OBSERVATIONS = {
    1: "not available in the demo",
    2: "only with workarounds",
    3: "meets the requirement",
    4: "shown working with our data",
    5: "clearly best of the shortlist",
}
# Demo prices per seat per year (Rep, Manager, Admin) and one-off implementation, by
# platform option: single platforms in shortlist order, a dual stack pays for both of the
# first two, a CRM-native add-on is cheapest to license and implement.
SINGLE_PRICES = [
    (1600, 2100, 2100, 30_000),
    (1350, 1800, 1800, 24_000),
    (1150, 1500, 1500, 18_000),
    (950, 1250, 1250, 12_000),
]
CRM_NATIVE_PRICES = [(600, 800, 800, 10_000), (500, 700, 700, 8_000)]


def _demo_prices(options: list[str]) -> list[tuple[int, int, int, int]]:
    singles, natives, out = iter(SINGLE_PRICES), iter(CRM_NATIVE_PRICES), []
    for option in options:
        if option == "dual":
            a, b = SINGLE_PRICES[0], SINGLE_PRICES[1]
            out.append(tuple(x + y for x, y in zip(a, b, strict=True)))  # type: ignore[arg-type]
        elif option == "crm-native":
            out.append(next(natives, CRM_NATIVE_PRICES[-1]))
        else:
            out.append(next(singles, SINGLE_PRICES[-1]))
    return out


def _seats(eng: Engagement) -> dict[str, int]:
    """Seats per licence role from the imported CRM users (fallback: a 48-seat team)."""
    seats = {"Rep": 0, "Manager": 0, "Admin": 0}
    try:
        rows = eng.conn.execute(
            "SELECT lower(coalesce(role, '') || ' ' || coalesce(title, '')), count(*) "
            "FROM users WHERE coalesce(is_active, 1) = 1 GROUP BY 1"
        ).fetchall()
    except Exception:  # noqa: BLE001 - an engagement without users is fine
        rows = []
    for text, n in rows:
        if "admin" in text or "ops" in text:
            seats["Admin"] += n
        elif "manager" in text or "director" in text or "vp" in text or "head" in text:
            seats["Manager"] += n
        else:
            seats["Rep"] += n
    if seats["Rep"] == 0:
        seats = {"Rep": 40, "Manager": 6, "Admin": 2}
    seats["Admin"] = max(seats["Admin"], 1)
    return seats


def populate_demo(eng: Engagement, *, seed: int = 7, template: str | None = None) -> int:
    """Create and fill a demo evaluation (scores, evidence, pilot, TCO); returns its id."""
    kind = template or eng.meta().project_kind
    rng = np.random.default_rng(seed)
    eid = create_evaluation(eng, kind)
    m = load_matrix(eng, eid)
    # A "true" quality per vendor and criterion; evaluators see it with a little noise.
    truth = np.clip(np.round(rng.normal(3.6, 0.8, (len(m.vendors), len(m.criteria)))), 2, 5)
    truth[0] = np.clip(truth[0] + 1, 1, 5)  # give the shortlist a clear front-runner...
    truth[1, :3] = np.clip(truth[1, :3] + 1, 1, 5)  # ...and a close challenger
    seats = _seats(eng)
    with eng.atomic():
        for k, e in enumerate(m.evaluators):
            for j, v in enumerate(m.vendors):
                for i, c in enumerate(m.criteria):
                    score = int(np.clip(truth[j, i] + rng.choice([-1, 0, 0, 0, 0, 0, 1]), 1, 5))
                    if (i + 2 * j + 3 * k) % 19 == 0:  # a few planted 2-point disagreements
                        score = int(
                            np.clip(truth[j, i] - 2 if truth[j, i] >= 3 else truth[j, i] + 2, 1, 5)
                        )
                    check = (
                        c.subcriteria[(j + k) % len(c.subcriteria)].name
                        if c.subcriteria
                        else c.name
                    )
                    edit.set_score(
                        eng, m, v.name, c.name, score, e.name, f"{check}: {OBSERVATIONS[score]}."
                    )
        prices = _demo_prices([v.platform_option for v in m.vendors])
        for j, v in enumerate(m.vendors):
            rep, mgr, admin, impl = prices[j]
            for role, price in (("Rep", rep), ("Manager", mgr), ("Admin", admin)):
                edit.set_tco(eng, m, v.name, f"seats.{role}", seats[role])
                edit.set_tco(eng, m, v.name, f"price.{role}", price)
            edit.set_tco(eng, m, v.name, "implementation", impl)
            edit.set_tco(eng, m, v.name, "integration", round(impl * 0.4))
            edit.set_tco(eng, m, v.name, "training", 6_000)
            if j == 0:
                edit.set_tco(eng, m, v.name, "discount", 12)
            eng.conn.execute(
                "UPDATE evaluation_tco SET note = ? WHERE vendor_id = ?",
                ("Demo figures, not vendor list prices.", v.id),
            )
        measured = {
            "Recording quality": "{:.0f}% of calls recorded cleanly",
            "Transcription accuracy": "{:.0f}% word accuracy",
            "Insight value": "{:.0f}% of managers found insights useful",
            "Ease of use": "{:.0f}% of pilot users active weekly",
            "CRM sync reliability": "{:.0f}% of calls synced to the CRM",
        }
        for j, v in enumerate(m.vendors[:2]):  # the pilot covers the two front-runners
            for p in m.pilot_metrics:
                rating = int(np.clip(round(4.4 - 0.6 * j + rng.normal(0, 0.4)), 1, 5))
                value = measured.get(p.name, "{:.0f}%").format(78 + rating * 4 + rng.integers(0, 3))
                edit.set_pilot_result(
                    eng,
                    m,
                    v.name,
                    p.name,
                    rating,
                    value,
                    "2-week pilot, 8 users (reps and managers)",
                )
        edit.apply_pilot(eng, load_matrix(eng, eid))
    return eid
