"""API clients of integrating agencies: created and revoked by an administrator, authenticated by a bearer
token ``<client id>.<secret>``, limited to their scopes, data scope and rate; every call is audited.

The secret is 256 random bits shown once at creation; only its SHA-256 is kept (a slow password hash
adds nothing to a secret nobody chose). The API never reads a browser's cookies: a call is a client's
only by its token, which is why the API is exempt from CSRF.
"""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import ApiClient
from app.regions import PROVINCES
from app.services.cases import scope as case_scope
from app.services.errors import ServiceError
from app.services.platform import audit, rate_limits
from app.services.platform.shared_store import get_store

REGISTERS_READ = "registers:read"
CASES_READ = "cases:read"
CASES_WRITE = "cases:write"
CERTIFICATES_READ = "certificates:read"
SCOPES = (REGISTERS_READ, CASES_READ, CASES_WRITE, CERTIFICATES_READ)
SCOPE_LABELS = {
    REGISTERS_READ: _l("Read the registers"),
    CASES_READ: _l("Read cases (and receive their webhooks)"),
    CASES_WRITE: _l("Send messages on cases"),
    CERTIFICATES_READ: _l("Read issued certificates"),
}
MAX_RATE = 10_000
CLIENT_ID = re.compile(r"^pc_[0-9a-f]{16}$")


@dataclass(frozen=True)
class Credentials:
    """What the administrator hands to the agency, once."""

    client_id: str
    secret: str
    webhook_secret: str

    @property
    def token(self) -> str:
        return f"{self.client_id}.{self.secret}"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def scopes_of(client: ApiClient) -> set[str]:
    return set((client.scopes or "").split())


def has_scope(client: ApiClient, scope: str) -> bool:
    return scope in scopes_of(client)


def _check(client: ApiClient) -> None:
    errors = {}
    client.name = (client.name or "").strip()
    if not client.name:
        errors["name"] = _l("Please give the agency's name")
    chosen = [s for s in re.split(r"[\s,，]+", client.scopes or "") if s]
    unknown = [s for s in chosen if s not in SCOPES]
    if unknown or not chosen:
        errors["scopes"] = _l("Choose scopes among: %(scopes)s", scopes=" ".join(SCOPES))
    else:
        client.scopes = " ".join(s for s in SCOPES if s in chosen)
    client.case_province = (client.case_province or "").strip()
    if client.case_province and client.case_province not in PROVINCES:
        errors["case_province"] = _l("Not a province (write it as 北京市, 广东省 ...)")
    keys = case_scope.group_keys()
    groups = case_scope.parse_groups(client.case_groups)
    if any(group not in keys for group in groups):
        errors["case_groups"] = _l("Unknown item group")
    client.case_groups = ",".join(groups)
    if not client.rate_per_minute or not 1 <= client.rate_per_minute <= MAX_RATE:
        errors["rate_per_minute"] = _l("Between 1 and %(max)s calls a minute", max=MAX_RATE)
    client.webhook_url = (client.webhook_url or "").strip()
    if client.webhook_url and not re.match(r"^https?://[^\s/]+(/\S*)?$", client.webhook_url):
        errors["webhook_url"] = _l("An http:// or https:// address")
    if errors:
        raise ServiceError(errors)


def issue_credentials(client: ApiClient, *, actor=None, ip: str = "") -> Credentials:
    """A new client (not yet added): checked, given its id and secrets; audited with the creation."""
    _check(client)
    credentials = Credentials(
        client_id=f"pc_{secrets.token_hex(8)}", secret=secrets.token_urlsafe(32), webhook_secret=secrets.token_hex(32)
    )
    client.client_id = credentials.client_id
    client.secret_hash = _digest(credentials.secret)
    client.webhook_secret = credentials.webhook_secret
    client.revoked_at = None
    db.session.add(client)
    audit.record(
        "api.client_created", actor=actor, subject=credentials.client_id, ip=ip, name=client.name, scopes=client.scopes
    )
    return credentials


def create_client(name: str, scopes: str, *, actor=None, ip: str = "", **settings) -> tuple[ApiClient, Credentials]:
    client = ApiClient(name=name, scopes=scopes, **{"rate_per_minute": 120, **settings})
    return client, issue_credentials(client, actor=actor, ip=ip)


def update_client(client: ApiClient, *, actor=None, ip: str = "") -> None:
    _check(client)
    audit.record(
        "api.client_changed",
        actor=actor,
        subject=client.client_id,
        ip=ip,
        scopes=client.scopes,
        province=client.case_province,
        groups=client.case_groups,
        rate=client.rate_per_minute,
    )


def revoke(client: ApiClient, *, actor=None, ip: str = "") -> bool:
    """The client's token stops working at once (and its webhooks stop); False if it already was revoked."""
    if client.revoked_at is not None:
        return False
    client.revoked_at = clock.now()
    audit.record("api.client_revoked", actor=actor, subject=client.client_id, ip=ip)
    return True


def authenticate(authorization: str | None) -> ApiClient | None:
    """The live client a ``Bearer <client id>.<secret>`` header names, or None."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or len(token) > 200:
        return None
    client_id, _, secret = token.strip().partition(".")
    if not CLIENT_ID.match(client_id) or not secret:
        return None
    client = db.session.scalar(select(ApiClient).filter_by(client_id=client_id))
    if client is None or client.revoked_at is not None:
        return None
    return client if hmac.compare_digest(client.secret_hash, _digest(secret)) else None


def over_rate(client: ApiClient | None, ip_key: str, public_per_minute: int) -> bool:
    """Count one call: a client's against its own rate, an anonymous one against its address's."""
    store = get_store()
    if client is not None:
        return rate_limits.over_limit(store, "api-client", client.client_id, client.rate_per_minute)
    return rate_limits.over_limit(store, "api-public", ip_key, public_per_minute)


def record_call(client: ApiClient, *, method: str, path: str, status: int, ip: str = "") -> None:
    """The audit row of one call of a client (the caller's unit of work commits it)."""
    audit.record("api.call", subject=client.client_id, ip=ip, method=method, path=path[:200], status=status)


def case_condition(client: ApiClient):
    """The cases the client may read: its item groups and province, as an officer's scope."""
    return case_scope.condition(client)


def case_in_scope(application, client: ApiClient) -> bool:
    return case_scope.in_scope(application, client)
