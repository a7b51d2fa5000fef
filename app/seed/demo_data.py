"""Reference and demonstration data (every function is idempotent)."""

import datetime

from flask import current_app
from werkzeug.security import check_password_hash

from app import clock
from app.extensions import db
from app.models import (
    Account,
    AccountKind,
    ElectronicCertificate,
    EnterpriseQualification,
    EnterpriseRegisterEntry,
    FaqEntry,
    PersonRegistration,
    QualificationCertificate,
    RegisteredSpecialty,
)
from app.roles import (
    ACCEPTANCE_OFFICER,
    ACCOUNT_OFFICER,
    ADMIN,
    AUDITOR,
    CATALOGUE_ADMIN,
    CONTENT_EDITOR,
    DECISION_OFFICER,
    ISSUING_OFFICER,
    REGISTER_ADMIN,
    REVIEW_OFFICER,
    SECTION_HEAD,
    STATISTICIAN,
)
from app.seed.demo_articles import seed_demo_articles
from app.seed.demo_registers import seed_demo_registers
from app.services.accounts import identity_documents as docs
from app.services.accounts.registration import (
    LegalRegistration,
    PersonalRegistration,
    PersonDetails,
    find_account_for_login,
    register_legal,
    register_personal,
)
from app.services.content.site_settings import seed_settings

# 常见问题, manual chapter 七, in its order.
FAQ_ENTRIES = (
    (
        "个人账号登录不进去是什么原因",
        "住房和城乡建设部政务服务门户登录界面",
        "1、首先确认一下是不是身份证号码登录，账号密码输入时不能加空格。\n"
        "2、其次可以点开眼睛看一下是否密码大小写锁定出错。",
    ),
    (
        "扫码页面，手机扫二维码人脸识别没反应",
        "在线业务办理-人脸识别二维码",
        "1、首先确认是否按照第一步登录住房和城乡建设部政务服务门户支付宝或微信小程序。\n"
        "2、建议把人脸识别的二维码放大后在操作（快捷键ctrl++号键）。",
    ),
    (
        "扫码页面，手机扫二维码通过后，页面无跳转",
        "在线业务办理-人脸识别二维码",
        "1、可点击页面下方：手动跳转按钮。\n2、其次建议清理浏览器缓存或切换浏览器、切换网络后重新尝试。",
    ),
    (
        "系统页面按钮点击无反应或重复跳转等异常",
        "住房和城乡建设部政务服务门户各界面",
        "此问题建议清理浏览器缓存或切换浏览器、切换网络后重新尝试。",
    ),
    (
        "个人（企业）账号注册提示身份证信息效验失败",
        "住房和城乡建设部政务服务门户注册界面",
        "1、首先自我核查信息填写是否与证件信息一致。\n"
        "2、如确认一致，可在手机应用商店下载“CTID”软件，开通CTID网证更新人脸信息。"
        "认证通过后1-2天后再进行注册尝试。",
    ),
    (
        "个人(企业)账号注册收不到手机验证码",
        "住房和城乡建设部政务服务门户注册界面",
        "1、检查短信是否有被拦截软件拦截,在垃圾箱查看短信,或者卸载拦截软件。\n"
        "2、检查手机短信息是否存储满了、是否是老款手机。清理手机信箱或者将卡换到其他手机。\n"
        "3、手机欠费停机后充值复机第一天无法接收 SP 短信(欠费停机,缴费以后一般是 24 小时恢复的,"
        "基本是 24 小时以内。建议您更换手机号码或者第二天重新获取)。\n"
        "4、客户是否有关闭接收短信功能,开启重新提交发送。\n"
        "5、长时间不关机,需要关机重启试下。\n"
        "6、是不是双卡双待的手机,建议把两张卡换一下再试下。",
    ),
    (
        "登录后提示当前手机号已被其他人员绑定",
        "用户中心-账户设置",
        "核实账户设置里的手机号是否一致,点击用户中心--账户设置,手机号后面的小铅笔图标进行修改。",
    ),
)

