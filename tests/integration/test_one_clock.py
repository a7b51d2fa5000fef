"""One clock (issue 22): every date of the portal is a Beijing date, at every awkward moment.

Each test travels to a moment where the machine's date (UTC) and the Beijing
date disagree or where the calendar turns (midnight, new year, 29 February,
public holidays and 调休 working days) and asserts the Beijing date written out
by hand, under several machine time zones.
"""

import datetime
import io
import os
import re
import subprocess
import sys
import time
import zipfile

import pytest
import time_machine

from app import clock
from app.models import Account, Application, PersonRegistration, RegisteredSpecialty
from app.services.accounts.identity_documents import DocumentError, check_validity_period
from app.services.cases.working_days import WorkingCalendar
from app.services.certificates import lifecycle as certificates
from app.services.certificates.fonts import build_font
from app.services.certificates.layout import PageLayout
from app.services.certificates.ofd_writer import write_ofd
from app.services.platform import sms

D = datetime.date

# (instant in UTC, the Beijing date at that instant)
MOMENTS = {
    "15:59 UTC, 23:59 in Beijing": ("2026-12-02T15:59:00+00:00", D(2026, 12, 2)),
    "16:01 UTC, already the next day in Beijing": ("2026-12-02T16:01:00+00:00", D(2026, 12, 3)),
    "23:59 in Beijing on 31 December": ("2026-12-31T15:59:00+00:00", D(2026, 12, 31)),
    "new year in Beijing, old year in UTC": ("2026-12-31T16:01:00+00:00", D(2027, 1, 1)),
    "29 February in Beijing, 28 in UTC": ("2028-02-28T16:30:00+00:00", D(2028, 2, 29)),
    "the day before National Day": ("2026-09-30T15:30:00+00:00", D(2026, 9, 30)),
    "National Day in Beijing, the day before in UTC": ("2026-09-30T16:30:00+00:00", D(2026, 10, 1)),
    "the first working day after National Day": ("2026-10-07T16:30:00+00:00", D(2026, 10, 8)),
    "a 调休 Saturday worked in exchange": ("2026-10-09T16:30:00+00:00", D(2026, 10, 10)),
}

# Five working days (the acceptance limit) after the days of the 2026 moments, by the State
# Council's 2026 calendar: National Day 1-7 October, 10 October (Saturday) worked in exchange.
FIVE_WORKING_DAYS_AFTER = {
    D(2026, 12, 2): D(2026, 12, 9),
    D(2026, 12, 3): D(2026, 12, 10),
    D(2026, 9, 30): D(2026, 10, 13),  # 8, 9, 10 (调休), 12, 13
    D(2026, 10, 1): D(2026, 10, 13),
    D(2026, 10, 8): D(2026, 10, 14),  # 9, 10 (调休), 12, 13, 14
    D(2026, 10, 10): D(2026, 10, 16),  # 12 ... 16
}

MACHINE_ZONES = ["UTC", "Asia/Shanghai", "America/Los_Angeles"]


@pytest.fixture(params=list(MOMENTS), ids=list(MOMENTS))
def moment(request):
    instant, beijing_day = MOMENTS[request.param]
    with time_machine.travel(datetime.datetime.fromisoformat(instant), tick=True):
        yield beijing_day


