"""The shared cache of public query pages: recurring queries skip the registers, a change retires them."""

import datetime
import re
from urllib.parse import quote

import pytest
from sqlalchemy import event

from app.models import Account, PersonRegistration, RegisteredSpecialty
from app.services.platform.shared_store import get_store
from app.services.registers import generation as register_generation

QUERY = {"name": "陈立", "qualification": "constructor_1"}


pytestmark = pytest.mark.usefixtures("generous_query_limits")


@pytest.fixture
def register_reads(app):
    """How many statements read the person register (the queries a cached page does not make)."""
    seen = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if "person_registration" in statement and statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    engine = app.extensions["sqlalchemy"].engine
    event.listen(engine, "before_cursor_execute", count)
    yield seen
    event.remove(engine, "before_cursor_execute", count)


def results(response) -> str:
    html = response.get_data(as_text=True)
    match = re.search(r'<section class="panel query-results".*?</section>', html, re.S)
    return match.group(0) if match else ""


def add_person(db, name: str, number: str) -> None:
    registration = PersonRegistration(
        holder_name=name,
        holder_document_type="resident_id",
        holder_document_number="11010519860402" + number[-4:],
        qualification="constructor_1",
        registration_number=number,
        employer_name="华岳示范建设工程有限公司",
        employer_uscc="91110105MA01B2C3X0",
        valid_from=datetime.date(2026, 1, 1),
        valid_to=datetime.date(2029, 1, 1),
        province="北京市",
    )
    registration.specialties.append(RegisteredSpecialty(specialty="建筑工程", valid_to=datetime.date(2029, 1, 1)))
    db.session.add(registration)
    db.session.commit()


def test_a_recurring_query_is_answered_without_reading_the_register(client, registers, register_reads):
    first = client.get("/query/people", query_string=QUERY)
    reads = len(register_reads)
    assert first.status_code == 200 and "陈立新" in results(first) and reads >= 1
    again = client.get("/query/people", query_string=QUERY)
    assert again.status_code == 200 and len(register_reads) == reads
    assert results(again) == results(first)
    other_visitor = client.application.test_client().get(
        "/query/people", query_string=QUERY, environ_base={"REMOTE_ADDR": "203.0.113.7"}
    )
    assert results(other_visitor) == results(first) and len(register_reads) == reads
    detail_url = "/query/people/" + quote(
        registers.session.query(PersonRegistration).filter_by(holder_name="陈立新").one().registration_number
    )
    client.get(detail_url)
    reads = len(register_reads)
    assert "陈立新" in client.get(detail_url).get_data(as_text=True) and len(register_reads) == reads


def test_a_register_change_shows_at_once(client, registers):
    assert "陈立本" not in results(client.get("/query/people", query_string=QUERY))
    add_person(registers, "陈立本", "京111202600999")
    assert "陈立本" in results(client.get("/query/people", query_string=QUERY))


def test_a_cancelled_registration_shows_as_cancelled_at_once(client, registers):
    person = registers.session.query(PersonRegistration).filter_by(holder_name="陈立新").one()
    url = "/query/people/" + quote(person.registration_number)
    assert "已注销" not in client.get(url).get_data(as_text=True)
    person.status = "cancelled"
    registers.session.commit()
    assert "已注销" in client.get(url).get_data(as_text=True)


def test_a_rolled_back_change_keeps_the_generation(app, registers):
    before = register_generation.current()
    registers.session.add(
        PersonRegistration(
            holder_name="未提交",
            holder_document_type="resident_id",
            holder_document_number="X1",
            qualification="constructor_1",
            registration_number="京111202600998",
            employer_name="某",
            employer_uscc="X",
            valid_from=datetime.date(2026, 1, 1),
            valid_to=datetime.date(2029, 1, 1),
        )
    )
    registers.session.flush()
    registers.session.rollback()
    assert register_generation.current() == before


