"""Per-client limits of anonymous tools that cost CPU or memory (the photo tool, the file check), counted per
minute in the shared store so that every server process agrees. The public queries have their own, richer
counts (``app.services.registers.query_limits``)."""

import time


def _now() -> float:
    return time.time()


def over_limit(store, bucket: str, client: str, per_minute: int, now: float | None = None) -> bool:
    """Count one request of ``client`` to ``bucket``; True when it is over ``per_minute`` this minute."""
    minute = int((_now() if now is None else now) // 60)
    return store.incr(f"rate:{bucket}:{client}:{minute}", 120) > per_minute
