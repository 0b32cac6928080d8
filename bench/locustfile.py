"""Load test: staff on the companies table and company pages, API clients listing, reading and
creating companies, and end users opening Link pages, all at once (docs/benchmarks.md).

    # a staff user and an API key on the database gunicorn serves
    DATABASE_URL=... .venv/bin/python manage.py shell -c "from django.contrib.auth.models \\
        import User; User.objects.create_superuser('load', '', 'load-password-1')"
    DATABASE_URL=... .venv/bin/python manage.py create_api_key load   # prints the key

    # gunicorn's keep-alive longer than the users' pauses, or a reused connection can meet
    # one the server just closed ("Connection reset by peer")
    .venv/bin/gunicorn portal.wsgi --workers 3 --threads 4 --worker-class gthread --keep-alive 30

    LOCUST_USERNAME=load LOCUST_PASSWORD=load-password-1 LOCUST_API_KEY=<key> \\
    .venv/bin/locust -f bench/locustfile.py --host http://127.0.0.1:8000 \\
        --headless --users 50 --spawn-rate 10 --run-time 60s

Every request must succeed: a failed one counts as an error in locust's report.
"""

from __future__ import annotations

import os
import random
import re

from gevent.lock import Semaphore
from locust import HttpUser, between, task

FRAGMENTS = ["harbour", "ltd", "bakery", "lumière", "copper", "fox", "GmbH", "nordic"]
STATUSES = ["PendingAuth", "Linked", "Deauthorized", "Unlinked"]
SORTS = ["name", "-name", "created", "-created"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
COMPANY_LINK = re.compile(r'href="/companies/([0-9a-f-]{36})/"')


def _api_headers() -> dict[str, str]:
    return {"X-API-KEY": os.environ["LOCUST_API_KEY"]}


class Staff(HttpUser):
    """A member of staff browsing the companies table and opening companies."""

    weight = 3
    wait_time = between(0.5, 2)

    # Staff log in once and share the session: checking a password is meant to be slow
    # (PBKDF2), and 25 log-ins in the first seconds measured that rather than the pages.
    _login = Semaphore()
    _session: str | None = None

    def on_start(self) -> None:
        with Staff._login:
            if Staff._session is None:
                page = self.client.get("/login/", name="/login/")
                token = CSRF.search(page.text).group(1)
                self.client.post(
                    "/login/",
                    {
                        "username": os.environ["LOCUST_USERNAME"],
                        "password": os.environ["LOCUST_PASSWORD"],
                        "csrfmiddlewaretoken": token,
                    },
                    headers={"Referer": f"{self.host}/login/"},
                    name="/login/",
                )
                Staff._session = self.client.cookies.get("sessionid")
        self.client.cookies.set("sessionid", Staff._session)
        self.company_ids: list[str] = []

    def _table(self, params: dict, name: str) -> None:
        response = self.client.get("/companies/", params=params, name=name)
        self.company_ids = COMPANY_LINK.findall(response.text) or self.company_ids

    @task(3)
    def first_page(self) -> None:
        self._table({}, "/companies/")

    @task(2)
    def search(self) -> None:
        self._table({"q": random.choice(FRAGMENTS)}, "/companies/?q=[fragment]")

    @task(2)
    def by_status(self) -> None:
        self._table({"status": random.choice(STATUSES)}, "/companies/?status=[status]")

    @task(1)
    def sorted_table(self) -> None:
        self._table({"sort": random.choice(SORTS)}, "/companies/?sort=[sort]")

    @task(1)
    def deep_page(self) -> None:
        self._table({"page": random.randint(100, 5000)}, "/companies/?page=[deep]")

    @task(1)
    def htmx_fragment(self) -> None:
        self.client.get(
            "/companies/",
            params={"q": random.choice(FRAGMENTS)},
            headers={"HX-Request": "true"},
            name="/companies/?q=[fragment] (htmx)",
        )

    @task(3)
    def company_page(self) -> None:
        if self.company_ids:
            company_id = random.choice(self.company_ids)
            self.client.get(f"/companies/{company_id}/", name="/companies/[id]/")

    @task(1)
    def dashboard(self) -> None:
        self.client.get("/", name="/ (dashboard)")


class ApiClient(HttpUser):
    """A sign-up service listing, reading and creating companies through the API."""

    weight = 2
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        self.company_ids: list[str] = []

    @task(3)
    def list_companies(self) -> None:
        params = {"pageSize": 100, "orderBy": random.choice(SORTS)}
        if random.random() < 0.3:
            params["query"] = random.choice(FRAGMENTS)
        response = self.client.get(
            "/api/companies", params=params, headers=_api_headers(), name="/api/companies"
        )
        if response.ok:
            self.company_ids = [c["id"] for c in response.json()["results"]] or self.company_ids

    @task(3)
    def get_company(self) -> None:
        if self.company_ids:
            company_id = random.choice(self.company_ids)
            self.client.get(
                f"/api/companies/{company_id}", headers=_api_headers(), name="/api/companies/[id]"
            )

    @task(1)
    def create_company(self) -> None:
        self.client.post(
            "/api/companies",
            json={"name": f"Load Test {random.randint(1, 10**9)} Ltd"},
            headers=_api_headers(),
            name="/api/companies (create)",
        )


class EndUser(HttpUser):
    """An end user opening the Link URL a company was given, and filtering its platforms."""

    weight = 1
    wait_time = between(1, 3)

    def on_start(self) -> None:
        response = self.client.post(
            "/api/companies",
            json={"name": f"Link Load {random.randint(1, 10**9)} Ltd"},
            headers=_api_headers(),
            name="/api/companies (create)",
        )
        self.link_path = "/" + response.json()["redirect"].split("/", 3)[3]

    @task(3)
    def open_link(self) -> None:
        self.client.get(self.link_path, name="/link/[token]/")

    @task(1)
    def filter_platforms(self) -> None:
        self.client.get(
            self.link_path,
            params={"_filter": "xe"},
            headers={"HX-Request": "true"},
            name="/link/[token]/?_filter (htmx)",
        )
