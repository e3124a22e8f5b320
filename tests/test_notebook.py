"""The analyst notebook runs end to end and saves its chart."""

import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="the docs extra runs the notebook")
nbclient = pytest.importorskip("nbclient", reason="the docs extra runs the notebook")

NOTEBOOK = Path(__file__).parent.parent / "examples" / "county_analyst.ipynb"


def test_notebook_runs_and_saves_chart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMI_CARE_NOTEBOOK_OUT", str(tmp_path))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(
        tmp_path)}})
    client.execute()
    chart = tmp_path / "township_targets.png"
    assert chart.exists() and chart.stat().st_size > 10_000
    outputs = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "3,000 patients loaded" in outputs and "overdue follow-ups" in outputs
    # the analyst's tables show township names (areas.csv written beside the registry), not bare codes
    tables = [o["data"]["text/plain"] for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if "text/plain" in o.get("data", {})]
    assert "360102001 东湖街道" in tables[0] and "在册患者规范管理率" in tables[0]
    assert "在册患者管理率" in tables[1] and "2025Q4" in tables[1]
    assert "0 area names" not in outputs
    assert os.environ["SMI_CARE_NOTEBOOK_OUT"] == str(tmp_path)
