"""A per-client limit for anonymous POSTs that cost CPU or memory: over it, the translated 429 page."""

from functools import wraps

from flask import abort, current_app, request

from app.services.platform import rate_limits
from app.services.platform.shared_store import get_store
from app.services.registers import query_limits
from app.views.portal.session import client_ip


def limited_per_client(bucket: str, setting: str, default: int):
    """Count each POST of a client to ``bucket``; more than ``config[setting]`` (default ``default``) a minute → 429."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if request.method == "POST":
                per_minute = query_limits.setting(current_app.config, setting, default)
                client = query_limits.client_key(client_ip())
                if rate_limits.over_limit(get_store(), bucket, client, per_minute):
                    abort(429)
            return view(*args, **kwargs)

        return wrapper

    return decorator
