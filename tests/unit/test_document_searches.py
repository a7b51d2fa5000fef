"""The identity number of a 人员资格查询 behind a short-lived token (services/registers/document_searches.py)."""

import pytest

from app.services.platform.shared_store import get_store
from app.services.registers import document_searches


@pytest.fixture
def ctx(app, db):
    with app.app_context():
        yield


def test_a_token_stands_for_the_number_and_does_not_show_it(ctx):
    token = document_searches.remember("110105198604020133")
    assert "110105198604020133" not in token and len(token) <= document_searches.TOKEN_MAX_LENGTH
    assert document_searches.number_for(token) == "110105198604020133"
    assert document_searches.remember("110105198604020133") != token  # one per search


def test_unknown_and_malformed_tokens_stand_for_nothing(ctx, monkeypatch):
    assert document_searches.number_for("no-such-token") is None
    get_store().set("query:document:a b", "110105198604020133", 60)
    assert document_searches.number_for("a b") is None  # not a token: never looked up
    assert document_searches.number_for("") is None


def test_a_token_expires_with_the_half_hour(ctx, monkeypatch):
    seen = {}
    store = get_store()
    monkeypatch.setattr(store, "set", lambda key, value, ttl: seen.update({key: ttl}))
    document_searches.remember("110105198604020133")
    assert list(seen.values()) == [1800]
