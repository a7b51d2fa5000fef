"""How the portal's processes (web, Celery worker and beat) write their logs: ``LOG_FORMAT``.

``text`` (the default, ``make run``): Python's plain lines, as before. ``json`` (deploy/portal.env.example, the
cluster): one JSON object a line on standard error, each with the request id and the account id of the request
the work is done for (app/log_context.py; a job carries them from the request that queued it), and one line per
request from the ``portal.requests`` logger (app/platform/request_observer.py). ``LOG_LEVEL`` sets the level
(default INFO with json, WARNING with text unless debugging).
"""

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from app import log_context

REQUEST_LOGGER = "portal.requests"
_MARK = "_portal_handler"  # the handler configure() installed (a process building several apps installs one)


class ContextFilter(logging.Filter):
    """Adds ``request_id`` and ``account_id`` of the work in hand to every record (unless it has its own)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = log_context.request_id.get()
        if not hasattr(record, "account_id"):
            record.account_id = log_context.account_id.get()
        return True


def json_formatter() -> logging.Formatter:
    return JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(account_id)s",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        datefmt="%Y-%m-%dT%H:%M:%S%z",
        json_ensure_ascii=False,
    )


def json_wanted(config) -> bool:
    return str(config.get("LOG_FORMAT") or "text").strip().lower() == "json"


def configure(config, debug: bool = False) -> None:
    """Set up the root logger of this process from ``config``."""
    root = logging.getLogger()
    if not json_wanted(config):
        level = config.get("LOG_LEVEL") or (logging.INFO if debug else logging.WARNING)
        logging.basicConfig(level=level)
        return
    for handler in [h for h in root.handlers if getattr(h, _MARK, False)]:
        root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    setattr(handler, _MARK, True)
    handler.setFormatter(json_formatter())
    handler.addFilter(ContextFilter())
    root.addHandler(handler)
    root.setLevel(config.get("LOG_LEVEL") or logging.INFO)


def use_json_on(logger: logging.Logger) -> None:
    """Turn the handlers another framework gave ``logger`` (Celery's worker) to JSON lines with the request context."""
    for handler in logger.handlers:
        handler.setFormatter(json_formatter())
        handler.addFilter(ContextFilter())
