"""Keeps secrets out of the logs, whatever code logs them (ours, a library's, a traceback)."""

from __future__ import annotations

import logging
import re

from django.conf import settings

REDACTED = "[redacted]"
# Credentials in headers, URLs and key=value pairs: "Token 3f…", "Bearer sk-…",
# "postgres://user:pass@host", "api_key=…".
_PATTERNS = [
    re.compile(r"(?i)\b(token|bearer)\s+[A-Za-z0-9._~+/=-]{8,}"),
    re.compile(r"(?i)(://[^:/@\s]+:)[^@\s]+(@)"),
    re.compile(r"(?i)\b((?:api[_-]?key|password|secret|token)=)[^&\s]+"),
    re.compile(r"\bsk-[A-Za-z0-9_-]{8,}"),
]


def _configured_secrets() -> list[str]:
    values = [settings.SECRET_KEY, settings.OPENAI_API_KEY]
    values += [str(db.get("PASSWORD") or "") for db in settings.DATABASES.values()]
    return [value for value in values if len(value) >= 6]


def redact(text: str) -> str:
    for secret in _configured_secrets():
        text = text.replace(secret, REDACTED)
    text = _PATTERNS[0].sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    text = _PATTERNS[1].sub(lambda m: f"{m.group(1)}{REDACTED}{m.group(2)}", text)
    text = _PATTERNS[2].sub(lambda m: f"{m.group(1)}{REDACTED}", text)
    return _PATTERNS[3].sub(REDACTED, text)


class RedactSecrets(logging.Filter):
    """Renders the record's message (and traceback) once, redacted, so handlers print that."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info:
            formatted = logging.Formatter().formatException(record.exc_info)
            message = f"{message}\n{formatted}"
            record.exc_info = None
            record.exc_text = None
        record.msg = redact(message)
        record.args = None
        return True
