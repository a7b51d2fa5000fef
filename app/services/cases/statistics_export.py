"""统计报表 as files: the tables of a report (statistics.Report) as CSV and as an Excel workbook, in the reader's
language. The same tables as the page, including the 好差评 ratings by item and by handling unit."""

import csv
import io
from dataclasses import dataclass

from flask_babel import gettext
from openpyxl import Workbook
from openpyxl.styles import Font

from app.services.cases import statistics
from app.services.cases.workflow import STATUS_LABELS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Table:
    title: str
    rows: list[list]  # the first row is the header
    widths: tuple[int, ...] = ()


def _header() -> list[str]:
    return [
        gettext("Item group"),
        gettext("Item"),
        *[str(STATUS_LABELS.get(s, s)) for s in statistics.columns()],
        gettext("Total"),
    ]


def summary(report: statistics.Report) -> list[list]:
    return [
        [gettext("Period"), f"{report.period.start.isoformat()} – {report.period.end.isoformat()}"],
        [gettext("Province"), report.province or gettext("All provinces")],
        [gettext("Item group"), statistics.group_names().get(report.group, gettext("All item groups"))],
        [gettext("Submitted"), report.submitted],
        [gettext("Decided"), report.decided],
        [gettext("Certificates issued"), report.issued],
        [gettext("Open cases"), report.open_cases],
        [gettext("Over the time limit"), report.overdue_cases],
        [gettext("Not accepted within 5 working days"), report.acceptance_overdue],
        [
            gettext("Average working days from acceptance to decision"),
            report.average_days_to_decision if report.average_days_to_decision is not None else "—",
        ],
    ]


def _satisfaction(rows, first: str) -> list[list]:
    header = [
        first,
        gettext("Ratings"),
        gettext("Satisfied"),
        gettext("Share satisfied"),
        gettext("Average (5 = very satisfied)"),
    ]
    body = [
        [row.label, row.count, row.satisfied, row.share, round(row.average, 2) if row.average is not None else None]
        for row in rows
    ]
    return [header, *body]


def tables(report: statistics.Report) -> list[Table]:
    """Every table of the report, in the order of the page."""
    month_header = [gettext("Month"), gettext("Submitted"), gettext("Decided"), gettext("Certificates issued")]
    return [
        Table(gettext("Summary"), summary(report), (44, 26)),
        Table(
            gettext("By item and status"),
            [
                *statistics.table_rows(report, _header()),
                [gettext("Total"), "", *[report.totals[s] for s in report.columns], report.submitted],
            ],
            (18, 40),
        ),
        Table(gettext("By month"), [month_header, *[[m.month, m.intake, m.output, m.issued] for m in report.months]]),
        Table(
            gettext("Over the time limit"),
            [
                [gettext("Item group"), gettext("Open cases over the time limit, by item group (today)")],
                *[[name, count] for name, count in report.overdue_by_group.items()],
            ],
        ),
        Table(gettext("Service ratings by item"), _satisfaction(report.satisfaction_by_item, gettext("Item")), (40,)),
        Table(
            gettext("Service ratings by handling unit"),
            _satisfaction(report.satisfaction_by_unit, gettext("Handling unit (province)")),
            (24,),
        ),
    ]


def filename(report: statistics.Report, extension: str) -> str:
    return f"statistics-{report.period.start:%Y%m%d}-{report.period.end:%Y%m%d}.{extension}"


def csv_text(report: statistics.Report) -> str:
    """The tables one after another, a blank line between them; the summary (a two-column list) last, as
    spreadsheet users expect the by-item table at the top."""
    out = io.StringIO()
    out.write("\ufeff")  # so that spreadsheet programs read the Chinese as UTF-8
    writer = csv.writer(out)
    summary_table, *rest = tables(report)
    for table in rest:
        if table is not rest[0]:
            writer.writerow([])
            writer.writerow([table.title])
        writer.writerows([["" if v is None else str(v) for v in row] for row in table.rows])
    writer.writerow([])
    writer.writerows(summary_table.rows)
    return out.getvalue()


def xlsx_bytes(report: statistics.Report) -> io.BytesIO:
    book = Workbook()
    book.remove(book.active)
    for index, table in enumerate(tables(report)):
        sheet = book.create_sheet(table.title)
        for row in table.rows:
            sheet.append(row)
        if index:  # the summary is a list of labels, not a table with a header
            for cell in sheet[1]:
                cell.font = Font(bold=True)
        for column, width in zip("ABCDEFGH", table.widths, strict=False):
            sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out
