"""统计报表 in Chromium: the statistician chooses a year, the four charts are drawn by the vendored
ECharts (under the back office's security policy), and nothing is asked of another host."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from app import clock
from app.extensions import db as _db
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.e2e

CHARTS = ("chart-intake-output", "chart-status", "chart-days", "chart-overdue")

# Painted pixels of each chart's canvas (not transparent): an empty canvas has none.
PAINTED = """id => {
  const canvas = document.getElementById(id).querySelector('canvas');
  if (!canvas || !canvas.width || !canvas.height) return 0;
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) painted++;
  return painted;
}"""


@pytest.fixture
def year_of_cases(db, staff_factory):
    # Submitted in March, June and September 2025 (timelines one day apart), and one open case
    # accepted sixty days ago: with the approved and the under-review ones, three over their time limit today.
    for month, status in ((3, "issued"), (3, "approved"), (6, "under_review"), (9, "submitted"), (9, "issued")):
        ApplicationFactory(status=status, submitted_at=clock.utc_of(datetime.datetime(2025, month, 10, 9)))
    ApplicationFactory(
        status="accepted", submitted_at=clock.china_midnight(clock.today() - datetime.timedelta(days=61))
    )
    staff_factory("Statistician", username="counter")
    _db.session.commit()


def test_the_statistician_sees_the_charts_drawn_from_the_portal_alone(
    browser, page, live_server, year_of_cases, screenshot
):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_server + "/admin/login/")
    page.fill("#username", "counter")
    page.fill("#password", "Staff@2026pass")
    page.locator("#admin-login-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/?$"))

    page.goto(live_server + "/admin/statistics/")
    # The period decides which fields are shown.
    expect(page.locator("#month")).to_be_visible()
    expect(page.locator("#start")).to_be_hidden()
    page.select_option("#period", "range")
    expect(page.locator("#start")).to_be_visible()
    expect(page.locator("#month")).to_be_hidden()
    page.select_option("#period", "year")
    expect(page.locator("#year")).to_be_visible()
    page.fill("#year", "2025")
    page.locator("#statistics-submit").click()

    expect(page.locator("#statistics-period")).to_contain_text("2025-01-01 至 2025-12-31")
    expect(page.locator("#figure-submitted")).to_have_text("5")
    for chart in CHARTS:
        expect(page.locator(f"#{chart} canvas")).to_have_count(1)
        assert page.evaluate(f"() => !!echarts.getInstanceByDom(document.getElementById('{chart}'))"), chart
        assert page.evaluate(PAINTED, chart) > 1000, f"{chart} is blank"
    # The chart's data is the period's: twelve months, two submitted in March.
    option = page.evaluate("() => echarts.getInstanceByDom(document.getElementById('chart-intake-output')).getOption()")
    assert option["xAxis"][0]["data"][2] == "2025-03" and option["series"][0]["data"][2] == 2
    overdue = page.evaluate("() => echarts.getInstanceByDom(document.getElementById('chart-overdue')).getOption()")
    assert overdue["series"][0]["data"] == [3]  # the approved, under review and accepted cases
    screenshot("statistics-year-charts")

    assert requested and all(url.startswith(live_server + "/") for url in requested), [
        url for url in requested if not url.startswith(live_server + "/")
    ]
    assert any(url.endswith("/static/vendor/echarts/echarts.min.js") for url in requested)
