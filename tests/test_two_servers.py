"""Two gunicorn servers on one PostgreSQL database, as behind a load balancer: a session, a
Link flow and an idempotent create each work whichever server answers each request.

PostgreSQL only (SQLite is one file on one machine); the servers share the test database.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from companies.models import Company, DataConnection
from portal.services import api_key_create

ROOT = Path(__file__).resolve().parent.parent
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def servers():
    if connection.vendor != "postgresql":
        pytest.skip("two servers share a PostgreSQL database")
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "true",
        "SECRET_KEY": "two-servers-" + "x" * 50,  # the same on both, as in production
        "ALLOWED_HOSTS": "127.0.0.1",
        "PUBLIC_BASE_URL": "http://127.0.0.1",
    }
    ports = [_free_port(), _free_port()]
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    processes = [
        subprocess.Popen(
            [gunicorn, "portal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        deadline = time.monotonic() + 60
        for base in bases:
            while True:
                try:
                    requests.get(base + "/login/", timeout=20)
                    break
                except (requests.ConnectionError, requests.Timeout):
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
        yield bases
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def test_a_session_made_on_one_server_works_on_the_other(servers):
    a, b = servers
    # Hashed as the servers' settings hash (the tests' own hasher is a fast one they lack).
    password = PBKDF2PasswordHasher().encode("a-long-password-1", "two-servers-salt")
    get_user_model().objects.create_superuser("staff", "", None)
    get_user_model().objects.filter(username="staff").update(password=password)
    browser = requests.Session()
    token = CSRF.search(browser.get(a + "/login/").text).group(1)
    logged_in = browser.post(
        a + "/login/",
        {"username": "staff", "password": "a-long-password-1", "csrfmiddlewaretoken": token},
        headers={"Referer": a + "/login/"},
        allow_redirects=False,
    )
    assert logged_in.status_code == 302
    page = browser.get(b + "/companies/", allow_redirects=False)
    assert page.status_code == 200
    assert "Companies" in page.text


def test_an_idempotent_create_is_one_company_across_servers(servers):
    a, b = servers
    _, key = api_key_create(name="sign-up service")
    headers = {"X-API-KEY": key, "Idempotency-Key": "signup-4711"}
    first = requests.post(a + "/api/companies", json={"name": "Acme"}, headers=headers, timeout=30)
    again = requests.post(b + "/api/companies", json={"name": "Acme"}, headers=headers, timeout=30)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Company.objects.filter(name="Acme").count() == 1


def test_a_link_flow_hops_between_servers(servers):
    a, b = servers
    _, key = api_key_create(name="sign-up service")
    company = requests.post(
        a + "/api/companies",
        json={"name": "Platypus Properties"},
        headers={"X-API-KEY": key},
        timeout=30,
    ).json()
    link_path = urlsplit(company["redirect"]).path
    end_user = requests.Session()

    start = end_user.get(a + link_path)
    assert start.status_code == 200
    chosen = end_user.post(
        b + link_path + "platforms/xero/",
        {"csrfmiddlewaretoken": CSRF.search(start.text).group(1)},
        headers={"Referer": b + link_path},
        allow_redirects=False,
    )
    assert chosen.status_code == 302
    consent_path = urlsplit(chosen.headers["Location"]).path
    consent = end_user.get(a + consent_path)
    assert consent.status_code == 200
    done = end_user.post(
        b + consent_path,
        {"choice": "allow", "csrfmiddlewaretoken": CSRF.search(consent.text).group(1)},
        headers={"Referer": b + consent_path},
        allow_redirects=False,
    )
    assert done.status_code == 302
    linked = DataConnection.objects.get(company_id=company["id"], platform="xero")
    assert linked.status == "Linked"
