"""Keyboard only (WCAG 2.1.1, 2.4.3, 2.4.7, 1.3.1, 3.3.1): registration and an application reached with Tab in
the order of the form, a visible focus on every stop, a label for every field, and each error message tied to
its field (aria-describedby) and announced (role=alert) — issue 18 item 3."""

import re

import pytest
from playwright.sync_api import expect

from app.models import ServiceItem
from tests.e2e.citizen_pages import prepare_citizen

pytestmark = pytest.mark.e2e

# The form's tab stops in document order: visible, enabled controls and links; one stop per radio group.
FORM_STOPS = """(form) => {
  const stops = [];
  const groups = new Set();
  for (const el of form.querySelectorAll('input, select, textarea, button, a[href]')) {
    if (el.type === 'hidden' || el.disabled || el.tabIndex < 0 || !el.getClientRects().length) continue;
    if (getComputedStyle(el).visibility === 'hidden') continue;
    if (el.type === 'radio') {
      if (groups.has(el.name)) continue;
      groups.add(el.name);
      const checked = form.querySelector(`input[type=radio][name="${el.name}"]:checked`);
      stops.push((checked || el).id || el.name);
      continue;
    }
    stops.push(el.id || el.name || el.getAttribute('aria-label') || el.textContent.trim());
  }
  return stops;
}"""

FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const form = el.closest('form');
  const labelled = !!(el.labels && el.labels.length) || el.hasAttribute('aria-label') || el.hasAttribute('aria-labelledby');
  return {
    key: el.id || el.name || el.getAttribute('aria-label') || el.textContent.trim(),
    form: form ? form.id : null,
    tag: el.tagName.toLowerCase(),
    type: el.type || '',
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    labelled,
  };
}"""

ERRORS_TIED = """(form) => Array.from(form.querySelectorAll('.field-error')).filter((e) => e.textContent.trim()).map((e) => ({
  id: e.id,
  alert: e.getAttribute('role') === 'alert' || !!e.closest('[aria-live]'),
  fields: Array.from(form.querySelectorAll('[aria-describedby]'))
    .filter((f) => e.id && f.getAttribute('aria-describedby').split(/\\s+/).includes(e.id)).map((f) => f.id),
  text: e.textContent.trim(),
}))"""


def tab_through(page, form_selector):
    """Press Tab from the top of the page until focus has gone through the form; the stops inside it."""
    form_id = page.locator(form_selector).get_attribute("id")
    page.locator("body").focus()
    page.evaluate("document.activeElement && document.activeElement.blur()")
    stops, problems, entered = [], [], False
    for _ in range(200):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["form"] == form_id:
            entered = True
            if stops and stops[-1] == focused["key"]:
                continue  # a date field's own parts (year, month, day, picker) are stops inside one field
            stops.append(focused["key"])
            if not focused["outline"]:
                problems.append(f"no visible focus on {focused['key']}")
            if focused["tag"] in ("input", "select", "textarea") and not focused["labelled"]:
                problems.append(f"no label for {focused['key']}")
        elif entered:
            break
    return stops, problems


def assert_errors_tied(page, form_selector):
    errors = page.locator(form_selector).evaluate(ERRORS_TIED)
    assert errors, "the empty form should have been refused with messages beside the fields"
    for error in errors:
        assert error["alert"], f"not announced: {error}"
        assert error["fields"], f"not tied to a field by aria-describedby: {error}"


def test_registration_by_keyboard_only(page, live_server, db):
    page.goto(live_server + "/account/register/personal")
    form = "form.portal-form"
    expected = page.locator(form).evaluate(FORM_STOPS)
    stops, problems = tab_through(page, form)
    assert stops == expected, f"tab order {stops} differs from the form's order {expected}"
    assert {"document_type", "name", "document_number", "phone", "email", "password", "agree"} <= set(stops)
    assert not problems, problems

    # Submit the empty form from the keyboard: each message sits beside its field, tied to it and announced.
    page.locator(form).locator("button[type=submit]").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".field-error").first).to_be_visible()
    assert_errors_tied(page, form)
    assert page.locator("#name").get_attribute("aria-invalid") == "true"


def test_application_by_keyboard_only(page, live_server, db, client, submit_constructor_case, pass_face_check_on_phone):
    citizen = prepare_citizen(db, client, submit_constructor_case)
    # He holds a valid 一级注册建筑师 registration: its renewal is open to him (his 初始注册 case is in progress).
    code = db.session.query(ServiceItem.code).filter_by(online_kind="architect_renewal").scalar()
    page.goto(live_server + "/account/login")
    page.locator("#identifier").focus()
    page.keyboard.type(citizen["person"]["phone"])
    page.keyboard.press("Tab")
    page.keyboard.type(citizen["person"]["password"])
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/user/$"))
    page.goto(live_server + f"/services/item/{code}")
    pass_face_check_on_phone(page)
    expect(page).to_have_url(re.compile(r"/services/item/[^/?]+$"))
    page.wait_for_load_state("networkidle")
    page.goto(live_server + f"/services/item/{code}/apply")
    form = "form.portal-form"
    expected = page.locator(form).evaluate(FORM_STOPS)
    stops, problems = tab_through(page, form)
    assert stops == expected, f"tab order {stops} differs from the form's order {expected}"
    assert not problems, problems

    expect(page.locator("#submit-application")).to_be_enabled()
    page.locator("#submit-application").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".field-error").first).to_be_visible()
    assert_errors_tied(page, form)
