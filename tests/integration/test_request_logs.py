"""Logs (issue 21 item 3): one JSON line per request with its request id, and the request id on every error page
and in the background jobs' lines."""

import io
import json
import logging
import re

import pytest
from flask import abort

from app import create_app, log_context, log_format
from app.log_format import REQUEST_LOGGER

REQUEST_ID = "trace-21.abc_DEF"


def request_lines(caplog) -> list[dict]:
    """The request lines of ``caplog`` as the JSON handler writes them."""
    formatter, context = log_format.json_formatter(), log_format.ContextFilter()
    lines = []
    for record in caplog.records:
        if record.name == REQUEST_LOGGER:
            context.filter(record)
            lines.append(json.loads(formatter.format(record)))
    return lines


@pytest.fixture
def request_log(caplog):
    caplog.set_level(logging.INFO, logger=REQUEST_LOGGER)
    return caplog


def test_one_json_line_per_request_with_its_fields(client, request_log):
    response = client.get("/notices/", headers={"X-Request-Id": REQUEST_ID})
    assert response.status_code == 200 and response.headers["X-Request-Id"] == REQUEST_ID
    (line,) = request_lines(request_log)
    assert line["logger"] == REQUEST_LOGGER and line["level"] == "INFO" and line["time"]
    assert line["request_id"] == REQUEST_ID
    assert line["method"] == "GET" and line["endpoint"] == "articles.notices" and line["route"] == "/notices/"
    assert line["status"] == 200 and isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["account_id"] is None


def test_a_request_without_an_id_is_given_one_and_answers_with_it(client, request_log):
    response = client.get("/no-such-page")
    made = response.headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    (line,) = request_lines(request_log)
    assert line["request_id"] == made and line["status"] == 404 and line["endpoint"] is None
    assert made in response.get_data(as_text=True)


def test_the_line_names_the_route_never_the_address_or_query_string(client, registers, request_log):
    client.get("/query/people", query_string={"name": "陈立新"})
    client.get("/query/people/京111152600077")
    logged = "\n".join(json.dumps(line, ensure_ascii=False) for line in request_lines(request_log))
    assert [line["route"] for line in request_lines(request_log)] == [
        "/query/people",
        "/query/people/<registration_number>",
    ]
    assert "陈立新" not in logged and "京111152600077" not in logged and "name=" not in logged


def test_the_account_is_logged_from_the_sign_in_on(client, db, register_person, request_log):
    from app.models import Account

    person = register_person()
    account = db.session.query(Account).filter_by(phone=person["phone"]).one()
    request_log.clear()
    client.post(
        "/account/login",
        data={"kind": "personal", "identifier": person["phone"], "password": person["password"]},
    )
    client.get("/user/")
    client.post("/account/logout")
    client.get("/")
    assert [line["account_id"] for line in request_lines(request_log)] == [account.id, account.id, None, None]


@pytest.fixture
def bare_app():
    """A separate app, so that test-only routes can be added before its first request."""
    return create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "PROPAGATE_EXCEPTIONS": False})


SUPPORT = "请将此编号告知技术支持"


@pytest.mark.parametrize("code", [400, 403, 404, 405, 413, 429, 500])
def test_every_error_page_shows_the_request_id(bare_app, code, caplog):
    @bare_app.route("/__error")
    def error():
        if code == 500:
            raise RuntimeError("boom")
        abort(code)

    caplog.set_level(logging.INFO, logger=REQUEST_LOGGER)
    response = bare_app.test_client().get("/__error", headers={"X-Request-Id": REQUEST_ID})
    html = response.get_data(as_text=True)
    assert response.status_code == code
    assert SUPPORT in html and f"<code>{REQUEST_ID}</code>" in html
    assert [line["request_id"] for line in request_lines(caplog)] == [REQUEST_ID]


