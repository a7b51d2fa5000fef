"""The URL map as a list of things to request: shared by the robustness tests and the attack suite."""

from werkzeug.routing import IntegerConverter

# Routes no crawler requests: static files, the sign-outs (they would end the crawler's session), the
# language switches, and the readiness probe, whose 503 is its designed answer when a dependency is slow or
# down (on a loaded test machine the database check can pass its timeout); tests/integration/test_health.py
# covers it.
SKIP = ("/static/", "/admin/logout", "/logout", "/account/logout", "/lang/", "/language/", "/readyz")


def routes(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(SKIP) or rule.endpoint == "static":
            continue
        yield rule


def takes_an_id(rule) -> bool:
    return any(isinstance(c, IntegerConverter) for c in rule._converters.values()) or "pk" in rule.arguments


def url_for_rule(rule, number, text="x", values=None) -> str:
    """The rule's path with every int argument and FAB's <pk> ``number``, every other argument ``text``;
    ``values`` (argument name → value) first."""
    built = {}
    for name, converter in rule._converters.items():
        if values and name in values:
            built[name] = values[name]
        elif isinstance(converter, IntegerConverter) or name == "pk":
            built[name] = number
        elif hasattr(converter, "items"):  # any(...): its first choice
            built[name] = sorted(converter.items)[0]
        else:
            built[name] = text
    return rule.build(built, append_unknown=False)[1]


def methods_of(rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})
