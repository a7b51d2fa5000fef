"""Formal notices of a case (行政许可文书): one PDF per deciding step, rendered by WeasyPrint.

受理通知书, 不予受理通知书, 补正材料通知书 (every defect, told once and completely),
准予行政许可决定书 and 不予行政许可决定书, with the case number, the dates, the
promised time limit and the wording of the Administrative Licensing Law. A
notice belongs to the timeline event of its step, so it always says what was
decided at that moment; the file is rendered once and cached by event.

The wording is that of an official Chinese document and is printed in Chinese
whatever language the portal is shown in (like the certificates).
"""

import base64
import datetime
import re
from dataclasses import dataclass

from flask import current_app, render_template
from flask_babel import force_locale

from app import clock
from app.models import Application, ApplicationEvent
from app.services.cases import deadlines
from app.services.cases.working_days import WorkingCalendar
from app.services.certificates.file_cache import cached_bytes
from app.services.certificates.fonts import FAMILY_NAME, build_font, printable
from app.services.certificates.pdf_engine import html_to_pdf

LAYOUT_VERSION = "2"


@dataclass(frozen=True)
class NoticeKind:
    action: str
    title: str
    number_prefix: str


NOTICE_KINDS = {
    kind.action: kind
    for kind in (
        NoticeKind("accept", "行政许可受理通知书", "建许受"),
        NoticeKind("refuse", "行政许可不予受理通知书", "建许不受"),
        NoticeKind("request_correction", "行政许可补正材料通知书", "建许补"),
        NoticeKind("review_correction", "行政许可补正材料通知书", "建许补"),
        NoticeKind("approve", "准予行政许可决定书", "建许准"),
        NoticeKind("reject", "不予行政许可决定书", "建许不准"),
    )
}


# Only a case still being handled has a 预计办结日期: never a refusal, nor a decision (the case has ended).
STATES_DEADLINE = {"accept", "request_correction", "review_correction"}


def notice_kind(event: ApplicationEvent) -> NoticeKind | None:
    return NOTICE_KINDS.get(event.action)


def notice_events(application: Application) -> list[ApplicationEvent]:
    return [event for event in application.events if event.action in NOTICE_KINDS]


def document_number(event: ApplicationEvent) -> str:
    """文号: the kind's prefix, the year, the event's serial (unique, never reused)."""
    year = clock.china_date(event.created_at).year
    return f"{NOTICE_KINDS[event.action].number_prefix}〔{year}〕{event.id:06d}号"


def file_name(event: ApplicationEvent) -> str:
    return f"{event.application.number}-{NOTICE_KINDS[event.action].title}.pdf"


def _reason(event: ApplicationEvent) -> str:
    """The officer's reasons, without the right-of-redress sentence the timeline appends (the notice has its own)."""
    from app.services.cases.handling import RIGHT_OF_REDRESS

    text = event.remarks or ""
    for locale in ("zh", "en"):
        with force_locale(locale):
            text = text.replace(str(RIGHT_OF_REDRESS), "")
    return text.strip()


def _chinese_date(day: datetime.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def notice_context(event: ApplicationEvent) -> dict:
    application = event.application
    kind = NOTICE_KINDS[event.action]
    accepted = next((e for e in application.events if e.action == "accept" and e.id <= event.id), None)
    case_clock = (
        deadlines.case_clock(application, WorkingCalendar.from_database())
        if accepted and event.action in STATES_DEADLINE
        else None
    )
    account = application.account
    return {
        "kind": kind,
        "number": document_number(event),
        "applicant": account.display_name if account else "",
        "case_number": application.number,
        "item": application.item.name,
        "item_code": application.item.code,
        "submitted_on": _chinese_date(clock.china_date(application.submitted_at) if application.submitted_at else None),
        "accepted_on": _chinese_date(clock.china_date(accepted.created_at) if accepted else None),
        "decided_on": _chinese_date(clock.china_date(event.created_at)),
        "time_limit_days": application.item.time_limit_days,
        "deadline": _chinese_date(case_clock.deadline) if case_clock else "",
        "reason": _reason(event),
        "granted_number": application.granted_number or "",
        "granted_from": _chinese_date(application.granted_from),
        "granted_to": _chinese_date(application.granted_to),
        "defects": event.defects or [],
        "authority": current_app.config["CERTIFICATE_AUTHORITY"],
        "portal": current_app.config["PORTAL_SITE"]["site_name"],
        "support_phone": current_app.config["PORTAL_SITE"]["support_phone"],
    }


def render_pdf(event: ApplicationEvent) -> bytes:
    from app.services.certificates.documents import seal_png

    context = notice_context(event)
    placeholder = "@@FONT@@"
    html = render_template(
        "notices/notice.html",
        font_b64=placeholder,
        family=FAMILY_NAME,
        seal_b64=base64.b64encode(seal_png(context["authority"], "行政许可专用章")).decode("ascii"),
        **context,
    )
    text = re.sub(r"<[^>]+>", "", html)
    html = html.replace(placeholder, base64.b64encode(build_font(printable(text))).decode("ascii"))
    return html_to_pdf(html)


def notice_pdf(event: ApplicationEvent) -> bytes:
    """The notice of ``event``, rendered on first request and then served from the cache."""
    if event.action not in NOTICE_KINDS:
        raise ValueError(event.action)
    # The case number and the event's time make the name unique even across a rebuilt database.
    stamp = event.created_at.strftime("%Y%m%d%H%M%S%f")
    name = f"{event.application.number}-{event.id}-{stamp}-v{LAYOUT_VERSION}.pdf"
    return cached_bytes("notices", name, lambda: render_pdf(event), "application/pdf")
