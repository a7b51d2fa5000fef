"""Phones (390 px): the site title never leaves one character alone on a line, 《用户协议》 never breaks inside
its brackets, the fields of a form are equally wide; every key page is screenshot at phone width (issue 18
item 5)."""

import pytest

from tests.e2e.citizen_pages import MODES, prepare_citizen, walk_citizen_pages
from tests.e2e.conftest import SCREENSHOTS, refused_by_policy

pytestmark = pytest.mark.e2e

# Characters per rendered line of an element (a line: the characters whose boxes share a top).
CHARACTERS_PER_LINE = """(element) => {
  const lines = {};
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.data.length; i++) {
      if (!node.data[i].trim()) continue;
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const box = range.getClientRects()[0];
      if (!box) continue;
      const top = Math.round(box.top / 4);
      lines[top] = (lines[top] || 0) + 1;
    }
  }
  return Object.keys(lines).sort((a, b) => a - b).map((top) => lines[top]);
}"""

FIELD_WIDTHS = """(form) => Array.from(form.querySelectorAll(
    '.form-control-wrap input[type=text], .form-control-wrap input[type=tel], .form-control-wrap input[type=email],'
    + '.form-control-wrap input[type=password], .form-control-wrap input[type=date], .form-control-wrap select'))
  .filter((field) => field.offsetParent !== null && !field.closest('.captcha-wrap, .sms-wrap'))
  .map((field) => [field.id || field.name, Math.round(field.getBoundingClientRect().width)])"""


# Stacked rows: the space between a label and its field (a label's desktop width once became its height).
LABEL_GAPS = """() => Array.from(document.querySelectorAll('.form-row')).filter((row) => row.getClientRects().length
    && getComputedStyle(row).flexDirection === 'column' && row.children.length > 1).map((row) => {
  const [label, field] = row.children;
  return [label.textContent.trim().slice(0, 20), Math.round(field.getBoundingClientRect().top
    - label.getBoundingClientRect().bottom)];
})"""


@pytest.mark.parametrize("mode", sorted(MODES))
def test_phone_width_title_brackets_and_fields(
    mode, browser, live_server, db, client, submit_constructor_case, pass_face_check_on_phone
):
    citizen = prepare_citizen(db, client, submit_constructor_case)
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    refused = refused_by_policy(page)
    SCREENSHOTS.mkdir(exist_ok=True)
    problems = []
    seen = []

    def visit(name):
        seen.append(name)
        page.screenshot(path=str(SCREENSHOTS / f"phone-{mode}-{name}.png"), full_page=True)
        lines = page.locator(".brand-name").evaluate(CHARACTERS_PER_LINE)
        if min(lines) < 2:
            problems.append(f"{name}: the site title leaves a character alone: {lines}")
        for link in page.locator(".agreement-link").all():
            if len(link.evaluate(CHARACTERS_PER_LINE)) != 1:
                problems.append(f"{name}: {link.inner_text()} breaks inside its brackets")
        for label, gap in page.evaluate(LABEL_GAPS):
            if gap > 24:
                problems.append(f"{name}: {gap} px between {label!r} and its field")
        for form in page.locator("form.portal-form").all():
            widths = dict(form.evaluate(FIELD_WIDTHS))
            if len(set(widths.values())) > 1:
                problems.append(f"{name}: fields of uneven width {widths}")

    try:
        walk_citizen_pages(page, live_server, citizen, visit, pass_face_check_on_phone, MODES[mode])
    finally:
        context.close()
    assert "register-personal" in seen and "my-certificates" in seen
    assert not problems, "\n".join(problems)
    assert not refused, f"the security policy refused: {refused}"
