"""Every request counted, timed and logged in one line; ``/metrics`` answered to the monitoring's addresses.

A WSGI middleware around the portal and its query fast path (so the pages answered in front of Flask count
too), inside the proxy fix (it sees the visitor's address as the portal believes it). Per request it does a few
memory writes (prometheus-client) and, when the ``portal.requests`` logger is on (``LOG_FORMAT=json``), writes
one line: request id, method, endpoint, route, status, duration in ms, account id. The route is the URL rule
(``/cases/<int:case_id>``), never the path as sent nor its query string: a path can carry a token and a query
string a searched name or identity number. No database query and no Redis round trip.

``/metrics`` (Prometheus text format) is answered here, before Flask: no session, no CSRF, no cache, no cookie.
Only to a client whose address, both as the portal believes it (X-Forwarded-For through TRUSTED_PROXIES) and as
the connection came, is in ``METRICS_ALLOWED_NETWORKS`` (default: loopback only); anyone else gets the portal's
ordinary 404 page, as for any address that does not exist. nginx does not pass it on either (deploy/nginx).
"""

import ipaddress
import logging
import time

from flask import has_request_context, request

from app import log_context, metrics
from app.log_format import REQUEST_LOGGER
from app.platform import metrics_endpoint

log = logging.getLogger(REQUEST_LOGGER)

METRICS_PATH = "/metrics"
FAST_PATH_GROUP = "queries"  # the query fast path answers the queries blueprint's pages


def allowed_networks(setting) -> tuple:
    """``METRICS_ALLOWED_NETWORKS``: addresses or networks separated by commas or spaces."""
    if isinstance(setting, str):
        setting = setting.replace(",", " ").split()
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in setting or () if item.strip())


def _in(networks, address) -> bool:
    try:
        ip = ipaddress.ip_address((address or "").split("%")[0])
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip in network for network in networks)


class RequestObserver:
    def __init__(self, app, wsgi_app):
        self.app, self.wsgi_app = app, wsgi_app
        self.networks = allowed_networks(app.config.get("METRICS_ALLOWED_NETWORKS", "127.0.0.1/8,::1/128"))
        self.groups = _endpoint_groups(app)
        self.scrape = metrics_endpoint.Scrape(app)
        self.children: dict = {}

    @classmethod
    def install(cls, app) -> None:
        app.wsgi_app = cls(app, app.wsgi_app)

    def metrics_allowed(self, environ) -> bool:
        direct = environ.get("werkzeug.proxy_fix.orig", {}).get("REMOTE_ADDR", environ.get("REMOTE_ADDR"))
        return _in(self.networks, environ.get("REMOTE_ADDR")) and _in(self.networks, direct)

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == METRICS_PATH and self.metrics_allowed(environ):
            return self.scrape.answer(environ, start_response)
        started = time.perf_counter()
        answered = False

        def observed(status, headers, exc_info=None):
            nonlocal answered
            if not answered:
                answered = True
                try:
                    self._observe(environ, status, headers, time.perf_counter() - started)
                except Exception:  # counting must never cost the visitor his page
                    logging.getLogger(__name__).exception("request not observed")
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, observed)

    def _observe(self, environ, status: str, headers, seconds: float) -> None:
        code = status[:3]
        endpoint, route = _endpoint_and_route()
        group = self.groups.get(endpoint, "unmatched") if endpoint else _group_without_endpoint(environ)
        method = environ.get("REQUEST_METHOD", "")
        key = (group, method if method in _METHODS else "other", code)
        children = self.children.get(key)
        if children is None:  # once per (group, method, status): labels() takes a lock and builds the key
            children = self.children[key] = (metrics.REQUESTS.labels(*key), metrics.LATENCY.labels(group))
        children[0].inc()
        children[1].observe(seconds)
        if code == "429":
            metrics.RATE_LIMITED.labels(group).inc()
        if log.isEnabledFor(logging.INFO):
            fields = {
                "request_id": _header(headers, "x-request-id") or log_context.request_id.get(),
                "account_id": log_context.account_id.get(),
                "method": method,
                "endpoint": endpoint or (FAST_PATH_GROUP + ".fast_path" if group == FAST_PATH_GROUP else None),
                "route": route,
                "group": group,
                "status": int(code) if code.isdigit() else code,
                "duration_ms": round(seconds * 1000, 1),
            }
            # The message says it in plain text too (LOG_FORMAT=text with LOG_LEVEL=INFO); JSON has the fields.
            log.info(
                "%s %s %s %s ms request=%s account=%s",
                method,
                route or fields["endpoint"] or "-",
                code,
                fields["duration_ms"],
                fields["request_id"] or "-",
                fields["account_id"] or "-",
                extra=fields,
            )


_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def _endpoint_and_route():
    """The Flask endpoint and URL rule of the request in hand (None, None before Flask or without a match)."""
    if not has_request_context():
        return None, None
    rule = request.url_rule
    return request.endpoint, (rule.rule if rule is not None else None)


def _group_without_endpoint(environ) -> str:
    path = environ.get("PATH_INFO", "")
    if path.startswith(("/query/enterprises", "/query/people")) and environ.get("REQUEST_METHOD") == "GET":
        return FAST_PATH_GROUP  # answered by the query fast path (Flask answers the others with an endpoint)
    return "unmatched"


def _header(headers, name: str):
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def _endpoint_groups(app) -> dict:
    """endpoint → group: the portal's own blueprints by name, the back office (Flask-AppBuilder) as "admin",
    the REST API's specification as "api", static files as "static". Bounded: one label per blueprint."""
    groups = {}
    for rule in app.url_map.iter_rules():
        endpoint = rule.endpoint
        blueprint_name = endpoint.rpartition(".")[0]
        blueprint = app.blueprints.get(blueprint_name)
        module = blueprint.import_name if blueprint is not None else ""
        if endpoint == "static" or blueprint_name == "appbuilder" or endpoint.endswith(".static"):
            groups[endpoint] = "static"
        elif module.startswith(("app.views.portal", "app.views.health")):
            groups[endpoint] = blueprint_name
        elif module.startswith("app.views.api") or module.startswith("flask_smorest") or endpoint == "api_docs":
            groups[endpoint] = "api"
        else:
            groups[endpoint] = "admin"
    return groups
