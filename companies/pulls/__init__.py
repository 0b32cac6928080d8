"""Data pulls: queueing them, the worker's run loop, the task, the portal pages (pull history
and the data browser) and the data API."""
