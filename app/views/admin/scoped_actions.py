"""FAB's action routes load their records by id without the view's ``base_filters``.

``/<view>/action/<name>/<id>`` and ``/<view>/action_post`` would otherwise act on any
row of the table, e.g. unlock a staff account through the portal-accounts view.
"""

from flask import abort, request
from flask_appbuilder import expose
from sqlalchemy.exc import DBAPIError


class ScopedActionsMixin:
    """Put before ``ModelView`` in the bases: an id outside the view's filters is a 404."""

    def _in_scope(self, pk) -> bool:
        try:
            pk = self._deserialize_pk_if_composite(pk)
            return self.datamodel.get(pk, self._base_filters) is not None
        except (TypeError, ValueError, OverflowError):
            return False
        except DBAPIError:  # an id beyond the column's range (PostgreSQL's integer)
            self.datamodel.session.rollback()
            return False

    @expose("/action/<string:name>/<pk>", methods=["GET", "POST"])
    def action(self, name, pk):
        if not self._in_scope(pk):
            abort(404)
        return super().action(name, pk)

    @expose("/action_post", methods=["POST"])
    def action_post(self):
        if not all(self._in_scope(pk) for pk in request.form.getlist("rowid")):
            abort(404)
        return super().action_post()
