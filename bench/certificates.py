"""Benchmark of electronic certificates: sign, render PDF (cold and cached), render OFD.

    python bench/certificates.py [--count 200]

Builds a throw-away SQLite database with COUNT holders, each with a 一级建造师 or
一级注册建筑师 registration and its certificate, endorses each (SM2 signing), then
renders every certificate as PDF (not cached: "cold"), fetches it again (cached),
and renders the OFD. Prints per-document times (median, p95, max) in milliseconds.
The first render of the process also loads the bundled font and WeasyPrint; it is
reported on its own line.
"""

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def percentiles(samples):
    ordered = sorted(samples)
    return {"median": statistics.median(ordered), "p95": ordered[int(len(ordered) * 0.95) - 1], "max": ordered[-1]}


def line(name, samples):
    figures = percentiles([s * 1000 for s in samples])
    print(
        f"{name:<28} n={len(samples):<5} median={figures['median']:8.2f} ms  p95={figures['p95']:8.2f} ms  "
        f"max={figures['max']:8.2f} ms"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="bench-certificates-")
    os.environ.setdefault("PORTAL_ENV", "test")
    from flask_appbuilder import Model

    from app import clock, create_app
    from app.extensions import db
    from app.models import Account, PersonRegistration, RegisteredSpecialty
    from app.services.accounts.identity_documents import make_resident_id
    from app.services.certificates import documents as certificate_documents
    from app.services.certificates import lifecycle as certificates

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir}/bench.db",
            "CERTIFICATE_SIGNING_KEY_PATH": f"{workdir}/key.json",
            "CERTIFICATE_CACHE_DIR": f"{workdir}/cache",
        }
    )
    surnames, given = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗", "建国明华伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛超"
    with app.app_context(), app.test_request_context():
        Model.metadata.create_all(db.engine)
        today = clock.today()
        holders = []
        for index in range(args.count):
            birth = datetime.date(1965 + index % 30, 1 + index % 12, 1 + index % 28)
            number = make_resident_id("110105", birth, index % 999 + 1)
            name = surnames[index % len(surnames)] + given[(index * 7) % len(given)] + given[(index * 3) % len(given)]
            account = Account(
                first_name=name,
                last_name="",
                username=f"bench{index}",
                email=f"b{index}@example.cn",
                active=True,
                kind="personal",
                real_name=name,
                document_type="resident_id",
                document_number=number,
                birth_date=birth,
                gender="M" if index % 2 else "F",
                phone=f"139{index:08d}",
            )
            kind = "constructor_1" if index % 3 else "architect_1"
            registration = PersonRegistration(
                holder_name=name,
                holder_document_type="resident_id",
                holder_document_number=number,
                qualification=kind,
                registration_number=f"京111{index:011d}",
                employer_name="北京建工示范建设集团有限公司第" + "一二三四五六七八九十"[index % 10] + "工程公司",
                employer_uscc="91110105MA01B2C3X6",
                valid_from=today,
                valid_to=today + datetime.timedelta(days=1095),
            )
            registration.specialties.append(RegisteredSpecialty(specialty="建筑工程", valid_to=registration.valid_to))
            db.session.add_all([account, registration])
            holders.append((account, registration))
        db.session.flush()
        pairs = [(account, certificates.issue_for(registration, today)) for account, registration in holders]
        db.session.commit()

        signing_times, endorsements = [], []
        for account, certificate in pairs:
            started = time.perf_counter()
            endorsements.append(certificates.endorse(account, certificate, "bidding"))
            signing_times.append(time.perf_counter() - started)
        db.session.commit()

        started = time.perf_counter()
        certificate_documents.document(endorsements[0], "pdf")
        first = time.perf_counter() - started
        cold, cached, ofd = [], [], []
        for endorsement in endorsements[1:]:
            started = time.perf_counter()
            certificate_documents.document(endorsement, "pdf")
            cold.append(time.perf_counter() - started)
        for endorsement in endorsements:
            started = time.perf_counter()
            certificate_documents.document(endorsement, "pdf")
            cached.append(time.perf_counter() - started)
        for endorsement in endorsements:
            started = time.perf_counter()
            certificate_documents.render(endorsement, "ofd")
            ofd.append(time.perf_counter() - started)
        verify = []
        for endorsement in endorsements:
            started = time.perf_counter()
            assert certificates.verify_code(endorsement.public_code).valid
            verify.append(time.perf_counter() - started)

    print(
        f"electronic certificates: {args.count} holders ({sum(1 for a, r in holders if r.qualification == 'constructor_1')}"
        f" 一级建造师, the rest 一级注册建筑师), Python {sys.version.split()[0]}"
    )
    print(f"{'first PDF of the process':<28} {first * 1000:8.2f} ms (loads the font and WeasyPrint)")
    line("endorse + SM2 sign", signing_times)
    line("PDF, not cached (cold)", cold)
    line("PDF, cached", cached)
    line("OFD, not cached", ofd)
    line("verify (QR page logic)", verify)


if __name__ == "__main__":
    main()
