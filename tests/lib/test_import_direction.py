"""Data flows one way, and so do imports.

inbox → ingest → dbt (transform) → rules and checks (quality) → publish → readers (reports, alerts).
A stage folder may import `orchestration.lib` — the shared domain rules and tools — and
`orchestration.transform` for the dbt asset keys it depends on; never a sibling stage or a later one.
Only the assembly modules at the top (`definitions.py`, `run_pipeline.py`) see every stage.
The walk covers every import, including those inside functions, so a late import cannot hide a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "orchestration"

# What each folder of orchestration/ may import besides itself. Written out, not derived: changing
# the direction of the data flow is a decision to make here, in review, not a side effect.
ALLOWED_IMPORTS: dict[str, frozenset[str]] = {
    "lib": frozenset(),
    "demo": frozenset({"lib"}),        # writes what units send: before ingest
    "templates": frozenset({"lib"}),   # blank workbooks units fill in: before ingest
    "ingest": frozenset({"lib"}),
    "transform": frozenset({"lib"}),
    "quality": frozenset({"lib", "transform"}),
    "publish": frozenset({"lib", "transform"}),
    "reports": frozenset({"lib", "transform"}),
    "alerts": frozenset({"lib", "transform"}),
    "automation": frozenset({"lib", "transform"}),
}
TOP_LEVEL_ASSEMBLY = {"definitions", "run_pipeline", "__init__"}


def imported_orchestration_folders(source: Path) -> set[str]:
    """The first component after `orchestration.` of every absolute import in one module."""
    folders = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"), filename=str(source))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.ImportFrom):
            raise AssertionError(f"{source}: relative import; write the absolute module path")
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "orchestration" and len(parts) > 1:
                folders.add(parts[1])
    return folders


def stage_modules() -> list[Path]:
    return sorted(path for path in PACKAGE.rglob("*.py") if path.parent != PACKAGE)


def test_every_stage_folder_has_a_declared_direction():
    folders = {path.relative_to(PACKAGE).parts[0] for path in stage_modules()}
    assert folders == set(ALLOWED_IMPORTS), "declare a new folder's allowed imports in ALLOWED_IMPORTS"


@pytest.mark.parametrize("module", stage_modules(), ids=lambda path: str(path.relative_to(PACKAGE)))
def test_stage_imports_only_lib_and_earlier_dbt_keys(module: Path):
    folder = module.relative_to(PACKAGE).parts[0]
    imported = imported_orchestration_folders(module) - {folder}
    forbidden = imported - ALLOWED_IMPORTS[folder]
    assert not forbidden, f"orchestration/{folder} may import only {sorted(ALLOWED_IMPORTS[folder])}, not {sorted(forbidden)}"


def test_the_walk_sees_function_level_imports(tmp_path):
    """The check above must be able to fail: an import inside a function counts."""
    module = tmp_path / "late.py"
    module.write_text("def f():\n    from orchestration.alerts.reminders import x\n", encoding="utf-8")
    assert imported_orchestration_folders(module) == {"alerts"}


def test_top_level_holds_only_the_assembly():
    assert {path.stem for path in PACKAGE.glob("*.py")} <= TOP_LEVEL_ASSEMBLY
