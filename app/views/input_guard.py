"""Input no view should ever see, refused in one place before any view runs.

* A NUL byte in the path, a query or form parameter (name or value) or an upload's file name: no database
  text column takes one (PostgreSQL raises), and no legitimate form sends one → 400.
* An id past the database's INTEGER (32-bit signed) in a route: ``<int:...>`` matches only up to it (the
  converter below), and Flask-AppBuilder's ``<pk>`` must be such an integer → 404, as for any unknown id.
  Only ASCII digits make an id: ``/user/attachments/１`` (full-width) is a 404, not another name of 1.
* Flask-AppBuilder's record actions (``/<view>/action/<name>/<pk>``, ``/<view>/action_post``): an action the
  view does not have → 404 (FAB itself fails on it with a 500, before it checks any permission); every
  ``rowid`` of ``action_post`` must be an id as above → 404 (PostgreSQL would fail on a larger one).

The public queries (blueprint ``queries``) check every field themselves (``registers.query_input``): a
control character gets its message beside the field, an unknown number in the path a 404.
"""

import re

from flask import abort, current_app, request
from werkzeug.routing import IntegerConverter

DATABASE_INT_MAX = 2**31 - 1
_DIGITS = re.compile(r"[0-9]{1,10}")


class DatabaseIntConverter(IntegerConverter):
    """``<int:...>`` bounded to the database's integer range: a larger number matches no route (404); so do
    digits other than ASCII 0-9 (werkzeug's ``\\d+`` takes full-width ones, and ``int()`` reads them)."""

    regex = r"[0-9]+"

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002 - werkzeug's names
        super().__init__(map, fixed_digits, min, DATABASE_INT_MAX if max is None else max, signed)


def _texts():
    yield request.path
    for source in (request.args, request.form):
        for name, values in source.lists():
            yield name
            yield from values
    for name, upload in request.files.items(multi=True):
        yield name
        yield upload.filename or ""


CHECKS_ITS_OWN_INPUT = frozenset({"queries"})


def is_database_id(value) -> bool:
    """A positive decimal (ASCII digits only) the database's INTEGER holds."""
    text = str(value)
    return bool(_DIGITS.fullmatch(text)) and int(text) <= DATABASE_INT_MAX


FAB_ACTION_ROUTES = frozenset({"action", "action_post"})


def _refuse_unknown_fab_actions() -> None:
    if (request.endpoint or "").rpartition(".")[2] not in FAB_ACTION_ROUTES:
        return
    view = getattr(current_app.view_functions.get(request.endpoint), "__self__", None)
    actions = getattr(view, "actions", None)
    if actions is None:
        return
    name = (request.view_args or {}).get("name") if request.endpoint.endswith(".action") else request.form.get("action")
    if name not in actions:
        abort(404)
    if not all(is_database_id(rowid) for rowid in request.form.getlist("rowid")):
        abort(404)


def refuse_bad_input():
    if request.blueprint not in CHECKS_ITS_OWN_INPUT and any("\x00" in value for value in _texts()):
        abort(400)
    pk = (request.view_args or {}).get("pk")
    if pk is not None and not is_database_id(pk):
        abort(404)
    _refuse_unknown_fab_actions()


def install_input_guard(app) -> None:
    """Before any route is added (the converter) and before every other request hook (the check)."""
    app.url_map.converters["int"] = DatabaseIntConverter
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_bad_input)
