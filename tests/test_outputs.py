"""Clean outputs: the same inputs in two checkouts give the same results.json (issue 14, item 4)."""

from __future__ import annotations

import json
import shutil

from iece.pipeline import runner

from .test_spine import FIXTURE


def test_results_are_byte_identical_across_checkouts_apart_from_the_run_stamp(tmp_path):
    """Two checkouts at different paths, same inputs: the same results.json but for timings."""
    texts = []
    for name in ("a", "b"):
        root = tmp_path / name / "project"
        shutil.copytree(FIXTURE, root)
        (root / "notebooks" / "bad.ipynb").unlink()
        runner.run(runner.Project(root), progress=False)
        data = json.loads((root / "build" / "results.json").read_text())
        assert set(data["run_stamp"]) == {"runtime_s"}
        data.pop("run_stamp")
        texts.append(json.dumps(data, indent=1))
    assert texts[0] == texts[1]
    assert str(tmp_path) not in texts[0]