# Staff accounts of the demonstration (README lists them). Never used in production:
# ``make run`` loads them only when PORTAL_DEMO_DATA is on.
DEMO_STAFF = (
    ("admin", "系统", "管理员", "admin@demo.mohurd.local", ADMIN, "Admin@2026demo"),
    ("editor", "信息", "发布员", "editor@demo.mohurd.local", CONTENT_EDITOR, "Editor@2026demo"),
    ("accounts", "账号", "管理员", "accounts@demo.mohurd.local", ACCOUNT_OFFICER, "Accounts@2026demo"),
    ("acceptor", "受理", "员", "acceptor@demo.mohurd.local", ACCEPTANCE_OFFICER, "Acceptor@2026demo"),
    ("reviewer", "审查", "员", "reviewer@demo.mohurd.local", REVIEW_OFFICER, "Reviewer@2026demo"),
    ("approver", "审批", "员", "approver@demo.mohurd.local", DECISION_OFFICER, "Approver@2026demo"),
    ("issuer", "制证", "员", "issuer@demo.mohurd.local", ISSUING_OFFICER, "Issuer@2026demo"),
    ("statistician", "统计", "员", "statistician@demo.mohurd.local", STATISTICIAN, "Statistician@2026demo"),
    ("sectionhead", "审批", "科长", "sectionhead@demo.mohurd.local", SECTION_HEAD, "Sectionhead@2026demo"),
    ("catalogue", "事项", "管理员", "catalogue@demo.mohurd.local", CATALOGUE_ADMIN, "Catalogue@2026demo"),
    ("registers", "登记", "管理员", "registers@demo.mohurd.local", REGISTER_ADMIN, "Registers@2026demo"),
    ("auditor", "审计", "员", "auditor@demo.mohurd.local", AUDITOR, "Auditor@2026demo"),
)

# Demonstration citizens and companies (README lists them). Numbers are generated
# with valid check digits; none belongs to a real person or company.
DEMO_PERSON_ID = docs.make_resident_id("110105", datetime.date(1980, 5, 12), 35)
DEMO_PERSON_PHONE = "13800138000"
DEMO_PERSON_PASSWORD = "Citizen@2026"
DEMO_COMPANY_USCC = docs.make_uscc("91110105MA01B2C3X")
DEMO_COMPANY_NAME = "北京建工示范建设集团有限公司"
DEMO_COMPANY_PHONE = "13900139000"
DEMO_COMPANY_PASSWORD = "Company@2026"
DEMO_COMPANY_REP_ID = docs.make_resident_id("110108", datetime.date(1972, 3, 8), 52)
# The register already shows the company's new legal representative, so that
# 法人变更 can be demonstrated end to end.
DEMO_NEW_REP_NAME = "王志强"
DEMO_NEW_REP_ID = docs.make_resident_id("110102", datetime.date(1978, 11, 20), 17)
DEMO_OTHER_USCC = docs.make_uscc("91310115MA1K4L5M6")

DEMO_REGISTER = (
    (DEMO_COMPANY_USCC, DEMO_COMPANY_NAME, docs.LegalEntityType.ENTERPRISE.value, DEMO_NEW_REP_NAME, DEMO_NEW_REP_ID),
    (
        DEMO_OTHER_USCC,
        "上海示范工程咨询有限公司",
        docs.LegalEntityType.ENTERPRISE.value,
        "陈静",
        docs.make_resident_id("310115", datetime.date(1983, 7, 1), 28),
    ),
)


def accounts_with_demo_passwords() -> list[str]:
    """The demonstration accounts that still sign in with their published password."""
    candidates = [
        (db.session.query(Account).filter_by(username=username).first(), username, password)
        for username, _first, _last, _email, _role, password in DEMO_STAFF
    ]
    candidates.append(
        (find_account_for_login(AccountKind.PERSONAL, DEMO_PERSON_ID), DEMO_PERSON_ID, DEMO_PERSON_PASSWORD)
    )
    candidates.append(
        (find_account_for_login(AccountKind.LEGAL, DEMO_COMPANY_USCC), DEMO_COMPANY_USCC, DEMO_COMPANY_PASSWORD)
    )
    return [
        name
        for account, name, password in candidates
        if account is not None and account.password and check_password_hash(account.password, password)
    ]