def test_only_changes_the_queries_show_move_the_generation(app, registers, submit_constructor_case):
    client = app.test_client()
    submit_constructor_case(client)
    account = registers.session.query(Account).filter_by(kind="personal").one()
    before = register_generation.current()
    account.email = "another@example.cn"  # not shown by any query
    registers.session.commit()
    assert register_generation.current() == before
    account.document_number = account.document_number[:-1] + ("X" if account.document_number[-1] != "X" else "1")
    registers.session.commit()
    assert register_generation.current() == before + 1


def test_another_process_changing_a_register_is_seen_after_the_refresh(
    app, client, registers, register_reads, monkeypatch
):
    client.get("/query/people", query_string=QUERY)
    reads = len(register_reads)
    get_store().incr(register_generation.KEY, 3600)  # what bump() in another process does
    client.get("/query/people", query_string=QUERY)
    assert len(register_reads) == reads  # this process has not looked again yet
    monkeypatch.setattr(register_generation, "REFRESH_SECONDS", 0)
    client.get("/query/people", query_string=QUERY)
    assert len(register_reads) > reads


def test_identity_number_searches_are_never_shared(client, registers, register_reads):
    person = registers.session.query(PersonRegistration).filter_by(holder_name="陈立新").one()
    for _ in range(2):
        moved = client.get("/query/people", query_string={"document_number": person.holder_document_number})
        reads = len(register_reads)
        assert "陈立新" in results(client.get(moved.headers["Location"]))
        assert len(register_reads) > reads


@pytest.mark.parametrize(
    "query_string",
    ["name=陈立&qualification=constructor_1&x=1", "name=陈立&name=陈立&qualification=constructor_1"],
)
def test_addresses_with_unread_or_repeated_parameters_are_not_shared(client, registers, register_reads, query_string):
    client.get("/query/people?" + query_string)
    reads = len(register_reads)
    again = client.get("/query/people?" + query_string)
    assert "陈立新" in results(again) and len(register_reads) > reads


def test_the_cache_can_be_turned_off(app, client, registers, register_reads, monkeypatch):
    monkeypatch.setitem(app.config, "QUERY_CACHE_SECONDS", 0)
    client.get("/query/people", query_string=QUERY)
    reads = len(register_reads)
    client.get("/query/people", query_string=QUERY)
    assert len(register_reads) > reads


def test_a_signed_in_citizen_gets_their_own_frame_around_shared_results(app, registers, submit_constructor_case):
    visitor = app.test_client()
    anonymous = visitor.get("/query/people", query_string=QUERY).get_data(as_text=True)
    assert 'name="csrf-token"' not in anonymous  # nothing on a query page posts: the page can be shared
    citizen = app.test_client()
    submit_constructor_case(citizen)
    mine = citizen.get("/query/people", query_string=QUERY).get_data(as_text=True)
    assert "刘德明" in mine and 'id="logout-button"' in mine and 'name="csrf-token"' in mine
    assert "陈立新" in mine
    again = visitor.get("/query/people", query_string=QUERY).get_data(as_text=True)
    assert "刘德明" not in again and 'id="login-link"' in again


def test_each_language_has_its_own_pages(client, registers):
    chinese = client.get("/query/people", query_string=QUERY).get_data(as_text=True)
    client.get("/language/en")
    english = client.get("/query/people", query_string=QUERY).get_data(as_text=True)
    assert "人员资格查询" in chinese and "Personnel qualification query" in english
    assert "一级建造师" in results(client.application.test_client().get("/query/people", query_string=QUERY))


def test_a_picture_code_page_is_never_taken_from_the_cache(app, client, registers, monkeypatch):
    client.get("/query/people", query_string=QUERY)  # cached for everyone
    monkeypatch.setitem(app.config, "QUERY_CAPTCHA_AFTER", 1)
    second = client.get("/query/people", query_string=QUERY).get_data(as_text=True)
    assert 'name="captcha"' in second and "陈立新" in second  # answered, and the next query needs a code
    third = client.get("/query/people", query_string=QUERY)
    assert results(third) == "" and 'name="captcha"' in third.get_data(as_text=True)


def test_the_factory_installs_the_generation_listeners_once(app, registers):
    register_generation.install()  # a second application in the same process does the same
    before = register_generation.current()
    add_person(registers, "陈立本", "京111202600999")
    assert register_generation.current() == before + 1