@pytest.fixture(params=MACHINE_ZONES)
def machine_zone(request, monkeypatch):
    """The machine's own time zone, as TZ sets it for the process."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


def test_today_is_the_beijing_date_whatever_the_machine_zone(machine_zone, moment):
    assert clock.today() == moment
    assert clock.china_date(clock.now()) == moment


def test_a_case_number_and_its_times_are_beijing_ones(client, db, submit_constructor_case, moment):
    _, account, _ = submit_constructor_case(client)
    application = db.session.query(Application).filter_by(account_id=account.id).one()
    assert application.number.startswith(moment.strftime("%Y%m%d"))

    page = client.get(f"/user/cases/{application.number}").get_data(as_text=True)
    shown = clock.in_china(application.submitted_at).strftime("%Y-%m-%d %H:%M")
    assert shown.startswith(moment.isoformat())
    assert f"{shown}（北京时间）" in page


@pytest.mark.parametrize("moment", [m for m in MOMENTS if MOMENTS[m][1] in FIVE_WORKING_DAYS_AFTER], indirect=True)
def test_the_acceptance_limit_counts_from_the_beijing_day(db, moment):
    calendar = WorkingCalendar.from_database()
    assert calendar.add(clock.today(), 5) == FIVE_WORKING_DAYS_AFTER[moment]


def test_an_identity_document_valid_from_today_in_beijing_is_valid(moment):
    check_validity_period(moment, moment + datetime.timedelta(days=3650))
    with pytest.raises(DocumentError) as refused:
        check_validity_period(moment + datetime.timedelta(days=1), None)
    assert refused.value.code == "start_future"
    with pytest.raises(DocumentError) as expired:
        check_validity_period(D(2000, 1, 1), moment - datetime.timedelta(days=1))
    assert expired.value.code == "expired"


def test_an_endorsement_runs_180_beijing_days(db, register_person, moment):
    person = register_person()
    account = db.session.query(Account).filter_by(phone=person["phone"]).one()
    registration = PersonRegistration(
        holder_name=account.real_name,
        holder_document_type=account.document_type,
        holder_document_number=account.document_number,
        qualification="constructor_1",
        registration_number="京1112015202600099",
        employer_name="北京建工示范建设集团有限公司",
        employer_uscc="91110105MA01B2C3X6",
        valid_from=D(2025, 1, 1),
        valid_to=D(2030, 1, 1),
        status="valid",
    )
    registration.specialties.append(RegisteredSpecialty(specialty="建筑工程", valid_to=registration.valid_to))
    db.session.add(registration)
    db.session.flush()
    certificate = certificates.issue_for(registration)
    assert certificate.issued_on == moment
    endorsement = certificates.endorse(account, certificate, "bidding")
    db.session.commit()
    assert (endorsement.valid_from, endorsement.valid_to) == (moment, moment + datetime.timedelta(days=179))
    assert certificates.verify_code(endorsement.public_code).valid
    expired = certificates.verify_code(endorsement.public_code, moment + datetime.timedelta(days=180))
    assert expired.verdict == certificates.ENDORSEMENT_EXPIRED


def test_an_ofd_document_is_dated_by_the_beijing_day(moment):
    package = write_ofd(PageLayout(title="t"), build_font("证照"), title="t", author="a")
    with zipfile.ZipFile(io.BytesIO(package)) as ofd:
        root = ofd.read("OFD.xml").decode("utf-8")
    assert re.search(r"<ofd:CreationDate>([\d-]+)</ofd:CreationDate>", root).group(1) == moment.isoformat()


def test_the_daily_sms_limit_starts_again_at_midnight_in_beijing(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_DAILY_LIMIT", 2)
    phone = "13912345678"
    with time_machine.travel(datetime.datetime(2026, 12, 2, 15, 58, tzinfo=datetime.UTC), tick=True):
        assert sms.send_code(phone, "register").sent
        assert sms.send_code(phone, "register").sent
        assert sms.send_code(phone, "register").error == "daily_limit"
    with time_machine.travel(datetime.datetime(2026, 12, 2, 16, 1, tzinfo=datetime.UTC), tick=True):
        # Still 2 December on the machine (UTC), already 3 December in Beijing: a new day.
        assert sms.send_code(phone, "register").sent


def test_times_are_shown_in_beijing_time_and_labelled(app, moment):
    from app.formatting import beijing_time

    instant = clock.now()
    with app.test_request_context("/?_l_=zh"):
        shown = beijing_time(instant)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d（北京时间）", shown)
    assert shown.startswith(moment.isoformat())
    with app.test_request_context("/?_l_=en"):
        assert beijing_time(instant).endswith("(Beijing time)")


def test_no_module_asks_the_machine_for_its_local_date():
    """`make lint` runs the same rules; here too, so that `make test` alone catches a regression."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ruff = os.path.join(os.path.dirname(sys.executable), "ruff")
    result = subprocess.run(
        [
            ruff,
            "check",
            "--no-cache",
            "--select",
            "DTZ002,DTZ003,DTZ004,DTZ005,DTZ006,DTZ011,DTZ012,TID251",
            "app",
            "tests",
            "bench",
            "config.py",
            "run.py",
        ],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout
