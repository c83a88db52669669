"""Where the generated sample data lives (git-ignored: it regenerates in about 2 s)."""

from pathlib import Path

from django.conf import settings

SAMPLE_DIR: Path = settings.SAMPLE_DATA_DIR
