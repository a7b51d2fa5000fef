"""The load test's visitors (locust): 80 % public queries and pages, 15 % signed-in pages, 5 % submissions.

Driven by bench/load.py, which prepares the plan (LOAD_PLAN, a JSON file): the public paths, the cookies of
signed-in citizens, and for each submission a citizen ready to file (signed in, face-checked, the form's
csrf_token and submit_token, an SMS code). Each acknowledged submission (302 to its confirmation page) is
written, with when it was sent and answered, to LOAD_RESULT.<pid> when each locust process stops, for the driver
to compare with the database. With ``--processes N`` (LOAD_PROCESSES=N) every worker process takes its own
share of the citizens ready to file (a citizen files once); a visitor who finds none left stops.
Why locust and not wrk: every submission is a multipart upload with its own session, tokens and SMS code, and
every signed-in page needs its own cookie: sessions and forms are natural in Python, awkward in wrk's Lua;
FastHttpUser (gevent) keeps the generator's own CPU low on this 2-core machine.
"""

import json
import os
import random
import time

import gevent
from locust import FastHttpUser, constant, events, task
from locust.exception import StopUser
from locust.runners import MasterRunner, WorkerRunner
from urllib3.filepost import encode_multipart_formdata

PLAN = json.load(open(os.environ["LOAD_PLAN"], encoding="utf-8"))  # noqa: SIM115
MIX = os.environ.get("LOAD_MIX", "mixed")  # "mixed" or "submit" (submissions only)
ACKNOWLEDGED: list[str] = []
TIMES: list[tuple[float, float]] = []  # (sent, answered) of each acknowledged submission, epoch seconds
REFUSED: list[str] = []
SUBMITTERS = list(PLAN["submitters"])
SCAN = bytes.fromhex(PLAN["scan_hex"])
_SHARE_TAKEN: list[bool] = []
IN_FLIGHT = [0]


def _take_my_share(runner) -> None:
    """On the first submission of this process (a worker's index is known once the master has acknowledged it)."""
    global SUBMITTERS
    _SHARE_TAKEN.append(True)
    if isinstance(runner, WorkerRunner):
        processes = int(os.environ.get("LOAD_PROCESSES", "1"))
        SUBMITTERS = SUBMITTERS[runner.worker_index :: processes]


def _weights() -> tuple[int, int, int]:
    return (0, 0, 1) if MIX == "submit" else (80, 15, 5)


PUBLIC_WEIGHT, SIGNED_IN_WEIGHT, SUBMIT_WEIGHT = _weights()


class Visitor(FastHttpUser):
    wait_time = constant(0)

    def _get(self, path: str, cookie: str | None, name: str, signed_in: bool = False):
        self.client.cookiejar.clear()  # every request carries only the cookie it is given
        headers = {"Cookie": cookie} if cookie else {}
        with self.client.get(path, headers=headers, name=name, catch_response=True, allow_redirects=False) as answer:
            # A search by identity number answers 303: the number is swapped for a token (never kept in an address).
            swapped = answer.status_code == 303 and "document_number=" in path
            if answer.status_code != 200 and not swapped:
                answer.failure(f"{answer.status_code}")

    @task(PUBLIC_WEIGHT)
    def public(self):
        path = random.choice(PLAN["public_paths"])
        self._get(path, None, "public query" if path.startswith("/query/") else "public page")

    @task(SIGNED_IN_WEIGHT)
    def signed_in(self):
        cookie = random.choice(PLAN["signed_in_cookies"])
        self._get(random.choice(("/user/", "/user/cases", "/user/messages")), cookie, "signed-in page", True)

    @task(SUBMIT_WEIGHT)
    def submit(self):
        if not _SHARE_TAKEN:
            _take_my_share(self.environment.runner)
        if not SUBMITTERS:
            if MIX == "submit":  # every citizen has filed: the last visitor to finish ends the run
                if not IN_FLIGHT[0] and not isinstance(self.environment.runner, WorkerRunner):
                    gevent.spawn(self.environment.runner.quit)
                raise StopUser()
            return
        applicant = SUBMITTERS.pop()
        fields = [
            ("csrf_token", applicant["csrf_token"]),
            ("submit_token", applicant["submit_token"]),
            ("sms_code", applicant["sms_code"]),
        ] + [(name, value) for name, value in PLAN["form"].items()]
        fields += [(f"material_{m}", ("scan.jpg", SCAN, "image/jpeg")) for m in PLAN["materials"]]
        body, content_type = encode_multipart_formdata(fields)
        self.client.cookiejar.clear()
        sent = time.time()
        IN_FLIGHT[0] += 1
        with self.client.post(
            PLAN["apply_path"],
            data=body,
            headers={"Content-Type": content_type, "Cookie": applicant["cookie"]},
            name="submission (multipart, scans)",
            catch_response=True,
            allow_redirects=False,
        ) as answer:
            if answer.status_code == 302 and "/submitted/" in (answer.headers.get("Location") or ""):
                ACKNOWLEDGED.append(applicant["submit_token"])
                TIMES.append((sent, time.time()))
            else:
                REFUSED.append(applicant["submit_token"])
                answer.failure(f"{answer.status_code}")
        IN_FLIGHT[0] -= 1


@events.quitting.add_listener
def _write_result(environment, **kwargs):
    if isinstance(environment.runner, MasterRunner):
        return
    with open(f"{os.environ['LOAD_RESULT']}.{os.getpid()}", "w", encoding="utf-8") as result:
        json.dump(
            {
                "acknowledged": ACKNOWLEDGED,
                "times": TIMES,
                "refused": REFUSED,
                "left": len(SUBMITTERS) if _SHARE_TAKEN else 0,
            },
            result,
        )