def seed_faq() -> int:
    if db.session.query(FaqEntry.id).first() is not None:
        return 0
    for position, (question, location, answer) in enumerate(FAQ_ENTRIES, start=1):
        db.session.add(FaqEntry(position=position, question=question, location=location, answer=answer))
    return len(FAQ_ENTRIES)


def seed_staff(appbuilder) -> int:
    sm = appbuilder.sm
    created = 0
    for username, first, last, email, role_name, password in DEMO_STAFF:
        if sm.find_user(username=username) is not None:
            continue
        role = sm.find_role(role_name) or sm.add_role(role_name)
        if sm.add_user(username, first, last, email, role, password=password):
            created += 1
    return created


def seed_reference_data() -> dict:
    """What every installation needs, demonstration or not."""
    from app.seed.catalogue import seed_catalogue

    return {
        "settings": seed_settings(current_app.config["PORTAL_SITE"]),
        "faq": seed_faq(),
        "catalogue": seed_catalogue(),
    }


# 成立日期 in the enterprise register (房地产开发企业一级资质核定 counts five years of development from it).
DEMO_ESTABLISHED = {DEMO_COMPANY_USCC: datetime.date(2008, 6, 18), DEMO_OTHER_USCC: datetime.date(2016, 3, 1)}


def seed_register() -> int:
    existing = {entry.uscc: entry for entry in db.session.query(EnterpriseRegisterEntry)}
    created = 0
    for uscc, name, entity_type, rep_name, rep_id in DEMO_REGISTER:
        if uscc in existing:
            if existing[uscc].established_on is None:  # registers seeded before the date was kept
                existing[uscc].established_on = DEMO_ESTABLISHED[uscc]
            continue
        db.session.add(
            EnterpriseRegisterEntry(
                uscc=uscc,
                name=name,
                entity_type=entity_type,
                legal_rep_name=rep_name,
                legal_rep_document_type=docs.DocumentType.RESIDENT_ID.value,
                legal_rep_document_number=rep_id,
                established_on=DEMO_ESTABLISHED[uscc],
            )
        )
        created += 1
    return created


def _no_sms_needed(phone):
    return {}


def seed_portal_users() -> int:
    """One personal and one legal-entity account, registered through the real service."""
    created = 0
    if db.session.query(Account.id).filter_by(phone=DEMO_PERSON_PHONE).first() is None:
        register_personal(
            PersonalRegistration(
                person=PersonDetails(
                    document_type=docs.DocumentType.RESIDENT_ID.value,
                    document_number=DEMO_PERSON_ID,
                    name="张建国",
                    valid_from=datetime.date(2018, 5, 20),
                    valid_to=datetime.date(2038, 5, 20),
                    gender="M",
                ),
                phone=DEMO_PERSON_PHONE,
                email="zhangjianguo@example.cn",
                password=DEMO_PERSON_PASSWORD,
            ),
            sms_check=_no_sms_needed,
        )
        created += 1
    if db.session.query(Account.id).filter_by(phone=DEMO_COMPANY_PHONE).first() is None:
        register_legal(
            LegalRegistration(
                entity_type=docs.LegalEntityType.ENTERPRISE.value,
                enterprise_name=DEMO_COMPANY_NAME,
                uscc=DEMO_COMPANY_USCC,
                legal_rep=PersonDetails(
                    document_type=docs.DocumentType.RESIDENT_ID.value,
                    document_number=DEMO_COMPANY_REP_ID,
                    name="李明华",
                    valid_from=datetime.date(2015, 3, 1),
                    valid_to=None,
                ),
                phone=DEMO_COMPANY_PHONE,
                email="contact@bjjg-demo.example.cn",
                password=DEMO_COMPANY_PASSWORD,
            ),
            sms_check=_no_sms_needed,
        )
        created += 1
    return created


# What the qualification register prints of each company (address, registered capital in 万元, legal representative).
DEMO_COMPANY_PARTICULARS = {
    DEMO_COMPANY_USCC: ("北京市朝阳区建国路88号", "50000", "李明华"),
    DEMO_OTHER_USCC: ("上海市浦东新区张江路100号", "3000", "陈静"),
}

