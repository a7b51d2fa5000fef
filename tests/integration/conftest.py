"""Fixtures of the public query tests (热门服务)."""

import pytest

from app.services.registers import query_limits


@pytest.fixture
def generous_query_limits(app, monkeypatch):
    """Most query tests make many queries; the anti-scraping tests lower the limits themselves."""
    monkeypatch.setitem(app.config, "QUERY_CAPTCHA_AFTER", 1000)
    monkeypatch.setitem(app.config, "QUERY_RATE_LIMIT_PER_MINUTE", 1000)
    monkeypatch.setattr(query_limits, "_now", lambda: 1_800_000_000.0)  # one window for the whole test
