from __future__ import annotations

from django_tasks import task

from companies.pulls import worker


@task()
def run_pull(pull_id: str) -> str | None:
    return worker.pull_run(pull_id=pull_id)
