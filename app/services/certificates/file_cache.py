"""Rendered documents kept on disk: read if present, else rendered once and written atomically."""

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def cached_bytes(path: Path, render: Callable[[], bytes]) -> bytes:
    """The bytes at ``path``, rendering and storing them first if they are not there yet.

    The file is written under a temporary name and renamed, so a concurrent reader never
    sees half a file; two processes rendering at once both write whole files, the last wins.
    """
    if path.exists():
        return path.read_bytes()
    data = render()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(temporary, path)
    return data
