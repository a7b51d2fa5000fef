"""A live server on a free loopback port and Playwright driving Debian's Chromium."""

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def _browser_unavailable_reason():
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Python Playwright is not installed"
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        return f"no Chromium at {CHROMIUM} (apt-get install -y chromium fonts-noto-cjk)"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _browser_unavailable_reason()
    if reason is None:
        return
    if os.environ.get("PORTAL_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"browser tests required but {reason}")
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def live_server(app, db):
    """The test app served by a real HTTP server in a thread, for one test."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright

    # Assertions wait (auto-retry) up to this long: the machine may be busy with other test runs.
    expect.set_options(timeout=10_000)

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"),
            headless=True,
            args=CHROMIUM_ARGS,
        )
        yield instance
        instance.close()


def refused_by_policy(page) -> list:
    """What the page's Content-Security-Policy refused (Chromium says so on the console)."""
    refused = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    return refused


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    refused = refused_by_policy(page)
    yield page
    context.close()
    assert not refused, f"the security policy refused: {refused}"


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot under screenshots/ (kept out of git) for review."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(name, target=None):
        (target or page).screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def pass_face_check_on_phone(browser):
    """Open the face page's QR address on a phone-sized page and go through the mini-program stand-in."""
    return lambda page: _pass_face_check(browser, page)


def _pass_face_check(browser, page):
    from playwright.sync_api import expect

    mobile_url = page.get_attribute("#face-qr", "data-mobile-url")
    phone_context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        phone = phone_context.new_page()
        refused = refused_by_policy(phone)
        phone.goto(mobile_url)
        phone.get_by_role("button", name="下一步").click()
        expect(phone.locator("#face-success")).to_be_visible()
        assert not refused, f"the security policy refused: {refused}"
    finally:
        phone_context.close()
