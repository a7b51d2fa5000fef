"""SMS gateways for tests that run a real Celery worker (named by SMS_GATEWAY in the worker's environment).

``RefusingGateway`` refuses every text to a number starting with 1390000 and notes the moment of each attempt in
the file ``TEST_SMS_ATTEMPTS_FILE``; any other text goes to the outbox, as the built-in gateway sends it.
"""

import os
import time

from app.services.platform.sms import OutboxGateway

REFUSED_PREFIX = "1390000"


class RefusingGateway(OutboxGateway):
    def send(self, phone, purpose, text):
        if phone.startswith(REFUSED_PREFIX):
            with open(os.environ["TEST_SMS_ATTEMPTS_FILE"], "a", encoding="utf-8") as attempts:
                attempts.write(f"{time.time()}\n")
            raise ConnectionError("gateway refused the text")
        super().send(phone, purpose, text)
