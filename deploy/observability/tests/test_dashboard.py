"""The Grafana dashboard: well-formed for import or provisioning, every panel wired to the
`$datasource` variable with queries, and no variable used that it does not define."""

from __future__ import annotations

import json
import re
from typing import Any

from .conftest import DASHBOARD

DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
GRID_WIDTH = 24
_VARIABLE = re.compile(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]")


def variables_used(text: str) -> set[str]:
    """Grafana variables in `text`, Grafana's own ($__rate_interval, $__interval, …) left out."""
    names = {next(name for name in found if name) for found in _VARIABLE.findall(text)}
    return {name for name in names if not name.startswith("__")}


def test_it_is_json_of_schema_version_39_with_a_stable_uid(dashboard: dict[str, Any]) -> None:
    assert json.loads(DASHBOARD.read_text(encoding="utf-8")) == dashboard
    assert dashboard["schemaVersion"] == 39
    assert dashboard["uid"] == "casia-overview"
    assert dashboard["title"]
    assert "id" not in dashboard or dashboard["id"] is None


def test_it_defines_a_prometheus_datasource_variable_and_a_job_variable(dashboard: dict[str, Any]) -> None:
    variables = {variable["name"]: variable for variable in dashboard["templating"]["list"]}

    assert set(variables) == {"datasource", "job"}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "prometheus"
    assert variables["job"]["type"] == "query"
    assert variables["job"]["datasource"] == DATASOURCE
    assert variables["job"]["includeAll"] and variables["job"]["multi"]


def test_every_panel_reads_the_datasource_variable_with_queries(panels: list[dict[str, Any]]) -> None:
    assert len(panels) >= 15
    for panel in panels:
        assert panel["datasource"] == DATASOURCE, panel["title"]
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            assert target["expr"].strip(), panel["title"]
            assert target.get("datasource", DATASOURCE) == DATASOURCE, panel["title"]
        ref_ids = [target["refId"] for target in panel["targets"]]
        assert len(set(ref_ids)) == len(ref_ids), panel["title"]


def test_every_query_filters_on_the_job_variable(panels: list[dict[str, Any]]) -> None:
    unfiltered = [
        (panel["title"], target["expr"])
        for panel in panels
        for target in panel["targets"]
        if 'job=~"$job"' not in target["expr"]
    ]

    assert unfiltered == []


def test_panel_ids_and_titles_are_unique(dashboard: dict[str, Any], panels: list[dict[str, Any]]) -> None:
    ids = [panel["id"] for panel in dashboard["panels"]] + [
        panel["id"] for row in dashboard["panels"] for panel in row.get("panels", [])
    ]
    titles = [panel["title"] for panel in panels]

    assert len(set(ids)) == len(ids)
    assert len(set(titles)) == len(titles)


def test_only_the_variables_it_defines_are_used(dashboard: dict[str, Any]) -> None:
    defined = {variable["name"] for variable in dashboard["templating"]["list"]}

    used = variables_used(json.dumps(dashboard["panels"]))
    used |= variables_used(json.dumps(dashboard["templating"]))

    assert used == defined


def test_the_variable_pattern_sees_every_grafana_syntax() -> None:
    assert variables_used("$job ${datasource} ${job:regex} [[old]] $__rate_interval ${__range}") == {
        "job",
        "datasource",
        "old",
    }


def test_panels_fit_the_grid_without_overlapping(dashboard: dict[str, Any]) -> None:
    taken: set[tuple[int, int]] = set()
    for panel in dashboard["panels"]:
        box = panel["gridPos"]
        assert box["x"] >= 0 and box["x"] + box["w"] <= GRID_WIDTH, panel["title"]
        cells = {
            (x, y) for x in range(box["x"], box["x"] + box["w"]) for y in range(box["y"], box["y"] + box["h"])
        }
        assert not cells & taken, panel["title"]
        taken |= cells


def test_rows_group_the_sections_the_operators_look_for(dashboard: dict[str, Any]) -> None:
    rows = [panel["title"] for panel in dashboard["panels"] if panel["type"] == "row"]

    assert [title.split(" ")[0] for title in rows] == [
        "Targets",
        "Messaging",
        "Outbox",
        "Business",
        "Processes",
    ]
