"""Numbers no id can be: 2**31 and 2**63 (past PostgreSQL's INTEGER and BIGINT), -1, a 30-digit number and
full-width digits, in every id of a path, in the forms' hidden ids, in FAB's ``rowid`` lists and in the query
string. Each is a 400 or a 404 (an unknown record), never a 5xx and never somebody's record."""

import pytest

from app.roles import ADMIN
from tests.routes import methods_of, routes, takes_an_id, url_for_rule

NUMBERS = {"2**31": 2**31, "2**63": 2**63, "-1": -1, "10**30": 10**30, "full-width 1": "１"}
FORM_IDS = ("certificate_id", "message_id", "rowid", "case_id", "event_id", "attachment_id", "page")


@pytest.mark.parametrize("who", ["anonymous", "citizen A", ADMIN])
def test_every_id_in_a_path_is_a_404_never_a_5xx(app, world, who):
    client = world.clients[who]
    wrong, tried = [], 0
    for label, rule in ((label, rule) for label in NUMBERS for rule in routes(app)):
        if not takes_an_id(rule):
            continue
        url = url_for_rule(rule, 1, "pdf", {"code": world.case.item.code, "number": world.case.number})
        # Put the number where the id goes (the converter would not build a negative or full-width one).
        url = url.replace("/1/", f"/{NUMBERS[label]}/").replace("/1.", f"/{NUMBERS[label]}.")
        if url.endswith("/1"):
            url = url[:-1] + str(NUMBERS[label])
        for method in methods_of(rule):
            tried += 1
            status = client.open(url, method=method).status_code
            if status != 404 and not (status == 302 and who == "anonymous"):
                wrong.append(f"{method} {url}: {status}")
    assert tried > 60 * len(NUMBERS) and not wrong, "\n".join(wrong)


@pytest.mark.parametrize("who", ["citizen A", ADMIN])
def test_every_form_id_and_rowid_is_refused_never_a_5xx(app, world, who):
    client = world.clients[who]
    wrong, tried = [], 0
    for value, rule in ((str(number), rule) for number in NUMBERS.values() for rule in routes(app)):
        if "POST" not in rule.methods:
            continue
        url = url_for_rule(rule, world.ids["case_id"], "x", {"code": world.case.item.code, **world.ids})
        data = {name: value for name in FORM_IDS}
        if rule.endpoint.endswith(".action_post"):
            view = app.view_functions[rule.endpoint].__self__
            data["action"] = next(iter(view.actions), "x")
        tried += 1
        response = client.post(url, data=data)
        if response.status_code >= 500:
            wrong.append(f"POST {url}: {response.status_code}")
        refused_here = rule.endpoint.endswith(".action_post") or (who != ADMIN and rule.endpoint.endswith(".mark_read"))
        if refused_here and response.status_code != 404:
            wrong.append(f"POST {url}: {response.status_code}, not a 404")
    assert tried > 50 * len(NUMBERS) and not wrong, "\n".join(wrong)


def test_a_certificate_or_message_id_past_integer_is_an_unknown_record(world):
    client = world.clients["citizen A"]
    for data in ({"certificate_id": 2**31, "purpose": "bidding"}, {"certificate_id": "１", "purpose": "bidding"}):
        response = client.post("/user/certificates", data=data)
        assert response.status_code == 404 and "页面不存在" in response.get_data(as_text=True)
    assert client.post("/user/messages/read", data={"message_id": 2**63}).status_code == 404
    # A's own message, named properly, is still marked read.
    assert client.post("/user/messages/read", data={"message_id": world.ids["message_id"]}).status_code == 302


def test_a_fab_action_the_view_does_not_have_is_a_404_for_everyone(world):
    for who in ("anonymous", ADMIN):
        client = world.clients[who]
        assert client.post(f"/portalaccountadminview/action/nonsense/{world.ids['pk']}").status_code == 404
        assert client.post("/users/action_post", data={"action": "nonsense", "rowid": "1"}).status_code == 404
        assert client.post("/users/action_post", data={"rowid": "1"}).status_code == 404
    admin = world.clients[ADMIN]
    response = admin.post("/portalaccountadminview/action_post", data={"action": "unlock", "rowid": str(2**31)})
    assert response.status_code == 404


def test_the_workflow_queue_page_number_past_any_page_is_no_5xx(world):
    for page in ("2147483648", "9223372036854775808", "-1", "1" * 30):
        assert world.clients[ADMIN].get(f"/admin/workflow/?page={page}").status_code == 200