def test_the_query_limit_page_and_the_expired_form_page_show_the_request_id(app, client, registers, monkeypatch):
    monkeypatch.setitem(app.config, "QUERY_RATE_LIMIT_PER_MINUTE", 1)
    client.get("/query/people", query_string={"name": "陈"})
    refused = client.get("/query/people", query_string={"name": "陈"}, headers={"X-Request-Id": REQUEST_ID})
    assert refused.status_code == 429 and REQUEST_ID in refused.get_data(as_text=True)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    expired = client.post("/account/login", data={"identifier": "x"}, headers={"X-Request-Id": REQUEST_ID})
    assert expired.status_code == 400 and "页面已过期" in expired.get_data(as_text=True)
    assert SUPPORT in expired.get_data(as_text=True) and REQUEST_ID in expired.get_data(as_text=True)


def test_the_back_office_error_page_shows_the_request_id(client, staff_factory, login_staff):
    staff_factory("Statistician", username="tjy021")
    login_staff("tjy021")
    response = client.get("/users/list/", headers={"X-Request-Id": REQUEST_ID})
    html = response.get_data(as_text=True)
    assert response.status_code == 403 and 'id="back-to-desk"' in html
    assert SUPPORT in html and REQUEST_ID in html


def test_the_english_error_page_says_it_in_english(client):
    client.get("/language/en")
    html = client.get("/missing", headers={"X-Request-Id": REQUEST_ID}).get_data(as_text=True)
    assert "Please give this number to technical support" in html and REQUEST_ID in html


def test_a_job_logs_the_request_id_of_the_request_that_queued_it(client, db, known_captcha):
    stream = io.StringIO()
    logger = logging.getLogger("app.services.platform.sms")
    handler = logging.StreamHandler(stream)
    handler.setFormatter(log_format.json_formatter())
    handler.addFilter(log_format.ContextFilter())
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        challenge = client.get("/verify/captcha").get_json()["id"]
        response = client.post(
            "/verify/sms",
            data={"phone": "13712345678", "purpose": "register", "captcha": known_captcha, "captcha_id": challenge},
            headers={"X-Request-Id": REQUEST_ID},
        )
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert response.status_code == 200
    (sent,) = [json.loads(line) for line in stream.getvalue().splitlines() if "sent" in line]
    assert sent["request_id"] == REQUEST_ID and f"request={REQUEST_ID}" in sent["message"]


def test_the_worker_writes_json_lines_with_the_request_of_the_job(app, monkeypatch):
    """app/worker.py turns the handlers Celery gave its loggers to JSON lines (LOG_FORMAT=json)."""
    stream = io.StringIO()
    logger = logging.getLogger("celery.task.test-json")
    logger.handlers = [logging.StreamHandler(stream)]
    logger.propagate = False
    try:
        log_format.use_json_on(logger)
        with log_context.bound({"request_id": REQUEST_ID, "account_id": 7}):
            logger.warning("job done")
    finally:
        logger.handlers = []
    line = json.loads(stream.getvalue())
    assert line["message"] == "job done" and line["request_id"] == REQUEST_ID and line["account_id"] == 7


def test_json_is_chosen_by_configuration_and_text_stays_the_default(capsys):
    root = logging.getLogger()
    level = root.level
    try:
        log_format.configure({"LOG_FORMAT": "text"})
        assert not [h for h in root.handlers if getattr(h, "_portal_handler", False)]
        log_format.configure({"LOG_FORMAT": "json"})
        log_format.configure({"LOG_FORMAT": "json"})  # a second app in the process: still one handler
        ours = [h for h in root.handlers if getattr(h, "_portal_handler", False)]
        assert len(ours) == 1 and root.level == logging.INFO
        logging.getLogger("app.example").info("hello %s", "world")
        line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
        assert line["message"] == "hello world" and line["logger"] == "app.example" and line["request_id"] is None
    finally:
        for handler in [h for h in root.handlers if getattr(h, "_portal_handler", False)]:
            root.removeHandler(handler)
        root.setLevel(level)
