"""The citizen pages every accessibility, language and phone check walks (issue 18 items 3-5).

``walk_citizen_pages(page, live_server, citizen, visit)`` opens each key page in a browser that starts
signed out, signs the citizen in and passes the face checks on the way, and calls ``visit(name)`` on
each page once it has loaded. A *mode* prepares the browser first (normal, English, ...): the lead can
add a mode without touching the walk.
"""

import datetime
import re

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from app import clock
from app.models import Application, Article, PersonRegistration, RegisteredSpecialty, ServiceItem
from app.seed.demo_articles import seed_demo_articles
from app.services.certificates import lifecycle as certificates


def prepare_citizen(db, client, submit_constructor_case):
    """A citizen with a submitted 一级建造师初始注册 and an electronic 一级注册建筑师 certificate; the
    demonstration registers and articles for the queries and the article pages."""
    from app.seed.demo_registers import seed_demo_registers

    seed_demo_registers()
    seed_demo_articles()
    db.session.commit()
    person, account, item = submit_constructor_case(client)
    client.post("/account/logout")
    today = clock.today()
    registration = PersonRegistration(
        holder_name=account.real_name,
        holder_document_type=account.document_type,
        holder_document_number=account.document_number,
        qualification="architect_1",
        registration_number="11110101",
        employer_name="北京建工示范建设集团有限公司",
        employer_uscc="91110105MA01B2C3X6",
        valid_from=today,
        valid_to=today + datetime.timedelta(days=1095),
    )
    registration.specialties.append(RegisteredSpecialty(specialty="建筑", valid_to=registration.valid_to))
    db.session.add(registration)
    db.session.flush()
    certificates.issue_for(registration, today)
    db.session.commit()
    case_number = db.session.query(Application.number).filter_by(account_id=account.id).scalar()
    article = db.session.query(Article).filter_by(column="notice", status="published").first()
    return {
        "person": person,
        "item_code": item.code,
        "case_number": case_number,
        "article_path": f"/notices/{article.id}",
        "guide_code": db.session.query(ServiceItem.code).filter_by(online_kind="constructor_initial").scalar(),
    }


def _elder(page, live_server) -> None:
    """长辈版: the visitor presses the switch once; its cookie keeps it on every page after (signing in too)."""
    page.goto(live_server + "/")
    if "elder" not in (page.locator("body").get_attribute("class") or "").split():
        page.locator("#elder-switch").click()
    page.wait_for_selector("body.elder", state="attached")


MODES = {
    "normal": lambda page, live_server: None,
    "english": lambda page, live_server: page.goto(live_server + "/language/en?next=/"),
    "elder": _elder,
}


def walk_citizen_pages(page, live_server, citizen, visit, pass_face_check_on_phone, mode_setup):
    def goto(name, path):
        try:
            page.goto(live_server + path)
        except PlaywrightError as error:  # a late navigation of the face page's script took over: go again
            if "ERR_ABORTED" not in str(error):
                raise
            page.goto(live_server + path)
        page.wait_for_load_state("load")
        visit(name)

    mode_setup(page, live_server)
    goto("home", "/")
    goto("register-personal", "/account/register/personal")
    goto("register-legal", "/account/register/legal")
    goto("login", "/account/login")
    goto("forgot-password", "/account/forgot")
    goto("catalogue", "/services/")
    goto("guide", f"/services/guide/{citizen['guide_code']}")
    goto("query-progress", "/query/progress")
    goto("query-enterprises", "/query/enterprises")
    goto("query-people", "/query/people")
    goto("query-enterprises-results", "/query/enterprises?kind=建筑业企业&name=青山")
    goto("articles", "/notices/")
    goto("article", citizen["article_path"])
    goto("faq", "/help/faq")
    goto("contact", "/help/contact")

    page.goto(live_server + "/account/login")
    page.fill("#identifier", citizen["person"]["phone"])
    page.fill("#password", citizen["person"]["password"])
    page.locator("#login-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/user/$"))
    mode_setup(page, live_server)  # signing in starts a new session

    page.goto(live_server + f"/services/item/{citizen['item_code']}")
    expect(page).to_have_url(re.compile(r"/face/online_service"))
    visit("face-check")
    pass_face_check_on_phone(page)
    expect(page).to_have_url(re.compile(r"/services/item/[^/?]+$"))
    page.wait_for_load_state("networkidle")  # the face page's own navigation has finished
    goto("application-form", f"/services/item/{citizen['guide_code']}/apply")
    goto("correction", f"/services/item/{citizen['item_code']}/correction")
    goto("progress", f"/user/cases/{citizen['case_number']}")
    page.goto(live_server + "/user/certificates")
    expect(page).to_have_url(re.compile(r"/face/my_certificates"))
    pass_face_check_on_phone(page)
    expect(page).to_have_url(re.compile(r"/user/certificates$"))
    page.wait_for_load_state("networkidle")
    visit("my-certificates")
