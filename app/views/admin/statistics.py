"""统计 (role 统计员, read-only): the licensing work in figures, and the by-item table as CSV."""

import csv
import io

from flask import Response
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext

from app.services.cases import statistics
from app.services.cases.workflow import STATUS_LABELS


class StatisticsView(BaseView):
    route_base = "/admin/statistics"
    default_view = "index"
    base_permissions = ["can_index", "can_export"]

    @expose("/")
    @has_access
    def index(self):
        report = statistics.build_report()
        return self.render_template(
            "admin/statistics.html", report=report, columns=statistics.COLUMNS, status_labels=STATUS_LABELS
        )

    @expose("/export.csv")
    @has_access
    def export(self):
        report = statistics.build_report()
        header = [
            gettext("Item group"),
            gettext("Item"),
            *[str(STATUS_LABELS[s]) for s in statistics.COLUMNS],
            gettext("Total"),
        ]
        out = io.StringIO()
        out.write("\ufeff")  # so that spreadsheet programs read the Chinese as UTF-8
        csv.writer(out).writerows(statistics.csv_rows(report, header))
        return Response(
            out.getvalue(),
            mimetype="text/csv",
            headers={"Content-Disposition": f"attachment; filename=statistics-{report.month_start:%Y-%m}.csv"},
        )
