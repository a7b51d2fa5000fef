"""统计报表 (role 统计员, read-only): the licensing work in figures and charts, for a chosen period,
province and item group within the statistician's data scope; the tables as CSV and Excel.

The charts are drawn in the browser by the vendored ECharts (app/static/vendor/echarts) from a
JSON block of the page, read by app/static/js/statistics.js: no inline script.
"""

import datetime

from flask import Response, g, request, send_file
from flask_appbuilder import BaseView, expose, has_access, permission_name
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.widgets import DateInput

from app import clock
from app.services.cases import report_cache, statistics, statistics_export
from app.services.cases.workflow import STATUS_LABELS
from app.services.errors import ServiceError
from app.views.admin.forms import apply_errors

FIRST_YEAR, LAST_YEAR = 2000, 2100


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class StatisticsForm(FlaskForm):
    """The report's period and filters (GET: nothing changes, so no CSRF token)."""

    class Meta:
        csrf = False

    period = SelectField(
        _l("Period"),
        choices=[("month", _l("Month")), ("quarter", _l("Quarter")), ("year", _l("Year")), ("range", _l("Date range"))],
        default="month",
        validate_choice=False,
    )
    year = StringField(_l("Year"), filters=[_strip])
    month = SelectField(_l("Month"), choices=[(str(n), str(n)) for n in range(1, 13)], validate_choice=False)
    quarter = SelectField(_l("Quarter"), choices=[(str(n), str(n)) for n in range(1, 5)], validate_choice=False)
    start = StringField(_l("From"), filters=[_strip], widget=DateInput())
    end = StringField(_l("To"), filters=[_strip], widget=DateInput())
    province = SelectField(_l("Province"), validate_choice=False, default="")
    group = SelectField(_l("Item group"), validate_choice=False, default="")

    def __init__(self, staff, today: datetime.date, *args, **kwargs):
        super().__init__(*args, **kwargs)
        provinces = statistics.province_choices(staff)
        self.province.choices = ([] if len(provinces) == 1 else [("", _l("All provinces"))]) + [
            (p, p) for p in provinces
        ]
        self.group.choices = [("", _l("All item groups")), *statistics.group_choices(staff)]
        if not self.year.data:
            self.year.data = str(today.year)
        if not self.month.raw_data:
            self.month.data = str(today.month)
        if not self.quarter.raw_data:
            self.quarter.data = str((today.month - 1) // 3 + 1)
        if not self.province.raw_data and len(provinces) == 1:
            self.province.data = provinces[0]

    def _choice(self, field, message) -> str:
        value = field.data or ""
        if value and value not in {key for key, _label in field.choices}:
            field.errors = [*field.errors, message]
        return value

    def _number(self, field, low: int, high: int, message) -> int | None:
        try:
            value = int(field.data or "")
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            field.errors = [*field.errors, message]
            return None
        return value

    def _date(self, field) -> datetime.date | None:
        if not field.data:
            field.errors = [*field.errors, _l("Enter a date.")]
            return None
        try:
            value = datetime.date.fromisoformat(field.data)
        except ValueError:
            value = None
        if value is None or not FIRST_YEAR <= value.year <= LAST_YEAR:
            field.errors = [*field.errors, _l("Enter a date as YYYY-MM-DD (e.g. 2026-03-31).")]
            return None
        return value

    def choice(self) -> tuple[statistics.Period, str, str] | None:
        """(period, province, group), or None with the messages beside the fields."""
        for field in self:
            field.errors = []
        kind = self.period.data or "month"
        province = self._choice(self.province, _l("Choose a province from the list."))
        group = self._choice(self.group, _l("Choose an item group from the list."))
        period = None
        if kind not in statistics.PERIOD_KINDS:
            self.period.errors = [_l("Choose a period from the list.")]
        elif kind == "range":
            start, end = self._date(self.start), self._date(self.end)
            if start and end:
                try:
                    period = statistics.range_period(start, end)
                except ServiceError as refusal:
                    apply_errors(self, refusal.errors)
        else:
            year = self._number(self.year, FIRST_YEAR, LAST_YEAR, _l("Enter a year from 2000 to 2100."))
            if year is not None and kind == "year":
                period = statistics.year_period(year)
            elif kind == "month":
                month = self._number(self.month, 1, 12, _l("Choose a month from 1 to 12."))
                if year is not None and month is not None:
                    period = statistics.month_period(year, month)
            elif kind == "quarter":
                quarter = self._number(self.quarter, 1, 4, _l("Choose a quarter from 1 to 4."))
                if year is not None and quarter is not None:
                    period = statistics.quarter_period(year, quarter)
        if period is None or any(field.errors for field in self):
            return None
        return period, province, group


def _chart_texts() -> dict:
    return {
        "intakeOutput": gettext("Intake and output by month"),
        "intake": gettext("Submitted"),
        "output": gettext("Decided"),
        "issued": gettext("Certificates issued"),
        "byStatus": gettext("Cases submitted in the period, by status now"),
        "daysToDecision": gettext("Working days from acceptance to decision"),
        "decisions": gettext("Decisions"),
        "overdue": gettext("Open cases over the time limit, by item group (today)"),
        "cases": gettext("Cases"),
        "none": gettext("No data"),
    }


class StatisticsView(BaseView):
    route_base = "/admin/statistics"
    default_view = "index"
    base_permissions = ["can_index", "can_export"]

    def _report(self):
        today = clock.today()
        form = StatisticsForm(g.user, today, request.args)
        chosen = form.choice()
        if chosen is None:
            return form, None
        period, province, group = chosen
        try:
            report = report_cache.report(g.user, period, province=province, group=group, today=today)
        except ServiceError as refusal:
            apply_errors(form, refusal.errors)
            return form, None
        return form, report

    def _page(self, form, report, status=200):
        data = None
        if report is not None:
            data = statistics.chart_data(report, STATUS_LABELS, _chart_texts())
        return (
            self.render_template(
                "admin/statistics.html",
                form=form,
                report=report,
                status_labels=STATUS_LABELS,
                chart_data=data,
                query=request.args.to_dict(),
            ),
            status,
        )

    @expose("/")
    @has_access
    def index(self):
        form, report = self._report()
        return self._page(form, report, 200)

    @expose("/export.csv")
    @has_access
    def export(self):
        form, report = self._report()
        if report is None:
            return self._page(form, None, 400)
        return Response(
            statistics_export.csv_text(report),
            mimetype="text/csv",
            headers={"Content-Disposition": f"attachment; filename={statistics_export.filename(report, 'csv')}"},
        )

    @expose("/export.xlsx")
    @has_access
    @permission_name("export")  # the same right as the CSV (app/roles.py)
    def export_xlsx(self):
        form, report = self._report()
        if report is None:
            return self._page(form, None, 400)
        return send_file(
            statistics_export.xlsx_bytes(report),
            mimetype=statistics_export.XLSX,
            as_attachment=True,
            download_name=statistics_export.filename(report, "xlsx"),
        )
