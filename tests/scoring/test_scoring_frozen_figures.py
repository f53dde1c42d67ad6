"""The open pipeline's scores and the calibration on the demo and on a synthetic
engagement, equal to the last digit to the figures frozen before scoring was reworked
for 100,000 open deals (issue 20).

To refreeze after a deliberate change of a figure (never to make a speed-up pass):

    python tests/scoring/test_scoring_frozen_figures.py
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.frozen_figures import differences, freeze, read_frozen

from workbench.models import Engagement, EngagementMeta
from workbench.models.runs import to_jsonable
from workbench.scoring.calibration import calibrate
from workbench.scoring.pipeline import score_pipeline
from workbench.scoring.rules import default_rule_set
from workbench.scoring.synthetic import fill_synthetic_history

HERE = Path(__file__).resolve().parent
FROZEN = {"demo": HERE / "data" / "demo_scoring_figures.json.gz",
          "synthetic": HERE / "data" / "synthetic_scoring_figures.json.gz"}  # fmt: skip


def _figures(path: Path) -> dict:
    with Engagement.open(path, read_only=True) as eng:
        scores = score_pipeline(eng, rule_set=default_rule_set())
        calibration = calibrate(eng, rule_set=default_rule_set())
    return json.loads(json.dumps({"scores": to_jsonable(scores),
                                  "calibration": to_jsonable(calibration)}))  # fmt: skip


def _synthetic(out: Path) -> Path:
    path = out / "synthetic.engagement"
    eng = Engagement.create(path, EngagementMeta(customer="Frozen Co"))
    try:
        fill_synthetic_history(eng, n_closed=1500, n_open=700, seed=3)
    finally:
        eng.close()
    return path


def test_demo_scores_and_calibration_equal_the_frozen_ones(demo_file):
    now = _figures(demo_file)
    assert now["scores"]["deals"]
    assert differences(read_frozen(FROZEN["demo"]), now) == []


def test_synthetic_scores_and_calibration_equal_the_frozen_ones(tmp_path):
    now = _figures(_synthetic(tmp_path))
    assert len(now["scores"]["deals"]) == 700
    assert differences(read_frozen(FROZEN["synthetic"]), now) == []


def _refreeze() -> None:  # pragma: no cover - a deliberate, manual step
    import tempfile

    from workbench.demo import build_demo

    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(build_demo(Path(tmp) / "demo", with_package=False)["engagement"])
        synthetic = _synthetic(Path(tmp))
        for name, path in (("demo", demo), ("synthetic", synthetic)):
            freeze(FROZEN[name], _figures(path))


if __name__ == "__main__":  # pragma: no cover
    _refreeze()
