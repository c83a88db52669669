"""The season core: its state machine, the weekly service around the engine's `run_week`,
the runner that executes workflow steps, and the Celery tasks."""
