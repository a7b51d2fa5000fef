"""Where the SECRET_KEY comes from when the environment does not give one."""

import os
import secrets


def load_or_create_secret_key(instance_dir: str) -> str:
    """Return the key stored in ``instance/secret_key``, creating it once.

    The file is created with mode 0600 so that only the service user reads it.
    """
    path = os.path.join(instance_dir, "secret_key")
    if os.path.exists(path):
        with open(path, encoding="ascii") as handle:
            key = handle.read().strip()
        if key:
            return key
    os.makedirs(instance_dir, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key
