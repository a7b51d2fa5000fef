"""Redis stopped: the SMS button shows why no code comes, in Chinese, beside the field."""

import pytest
from playwright.sync_api import expect

from tests import private_redis

pytestmark = pytest.mark.e2e

redis_server = private_redis.redis_server
on_redis = private_redis.on_redis


def test_the_sms_button_says_the_service_is_unavailable(page, live_server, on_redis, known_captcha):
    on_redis.stop()  # before the page: its picture code is then kept in the process meanwhile
    page.goto(live_server + "/account/register/personal")
    page.fill("#phone", "13712349999")
    form = page.locator("form").filter(has=page.locator(".sms-button"))
    form.locator(".captcha-input").fill(known_captcha)
    form.locator(".sms-button").click()
    expect(form.locator('[data-error-for="sms"]')).to_have_text("短信服务暂时不可用，请稍后再试")
    expect(form.locator(".sms-button")).to_be_enabled()
    # The rest of the page still works: a new picture code loads.
    assert page.request.get(live_server + "/verify/captcha").status == 200