DEMO_QUALIFICATIONS = (
    # (uscc, name, kind, qualification, grade, certificate number, province)
    (DEMO_COMPANY_USCC, DEMO_COMPANY_NAME, "建筑业企业", "建筑工程施工总承包", "一级", "D111000001", "北京市"),
    (DEMO_OTHER_USCC, "上海示范工程咨询有限公司", "工程监理企业", "工程监理综合资质", "综合", "E131000002", "上海市"),
)


def seed_registers() -> int:
    """张建国 holds 一级建造师 certificates (not yet registered: initial registration can be
    tried) and a valid 一级注册建筑师 registration (renewal and change can be tried)."""
    if db.session.query(QualificationCertificate.id).filter_by(holder_document_number=DEMO_PERSON_ID).first():
        return 0
    today = clock.today()
    for uscc, name, kind, qualification, grade, number, province in DEMO_QUALIFICATIONS:
        address, capital, legal_rep = DEMO_COMPANY_PARTICULARS[uscc]
        db.session.add(
            EnterpriseQualification(
                address=address,
                registered_capital=capital,
                legal_rep_name=legal_rep,
                enterprise_name=name,
                uscc=uscc,
                kind=kind,
                qualification=qualification,
                grade=grade,
                certificate_number=number,
                province=province,
                valid_from=today.replace(year=today.year - 2),
                valid_to=today.replace(year=today.year + 3),
            )
        )
    for specialty, number in (("建筑工程", "BJ20100012345"), ("机电工程", "BJ20120054321")):
        db.session.add(
            QualificationCertificate(
                holder_name="张建国",
                holder_document_type="resident_id",
                holder_document_number=DEMO_PERSON_ID,
                qualification="constructor_1",
                specialty=specialty,
                certificate_number=number,
                issued_on=datetime.date(2010, 9, 20),
            )
        )
    db.session.add(
        QualificationCertificate(
            holder_name="张建国",
            holder_document_type="resident_id",
            holder_document_number=DEMO_PERSON_ID,
            qualification="architect_1",
            specialty="建筑",
            certificate_number="JZ2008000777",
            issued_on=datetime.date(2008, 12, 1),
        )
    )
    valid_to = today + datetime.timedelta(days=400)
    registration = PersonRegistration(
        holder_name="张建国",
        holder_document_type="resident_id",
        holder_document_number=DEMO_PERSON_ID,
        qualification="architect_1",
        registration_number="京一注建2024000123",
        employer_name=DEMO_COMPANY_NAME,
        employer_uscc=DEMO_COMPANY_USCC,
        valid_from=valid_to.replace(year=valid_to.year - 3),
        valid_to=valid_to,
    )
    registration.specialties.append(RegisteredSpecialty(specialty="建筑", valid_to=valid_to))
    db.session.add(registration)
    return 1


def seed_certificates() -> int:
    """张建国's registrations have their electronic certificates (我的证照)."""
    from app.services.certificates import lifecycle as certificates

    created = 0
    for registration in db.session.query(PersonRegistration).filter_by(holder_document_number=DEMO_PERSON_ID):
        if db.session.query(ElectronicCertificate.id).filter_by(registration_id=registration.id).first() is None:
            certificates.issue_for(registration, registration.valid_from)
            created += 1
    # the demonstration company's 建筑业企业资质证书 (a change or a lost-certificate replacement can be tried)
    for qualification in db.session.query(EnterpriseQualification).filter_by(uscc=DEMO_COMPANY_USCC, kind="建筑业企业"):
        if (
            db.session.query(ElectronicCertificate.id).filter_by(enterprise_qualification_id=qualification.id).first()
            is None
        ):
            certificates.issue_for_enterprise(qualification, qualification.valid_from)
            created += 1
    return created


def seed_demo_data(appbuilder) -> dict:
    return {
        "staff": seed_staff(appbuilder),
        "enterprise_register": seed_register(),
        "portal_users": seed_portal_users(),
        "registers": seed_registers(),
        "certificates": (db.session.flush(), seed_certificates())[1],
        "articles": seed_demo_articles(),
        "public_registers": seed_demo_registers(),
    }
