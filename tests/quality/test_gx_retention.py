from __future__ import annotations

from orchestration.quality.gx_retention import prune_run_history


def make_runs(root, suite, run_times):
    for store in (root / "uncommitted" / "validations", root / "uncommitted" / "data_docs" / "local_site" / "validations"):
        for run_time in run_times:
            folder = store / suite / "__none__" / run_time
            folder.mkdir(parents=True)
            (folder / "result.json").write_text("{}")


def kept(root, suite):
    store = root / "uncommitted" / "validations" / suite / "__none__"
    pages = root / "uncommitted" / "data_docs" / "local_site" / "validations" / suite / "__none__"
    names = sorted(p.name for p in store.iterdir())
    assert names == sorted(p.name for p in pages.iterdir())
    return names


def test_only_the_newest_runs_of_each_suite_are_kept_in_the_store_and_the_site(tmp_path):
    runs = [f"202611{day:02d}T060000.000000Z" for day in range(1, 8)]
    make_runs(tmp_path, "fct_indicator_values", runs)
    make_runs(tmp_path, "dim_periods", runs[:2])
    (tmp_path / "uncommitted" / "validations" / ".ge_store_backend_id").write_text("store id")

    removed = prune_run_history(tmp_path, "local_site", keep_runs=3)

    assert removed == 2 * 4
    assert kept(tmp_path, "fct_indicator_values") == runs[-3:]
    assert kept(tmp_path, "dim_periods") == runs[:2]
    assert (tmp_path / "uncommitted" / "validations" / ".ge_store_backend_id").read_text() == "store id"


def test_a_context_never_validated_has_nothing_to_prune(tmp_path):
    assert prune_run_history(tmp_path, "local_site") == 0
