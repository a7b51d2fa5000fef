"""Rendered documents kept in the file store: read if present, else rendered once and stored."""

from collections.abc import Callable

from app.services.platform.file_store import file_store, read


def cached_bytes(area: str, name: str, render: Callable[[], bytes], content_type: str) -> bytes:
    """The bytes stored as ``name`` in ``area``, rendering and storing them first if they are not there yet.

    A store writes a file whole or not at all, so a concurrent reader never sees half a file;
    two processes rendering at once both store whole files, the last wins.
    """
    store = file_store()
    try:
        return read(store, area, name)
    except FileNotFoundError:
        pass
    data = render()
    store.save(area, name, data, content_type)
    return data
