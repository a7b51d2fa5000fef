"""The one error type of the services: a refusal that a person can read.

Every refusal a service makes derives from ``ServiceError``: a ``message``
(translated, lazy) for the page or the form as a whole, and ``errors``, the
messages by form field, shown next to each field. Views catch ``ServiceError``
and nothing narrower unless they show a subclass differently; ``unit_of_work``
rolls back on it.
"""

from collections.abc import Mapping
from typing import Any

FORM = "form"  # the key of a message about the form as a whole


class ServiceError(Exception):
    def __init__(self, errors: Mapping[str, Any] | None = None, message: Any = None, *, code: str = ""):
        self.errors: dict[str, Any] = dict(errors or {})
        if message is None and self.errors:
            message = self.errors.get(FORM) or next(iter(self.errors.values()))
        self.message = message
        self.code = code
        super().__init__(code or str(message))

    @classmethod
    def on(cls, field: str, message: Any, **kwargs) -> "ServiceError":
        """A refusal of one field."""
        return cls({field: message}, **kwargs)
