"""Every audit figure on the demo and on a small generated scale engagement, equal to
the last digit to the figures frozen before the audits' loading was reworked for
scale (issue 20: group-bys in SQL, bounded memory).

The frozen files hold each audit's whole result as the stored run would (``to_jsonable``:
floats as Python writes them, so any change in the last digit shows). To refreeze after
a deliberate change of a figure (never to make a speed-up pass):

    python tests/audits/test_audits_frozen_figures.py
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
from tests.frozen_figures import differences, freeze, read_frozen

from workbench.audits import common, run_audits
from workbench.models import Engagement
from workbench.models.runs import to_jsonable

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
FROZEN = {"demo": HERE / "data" / "demo_audit_figures.json.gz",
          "scale": HERE / "data" / "scale_audit_figures.json.gz"}  # fmt: skip


def _figures(path: Path) -> dict:
    with Engagement.open(path) as eng:
        run = run_audits(eng, record=False)
    # through JSON text, as a stored run goes, so the comparison sees what a face sees
    return json.loads(json.dumps({k: to_jsonable(v) for k, v in run.results.items()}))


def _scale_engagement(out: Path) -> Path:
    spec = importlib.util.spec_from_file_location(
        "gen_scale_frozen", REPO / "bench" / "gen_scale.py"
    )
    gen_scale = importlib.util.module_from_spec(spec)
    sys.modules["gen_scale_frozen"] = gen_scale
    spec.loader.exec_module(gen_scale)
    result = gen_scale.generate(out, opportunities=4_000, accounts=1_000, seed=7, engagement=True,
                                activities_per_opportunity=4.0, shuffle=True,
                                log=lambda *_: None)  # fmt: skip
    return Path(result["engagement"])


def test_demo_audit_figures_equal_the_frozen_ones(demo_file):
    frozen, now = read_frozen(FROZEN["demo"]), _figures(demo_file)
    assert set(now) == {"crm-hygiene", "capture", "baselines", "maintenance", "matching"}
    assert differences(frozen, now) == []


@pytest.mark.parametrize("block", [None, 997])
def test_scale_audit_figures_equal_the_frozen_ones(tmp_path, monkeypatch, block):
    """Also with tables read in many small blocks (``QUERY_BLOCK``): the same figures."""
    if block is not None:
        monkeypatch.setattr(common, "QUERY_BLOCK", block)
    frozen, now = read_frozen(FROZEN["scale"]), _figures(_scale_engagement(tmp_path))
    assert now["baselines"]["quarters"] and now["capture"]["total"] > 0
    assert differences(frozen, now) == []


def _refreeze() -> None:  # pragma: no cover - a deliberate, manual step
    import tempfile

    from workbench.demo import build_demo

    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(build_demo(Path(tmp) / "demo", with_package=False)["engagement"])
        scale = _scale_engagement(Path(tmp) / "scale")
        for name, path in (("demo", demo), ("scale", scale)):
            freeze(FROZEN[name], _figures(path))


if __name__ == "__main__":  # pragma: no cover
    _refreeze()
