from __future__ import annotations

from django_tasks import task

from companies import pulls


@task()
def run_pull(pull_id: str) -> str | None:
    return pulls.pull_run(pull_id=pull_id)
