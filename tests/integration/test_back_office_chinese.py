"""Every back-office page, signed in as Admin, in Chinese: no English left on it.

The walk follows every menu link, and for every view of the back office its list,
the show and edit pages of a record and its add page, FAB's security views included.
A page fails when its visible text (or a button's title, a placeholder) holds an
English word outside ALLOWED (codes, identifiers, format names).
"""

import datetime
import re
from html.parser import HTMLParser

import pytest
from flask_appbuilder.security.sqla.models import Group

from app.models import (
    AuditRecord,
    CalendarOverride,
    CaseEvaluation,
    EnterpriseRegisterEntry,
    ErrorReport,
    Rectification,
    ReminderDelivery,
    SmsJob,
    SmsOutboxMessage,
    WebhookDelivery,
)
from app.services.api import clients
from tests.factories import (
    AccountFactory,
    ApplicationFactory,
    ArticleFactory,
    EnterpriseFactory,
    EnterpriseQualificationFactory,
    LegalAccountFactory,
    PersonRegistrationFactory,
)

# Words that are not English sentences: the language switcher's own name for English, URL schemes in
# help texts, the name of the spreadsheet format the reports export (导出Excel).
ALLOWED = {"English", "http", "https", "Excel"}
# Addresses, e-mail addresses and domain names are data, not text.
# Masked values (gl****) are data too.
ADDRESSES = re.compile(r"\S+@\S+|https?://\S+|\b[\w-]+(?:\.[\w-]+)+\b|\w*\*+\w*")
TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
SKIPPED_TAGS = {"script", "style", "code", "pre"}
ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
# FAB's security pages list roles, views and permissions by their code names (app/roles.py).
SECURITY_PAGES = ("/roles/", "/permissions/", "/permissionviews/", "/viewmenus/", "/users/", "/groups/")


def is_english_word(token: str) -> bool:
    """A word of English text: not a code (ABC, a_b, x1), not an allowed name."""
    if len(token) < 2 or token in ALLOWED or token.isupper() or "_" in token:
        return False
    return not any(character.isdigit() for character in token)


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skipping, self.links = [], 0, []

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_TAGS:
            self.skipping += 1
        values = dict(attrs)
        for name in ATTRIBUTES:
            if values.get(name):
                self.parts.append(values[name])
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"])
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.parts.append(data.strip())


def english_on(html: str, identifiers=frozenset()) -> list[str]:
    """The runs of visible text that hold an English word."""
    parser = VisibleText()
    parser.feed(html)
    found = []
    for part in parser.parts:
        if identifiers and all(
            element.strip("[]'\" ") in identifiers or is_code(element)
            for element in re.split(r",\s*", part.strip("[]"))
        ):
            continue
        text = ADDRESSES.sub(" ", part)
        if any(is_english_word(token) for token in TOKEN.findall(text)):
            found.append(part)
    return found


def is_code(text: str) -> bool:
    """A name or rule written in code (``can_(list|show)``, ``StaffUserView``), quoted or not."""
    text = text.strip("[]'\" ")
    return " " not in text and (not text.isalpha() or (text[:1].isupper() and not text[1:].islower()))


def security_identifiers() -> frozenset:
    """Role, view and permission code names, and FAB's "<permission> on <view>" for each pair."""
    from flask_appbuilder.security.sqla.models import Permission, PermissionView, Role, ViewMenu

    from app.extensions import db

    names = {role.name for role in db.session.query(Role)}
    names |= {permission.name for permission in db.session.query(Permission)}
    names |= {view.name for view in db.session.query(ViewMenu)}
    names |= {str(pair) for pair in db.session.query(PermissionView)}
    return frozenset(names)


