# Shortcuts for the scripts in scripts/ (the README's two commands work without make).
.PHONY: run test lint benchmark

run:
	scripts/run

test:
	scripts/test

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

benchmark:
	.venv/bin/python manage.py benchmark_import
