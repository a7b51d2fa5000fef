"""What the attack suite's tests share: the ledger of attempts, 5xx and leaks, and who attacks."""

import dataclasses
from urllib.parse import quote

from tests.access_rules import STAFF_ROLES


@dataclasses.dataclass
class Ledger:
    attempts: int = 0
    server_errors: list = dataclasses.field(default_factory=list)
    bodies_checked: int = 0
    leaks: list = dataclasses.field(default_factory=list)
    bomb_peaks: dict = dataclasses.field(default_factory=dict)

    def check_body(self, who: str, where: str, body: str, secrets: dict[str, str]) -> list[str]:
        """Count one body checked; return (and record) the names of the secrets it shows. The requested address
        itself (echoed in a sign-in page's ``next``) is no leak: the attacker wrote it."""
        self.bodies_checked += 1
        path = where.partition(" ")[2]
        for echoed in (path, quote(path, safe=""), quote(path)):
            body = body.replace(echoed, "")
        shown = [name for name, value in secrets.items() if value and value in body]
        if shown:
            self.leaks.append((who, where, shown))
        return shown


LEDGER = Ledger()


class CountingMixin:
    """Put before the application's test client class: every request is an attempt; a 5xx (or an exception) is counted as one."""

    def open(self, *args, **kwargs):
        LEDGER.attempts += 1
        where = str(args[0])[:200] if args else str(kwargs.get("path", ""))[:200]
        try:
            response = super().open(*args, **kwargs)
        except Exception as error:
            LEDGER.server_errors.append((where, repr(error)[:200]))
            raise
        if response.status_code >= 500:
            LEDGER.server_errors.append((where, response.status_code))
        return response


CITIZENS = ("citizen A", "citizen B", "company")
STRANGERS = ("anonymous", "citizen B", "company")
ALL_WHO = ("anonymous", *CITIZENS, *STAFF_ROLES)
SCOPED_OFFICER = "officer of another province"