def links_on(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.links


ENTERPRISE_REGISTER_ENTRY = {
    "uscc": "91110105MA01QQQQ1X",
    "name": "示范建设集团有限公司",
    "entity_type": "enterprise",
    "legal_rep_name": "王建国",
    "legal_rep_document_type": "resident_id",
    "legal_rep_document_number": "110105198604020133",
}


@pytest.fixture
def one_of_everything(app, db, registers, issued_case, staff_factory):
    """A record in every table the back office lists."""
    enterprise = EnterpriseFactory()
    LegalAccountFactory(enterprise=enterprise)
    ApplicationFactory(status="returned")
    ArticleFactory()
    EnterpriseQualificationFactory()
    PersonRegistrationFactory()
    for purpose in ("case_notice", "application", "register", "reset_password"):
        db.session.add(SmsOutboxMessage(phone="13712345678", purpose=purpose, content="验证码123456"))
    db.session.add(SmsJob(phone="13712345678", purpose="case_notice", content="您的办件已受理", state="dead"))
    db.session.add(AuditRecord(event="login.success", subject="gly001", detail={}))
    db.session.add(CalendarOverride(day=datetime.date(2026, 10, 9), is_workday=True, note="国庆调休"))
    db.session.add(EnterpriseRegisterEntry(**ENTERPRISE_REGISTER_ENTRY))
    api_client, _credentials = clients.create_client(
        "省级政务服务平台", "cases:read", webhook_url="https://example.cn/hooks"
    )
    db.session.flush()
    db.session.add(WebhookDelivery(client_id=api_client.id, event_key="case-event-1", payload='{"id": "case-event-1"}'))
    reminder_account = AccountFactory()
    db.session.add(
        ReminderDelivery(
            key="registration_expiry:1:2027-01-01:30:a1",
            account_id=reminder_account.id,
            kind="registration_expiry",
            threshold_days=30,
            subject="京1112027000001",
            due_on=datetime.date(2027, 1, 1),
        )
    )
    db.session.add(
        ErrorReport(page_url="https://zwfw.mohurd.gov.cn/help/contact", description="邮编有误", contact="13712345678")
    )
    group = Group(name="acceptance_desk", label="受理窗口", description="各受理窗口的工作人员")
    group.roles = [app.appbuilder.sm.find_role("AcceptanceOfficer")]
    db.session.add(group)
    rating = CaseEvaluation(
        application=issued_case,
        account_id=issued_case.account_id,
        item_id=issued_case.item_id,
        province="北京市",
        level=2,
        efficiency=2,
        attitude=3,
        openness=3,
        convenience=2,
        comment="补正要求前后不一致",
        tags=["repeated_materials"],
    )
    db.session.add(Rectification(evaluation=rating, due_on=datetime.date(2026, 12, 25)))
    db.session.commit()


def back_office_pages(app, client):
    """Every page to look at: the menu's links, and each model view's list, add, show and edit."""
    from flask_appbuilder import ModelView

    urls, empty = [], []
    for view in app.appbuilder.baseviews:
        if not isinstance(view, ModelView):
            continue
        base = view.route_base
        permissions = view.base_permissions or []
        if "can_list" in permissions:
            urls.append(f"{base}/list/")
        if "can_add" in permissions:
            urls.append(f"{base}/add")
        record = view.datamodel.query(view._base_filters, page=0, page_size=1)[1]
        if not record:
            empty.append(view.__class__.__name__)
        else:
            pk = view.datamodel.get_pk_value(record[0])
            if "can_show" in permissions:
                urls.append(f"{base}/show/{pk}")
            if "can_edit" in permissions:
                urls.append(f"{base}/edit/{pk}")
    menu = links_on(client.get("/admin/").get_data(as_text=True))
    urls += [
        link for link in menu if link.startswith("/") and link != "/" and not link.startswith(("/lang", "/logout"))
    ]
    assert empty == [], "give these views a record in one_of_everything"
    return list(dict.fromkeys(urls))


def test_every_back_office_page_is_chinese(app, client, one_of_everything, staff_factory, login_staff):
    staff_factory("Admin", username="gly001")
    login_staff("gly001")
    problems = {}
    pages = back_office_pages(app, client)
    assert len(pages) > 40
    for url in pages:
        response = client.get(url)
        if response.status_code != 200:
            problems[url] = response.status_code
            continue
        identifiers = security_identifiers() if url.startswith(SECURITY_PAGES) else frozenset()
        english = english_on(response.get_data(as_text=True), identifiers)
        if english:
            problems[url] = sorted(set(english))
    assert problems == {}


def test_a_staff_name_is_written_as_one_chinese_name(client, staff_factory, login_staff):
    staff_factory("AcceptanceOfficer", username="slr001")  # first name 测试, last name 员工1
    login_staff("slr001")
    html = client.get("/admin/workflow/").get_data(as_text=True)
    assert "测试员工1" in html and "测试 员工1" not in html


def test_sms_purposes_and_audit_events_are_shown_in_words(client, db, staff_factory, login_staff):
    db.session.add(SmsOutboxMessage(phone="13712345678", purpose="case_notice", content="您的办件已受理"))
    db.session.add(AuditRecord(event="account.unlocked", subject="13712345678", detail={}))
    db.session.commit()
    staff_factory("Admin", username="gly001")
    login_staff("gly001")
    outbox = client.get("/smsoutboxadminview/list/").get_data(as_text=True)
    assert "办件通知" in outbox and "case_notice" not in outbox
    audit = client.get("/auditrecordadminview/list/").get_data(as_text=True)
    assert "账号已解锁" in audit and "account.unlocked" not in audit


def test_the_enterprise_register_form_offers_its_types_as_choices(client, db, staff_factory, login_staff):
    staff_factory("Admin", username="gly001")
    login_staff("gly001")
    form = client.get("/enterpriseregisteradminview/add").get_data(as_text=True)
    assert re.search(r'<select[^>]*name="entity_type"', form) and ">企业法人</option>" in form
    assert re.search(r'<select[^>]*name="legal_rep_document_type"', form) and ">居民身份证</option>" in form
    typed = dict(ENTERPRISE_REGISTER_ENTRY, entity_type="企业")
    client.post("/enterpriseregisteradminview/add", data=typed)
    assert db.session.query(EnterpriseRegisterEntry).count() == 0
    response = client.post("/enterpriseregisteradminview/add", data=ENTERPRISE_REGISTER_ENTRY)
    assert response.status_code == 302
    entry = db.session.query(EnterpriseRegisterEntry).one()
    assert (entry.entity_type, entry.legal_rep_document_type) == ("enterprise", "resident_id")
    shown = client.get(f"/enterpriseregisteradminview/show/{entry.id}").get_data(as_text=True)
    assert "企业法人" in shown and "居民身份证" in shown


def test_the_staff_form_names_the_roles_in_chinese(client, staff_factory, login_staff):
    staff_factory("Admin", username="gly001")
    login_staff("gly001")
    form = client.get("/users/add").get_data(as_text=True)
    roles = re.search(r'<select[^>]*name="roles".*?</select>', form, re.S).group(0)
    assert ">事项管理员</option>" in roles and ">登记管理员</option>" in roles and ">受理员</option>" in roles
    assert ">CatalogueAdmin</option>" not in roles
