"""The model factories build rows the database and the portal's own rules accept."""

import datetime

from app import clock
from app.models import (
    Account,
    Application,
    ApplicationEvent,
    Article,
    EnterpriseQualification,
    PersonRegistration,
    RegisteredSpecialty,
)
from app.services.accounts.identity_documents import validate_document, validate_uscc
from app.services.registers import queries as rq
from tests.factories import (
    AccountFactory,
    ApplicationFactory,
    ArticleAttachmentFactory,
    ArticleFactory,
    EnterpriseQualificationFactory,
    LegalAccountFactory,
    PersonRegistrationFactory,
    QualificationCertificateFactory,
)


def test_accounts_are_valid_citizens_with_distinct_documents_and_phones(db):
    accounts = AccountFactory.create_batch(3)
    db.session.commit()
    assert db.session.query(Account).filter_by(kind="personal", status="active").count() == 3
    assert len({a.document_number for a in accounts}) == len({a.phone for a in accounts}) == 3
    for account in accounts:
        assert validate_document("resident_id", account.document_number).number == account.document_number
        assert account.display_name == "刘德明" and account.masked_phone.startswith("137")


def test_a_legal_account_carries_its_enterprise(db):
    first, second = LegalAccountFactory.create_batch(2)
    db.session.commit()
    assert first.kind == "legal" and first.enterprise_id != second.enterprise_id
    assert validate_uscc(first.enterprise.uscc) == first.enterprise.uscc
    assert first.display_name == first.enterprise.name


def test_register_rows_are_valid_and_searchable(db):
    registrations = PersonRegistrationFactory.create_batch(3, specialty_names=("建筑工程", "机电工程"))
    companies = EnterpriseQualificationFactory.create_batch(2)
    QualificationCertificateFactory()
    db.session.commit()
    assert db.session.query(PersonRegistration).count() == 3
    assert db.session.query(RegisteredSpecialty).filter_by(specialty="机电工程", province="北京市").count() == 3
    assert {r.province for r in registrations} == {"北京市"}
    assert all(validate_uscc(c.uscc) == c.uscc for c in companies)
    assert db.session.query(EnterpriseQualification).filter(EnterpriseQualification.valid_to > clock.today()).count()
    page = rq.search_people(name="刘德", specialty="机电工程")
    assert [hit.registration_number for hit in page.items] == sorted(r.registration_number for r in registrations)


def test_a_case_has_its_timeline_up_to_its_status(db):
    issued = ApplicationFactory(status="issued", event_remarks="内部备注")
    submitted = ApplicationFactory()
    db.session.commit()
    assert [e.to_status for e in issued.events] == ["submitted", "accepted", "under_review", "approved", "issued"]
    assert issued.events[1].office == "受理处室" and issued.events[-1].remarks == "内部备注"
    assert issued.events[-1].created_at - issued.events[0].created_at == datetime.timedelta(days=4)
    assert [e.action for e in submitted.events] == ["submit"]
    assert submitted.account_id != issued.account_id and submitted.number != issued.number
    assert db.session.query(Application).filter_by(status="issued").one().item.online_kind == "constructor_initial"
    assert db.session.query(ApplicationEvent).count() == 6
    result = rq.progress_lookup(issued.number, "刘德明")
    assert result.applicant == "刘**" and len(result.steps) == 5


def test_articles_are_prepared_as_the_back_office_saves_them(db):
    article = ArticleFactory(title="  关于  开展检查的公告 ", body_html="<p>正文<script>x()</script></p>")
    ArticleAttachmentFactory.create_batch(2, article=article)
    draft = ArticleFactory(status="draft", publish_at=None)
    db.session.commit()
    assert article.title == "关于 开展检查的公告" and "<script" not in article.body_html
    assert article.body_text == "正文"
    assert len(db.session.get(Article, article.id).attachments) == 2
    assert draft.publish_at is None
