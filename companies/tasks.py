"""Where the pull task lived before `companies.pulls`: tasks queued by an earlier version are
stored under this path (`companies.tasks.run_pull`), and the worker imports it to run them."""

from companies.pulls.tasks import run_pull

__all__ = ["run_pull"]
