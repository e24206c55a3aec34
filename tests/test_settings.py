"""Production settings are safe by default and come from the environment only."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    drop = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT"}
    clean = {k: v for k, v in os.environ.items() if k not in drop}
    clean["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_without_secret_key_production_refuses_to_start(database_url):
    result = run_manage("check", DATABASE_URL=database_url)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def deploy_check(**env: str) -> subprocess.CompletedProcess:
    """``check --deploy`` under production settings, failing on any warning."""
    production = {"SECRET_KEY": "p" + "-x9Qz" * 12, "ALLOWED_HOSTS": "adressbok.example.se"}
    return run_manage("check", "--deploy", "--fail-level", "WARNING", **production, **env)


def test_deploy_check_passes_under_production_settings(database_url):
    result = deploy_check(DATABASE_URL=database_url, DATABASE_OWNER_URL=os.environ["DATABASE_OWNER_URL"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_warns_while_one_role_owns_the_tables_and_runs_the_application(database_url):
    # given a deployment that has not split its database roles: DATABASE_URL only
    result = deploy_check(DATABASE_URL=database_url, DATABASE_OWNER_URL="")

    # then it still starts, but the deploy check says that the roles should be split
    assert result.returncode != 0
    assert "addressbook.W001" in result.stderr
    assert "DATABASE_OWNER_URL is not set" in result.stderr
