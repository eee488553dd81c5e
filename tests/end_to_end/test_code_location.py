"""The code location as an engineer meets it: `dagster definitions validate` and `dagster dev`."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request

from orchestration.lib.settings import REPO_ROOT
from tests.conftest import VENV_BIN, warehouse_environment

UI_QUERY = """
{
  repositoriesOrError { ... on RepositoryConnection { nodes {
    schedules { name scheduleState { status } }
    sensors { name sensorState { status } }
    assetNodes { assetKey { path } groupName assetChecksOrError { ... on AssetChecks { checks { name } } } }
  } } }
  instance { daemonHealth { allDaemonStatuses { daemonType healthy required } } }
}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def query_ui(port: int) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": UI_QUERY}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["data"]


def test_definitions_validate():
    completed = subprocess.run(
        [str(VENV_BIN / "dagster"), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_dagster_dev_serves_assets_checks_schedule_sensor_and_daemon(tmp_path):
    dagster_home = tmp_path / "dagster_home"
    dagster_home.mkdir()
    shutil.copy(REPO_ROOT / "orchestration" / "dagster.yaml", dagster_home / "dagster.yaml")
    port = free_port()
    environment = {**os.environ, **warehouse_environment(tmp_path), "DAGSTER_HOME": str(dagster_home)}
    server = subprocess.Popen(
        [str(VENV_BIN / "dagster"), "dev", "-w", "workspace.yaml", "-p", str(port), "-h", "127.0.0.1"],
        cwd=REPO_ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        data = None
        while time.monotonic() < deadline:
            try:
                data = query_ui(port)
                daemons = data["instance"]["daemonHealth"]["allDaemonStatuses"]
                if data["repositoriesOrError"]["nodes"] and all(d["healthy"] for d in daemons if d["required"]):
                    break
            except (OSError, KeyError, TypeError):
                pass
            time.sleep(2)
        assert data, "dagster dev never answered"
        repository = data["repositoriesOrError"]["nodes"][0]
        asset_keys = {"/".join(node["assetKey"]["path"]) for node in repository["assetNodes"]}
        assert {"raw/submissions", "marts/fct_indicator_values", "published_warehouse", "unit_feedback"} <= asset_keys
        # The dbt models show the layers data flows through, not one `default` group.
        dbt_layers = ("staging", "intermediate", "marts")
        dbt_groups = {
            (node["assetKey"]["path"][0], node["groupName"])
            for node in repository["assetNodes"] if node["assetKey"]["path"][0] in dbt_layers
        }
        assert dbt_groups == {(layer, layer) for layer in dbt_layers}
        checks = {
            check["name"]
            for node in repository["assetNodes"]
            for check in (node["assetChecksOrError"] or {}).get("checks", [])
        }
        assert checks, "asset checks must be visible in the UI"
        schedules = {(s["name"], s["scheduleState"]["status"]) for s in repository["schedules"]}
        sensors = {(s["name"], s["sensorState"]["status"]) for s in repository["sensors"]}
        assert {("monthly_after_deadline", "RUNNING"), ("daily_reminders", "RUNNING")} <= schedules
        assert {("inbox_sensor", "RUNNING"), ("engineer_on_run_failure", "RUNNING")} <= sensors
        daemons = {d["daemonType"]: d["healthy"] for d in data["instance"]["daemonHealth"]["allDaemonStatuses"] if d["required"]}
        assert daemons.get("SCHEDULER") and daemons.get("SENSOR"), daemons
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
