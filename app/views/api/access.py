"""Who calls (a client's bearer token, or nobody), how often, and the audit row of every client's call."""

from functools import wraps

from flask import current_app, g, request
from werkzeug.exceptions import Forbidden, TooManyRequests, Unauthorized

from app.services.api import clients
from app.services.registers.query_limits import client_key
from app.services.unit_of_work import unit_of_work

SECURITY_SCHEME = "bearerAuth"
SECURED = [{SECURITY_SCHEME: []}]


def install(blueprint) -> None:
    blueprint.before_request(identify)
    blueprint.after_request(audit_call)


def identify():
    """The client of a bearer token (a wrong token is refused, not ignored), then the call rate."""
    g.api_client = None
    header = request.headers.get("Authorization")
    if header:
        client = clients.authenticate(header)
        if client is None:
            raise Unauthorized(www_authenticate=None)
        g.api_client = client
    per_minute = int(current_app.config.get("API_PUBLIC_PER_MINUTE", 60))
    if clients.over_rate(g.api_client, client_key(request.remote_addr), per_minute):
        raise TooManyRequests(retry_after=60)


def audit_call(response):
    client = g.get("api_client")
    if client is not None:
        with unit_of_work():
            clients.record_call(
                client,
                method=request.method,
                path=request.full_path.rstrip("?"),
                status=response.status_code,
                ip=request.remote_addr or "",
            )
    return response


def require(scope: str):
    """The call needs a client token with ``scope`` (401 without a client, 403 without the scope)."""

    def decorate(view):
        @wraps(view)
        def checked(*args, **kwargs):
            client = g.get("api_client")
            if client is None:
                raise Unauthorized()
            if not clients.has_scope(client, scope):
                raise Forbidden()
            return view(*args, **kwargs)

        return checked

    return decorate


def client():
    return g.api_client
