"""`make dashboard`: set Superset up on first use, then serve the department's dashboards locally.

Runs with the pipeline's Python (it reads the warehouse settings the pipeline reads, so the tool
always points at what the pipeline publishes) and drives Superset in its own environment, installed
from `dashboards/uv.lock` into `.tools/dashboards-venv-<lock hash>`: Superset's hundreds of
dependencies never touch the pipeline's lock, and a changed lock gets a fresh environment.

Set-up on first use, in DASHBOARDS_HOME (`.dashboards_home/`): `superset db upgrade`, `superset
init`, a local administrator (for imports and for officers who log in to save their own charts),
then the dashboards-as-code in `dashboards/bundle/` are imported with a read-only connection to the
published warehouse. The import is repeated whenever the bundle or the connection changes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from orchestration.lib.settings import REPO_ROOT, load_settings

DASHBOARDS_DIR = REPO_ROOT / "dashboards"
BUNDLE_DIR = DASHBOARDS_DIR / "bundle"
UV = REPO_ROOT / ".tools" / "uv" / "bin" / "uv"
DEFAULT_HOME = REPO_ROOT / ".dashboards_home"
DEFAULT_PORT = 8088
OVERVIEW_SLUG = "tong-quan-tinh"
ADMIN_USER = "admin"


def venv_dir() -> Path:
    """One environment per lock: the tests and `make dashboard` share it, a new lock installs anew."""
    lock_hash = hashlib.sha256((DASHBOARDS_DIR / "uv.lock").read_bytes()).hexdigest()[:12]
    return REPO_ROOT / ".tools" / f"dashboards-venv-{lock_hash}"


def install(venv: Path) -> None:
    if (venv / ".synced").exists():
        return
    print(f"Đang cài Superset / Installing Superset into {venv} …", flush=True)
    environment = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(venv), "UV_COMPILE_BYTECODE": "1"}
    subprocess.run([str(UV), "sync", "--locked", "--python", "3.11", "--project", str(DASHBOARDS_DIR)],
                   check=True, env=environment)
    (venv / ".synced").touch()


def warehouse_connection(environ: dict[str, str]) -> dict[str, str]:
    """The read-only connection Superset gets: the PostgreSQL target when the pipeline publishes to
    one, otherwise the published DuckDB file opened read-only (so publishing is never blocked)."""
    settings = load_settings(environ)
    if settings.postgres is not None:
        url = settings.postgres.url.split("://", 1)[1]
        return {
            "uri": f"postgresql+psycopg2://{url}",
            "extra": json.dumps({"engine_params": {"connect_args": {
                "options": "-c default_transaction_read_only=on"}}}),
        }
    published = settings.paths.published_db
    if not published.exists():
        raise SystemExit(f"Chưa có kho đã công bố / nothing published yet: {published} — run `make run` first.")
    return {
        "uri": f"duckdb:///{published}",
        "extra": json.dumps({"engine_params": {"connect_args": {"read_only": True}}}),
    }


def superset_environment(home: Path, environ: dict[str, str]) -> dict[str, str]:
    return {**environ, "DASHBOARDS_HOME": str(home), "FLASK_APP": "superset",
            "SUPERSET_CONFIG_PATH": str(DASHBOARDS_DIR / "superset_config.py")}


def admin_password(home: Path, environ: dict[str, str]) -> str:
    """DASHBOARD_ADMIN_PASSWORD when set; otherwise a random one kept in the home, readable by its
    owner only (the dashboards open without a login; the administrator is for saving charts)."""
    if environ.get("DASHBOARD_ADMIN_PASSWORD"):
        return environ["DASHBOARD_ADMIN_PASSWORD"]
    stored = home / "admin_password"
    if not stored.exists():
        stored.write_text(secrets.token_urlsafe(16))
        stored.chmod(0o600)
    return stored.read_text().strip()


def bundle_fingerprint(connection: dict[str, str]) -> str:
    digest = hashlib.sha256(json.dumps(connection, sort_keys=True).encode())
    for path in sorted(BUNDLE_DIR.rglob("*.yaml")):
        digest.update(str(path.relative_to(BUNDLE_DIR)).encode() + path.read_bytes())
    return digest.hexdigest()


def run_logged(command: list[str], environment: dict[str, str], log: Path) -> None:
    """Superset's own logging (hundreds of migration lines) goes to a file; a failure prints its end."""
    with log.open("a", encoding="utf-8") as output:
        completed = subprocess.run(command, env=environment, stdout=output, stderr=subprocess.STDOUT)
    if completed.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-40:]
        raise SystemExit("\n".join([*tail, f"Lỗi / failed: {' '.join(command[:3])} — see {log}"]))


def set_up(home: Path, environ: dict[str, str]) -> Path:
    """Install, create the metadata and import the dashboards; every step is skipped once done."""
    venv = venv_dir()
    install(venv)
    home.mkdir(parents=True, exist_ok=True)
    connection = warehouse_connection(environ)
    environment = superset_environment(home, environ)
    superset = str(venv / "bin" / "superset")
    log = home / "setup.log"
    if not (home / ".initialised").exists():
        print(f"Đang tạo cơ sở dữ liệu metadata / creating Superset's metadata (log: {log}) …", flush=True)
        run_logged([superset, "db", "upgrade"], environment, log)
        run_logged([superset, "fab", "create-admin", "--username", ADMIN_USER, "--firstname", "Quản trị",
                    "--lastname", "Kho dữ liệu", "--email", "admin@localhost",
                    "--password", admin_password(home, environ)], environment, log)
        run_logged([superset, "init"], environment, log)
        (home / ".initialised").touch()
    fingerprint = bundle_fingerprint(connection)
    stamp = home / ".imported"
    if not stamp.exists() or stamp.read_text() != fingerprint:
        print("Đang nạp dashboards / importing the dashboards-as-code …", flush=True)
        run_logged([str(venv / "bin" / "python"), str(DASHBOARDS_DIR / "import_bundle.py"), str(BUNDLE_DIR),
                    ADMIN_USER], {**environment, "DASHBOARD_WAREHOUSE_URI": connection["uri"],
                                  "DASHBOARD_WAREHOUSE_EXTRA": connection["extra"]}, log)
        stamp.write_text(fingerprint)
    return venv


def serve_command(venv: Path, port: int) -> list[str]:
    """gunicorn with threads on the loopback interface only: the Public role needs no login."""
    return [str(venv / "bin" / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "2",
            "--worker-class", "gthread", "--threads", "8", "--timeout", "120",
            "--limit-request-line", "0", "--limit-request-field_size", "0", "superset.app:create_app()"]


def overview_url(port: int) -> str:
    return f"http://localhost:{port}/superset/dashboard/{OVERVIEW_SLUG}/"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["setup", "serve", "export"])
    args = parser.parse_args(argv)
    environ = dict(os.environ)
    home = Path(environ.get("DASHBOARDS_HOME") or DEFAULT_HOME).resolve()
    port = int(environ.get("DASHBOARD_PORT") or DEFAULT_PORT)
    venv = set_up(home, environ)
    environment = superset_environment(home, environ)
    if args.command == "export":
        subprocess.run([str(venv / "bin" / "python"), str(DASHBOARDS_DIR / "export_bundle.py"), str(BUNDLE_DIR),
                        ADMIN_USER], check=True, env=environment)
    elif args.command == "serve":
        print(f"Dashboards: {overview_url(port)}  (Ctrl+C để dừng / to stop)", flush=True)
        command = serve_command(venv, port)
        os.execve(command[0], command, environment)


if __name__ == "__main__":
    sys.exit(main())
