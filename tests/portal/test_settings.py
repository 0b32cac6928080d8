from __future__ import annotations

import os
import subprocess
import sys

from cryptography.fernet import Fernet

from tests.support import PROJECT_ROOT


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        CREDENTIALS_KEYS=Fernet.generate_key().decode(),
        ALLOWED_HOSTS="causeway.example.com",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DEBUG="false", ALLOWED_HOSTS="causeway.example.com")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_a_bad_database_url_is_a_clear_error():
    result = _manage("check", DATABASE_URL="nonsense://x")
    assert result.returncode != 0
    assert "DATABASE_URL is not a database URL" in result.stderr


def test_an_empty_database_url_means_the_default_sqlite_file():
    result = _manage("check", DATABASE_URL="", DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_a_bad_trusted_proxy_is_a_clear_error():
    result = _manage("check", TRUSTED_PROXIES="10.0.0.0/8,proxy.example.com")
    assert result.returncode != 0
    assert "TRUSTED_PROXIES: 'proxy.example.com' is not an IP address or network" in result.stderr


def test_a_login_failure_limit_below_one_is_a_clear_error():
    result = _manage("check", LOGIN_FAILURE_LIMIT="0")
    assert result.returncode != 0
    assert "LOGIN_FAILURE_LIMIT must be at least 1." in result.stderr


def test_an_unknown_log_level_is_a_clear_error():
    result = _manage("check", LOG_LEVEL="LOUD")
    assert result.returncode != 0
    assert "LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL." in result.stderr
