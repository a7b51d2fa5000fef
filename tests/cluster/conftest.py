"""The cluster (scripts/cluster.py) for tests/cluster: started once for the module, stopped by its PIDs.

Left out of ``make test`` (pytest.ini norecursedirs): ``make cluster-test`` runs it once in .ci/run.
"""

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from cluster import Cluster  # noqa: E402


@pytest.fixture(autouse=True)
def portal_test_clock():
    """The cluster's servers run on the machine's clock: this process must not travel (tests/conftest.py does)."""
    yield None


@pytest.fixture(scope="session")
def cluster(tmp_path_factory):
    if os.environ.get("CLUSTER_STATE"):  # one started with `scripts/cluster.py start --state DIR`: used, left running
        yield Cluster.from_state(Path(os.environ["CLUSTER_STATE"]))
        return
    # CLUSTER_TEST_DATABASE: another name when several checkouts run the cluster tests on one PostgreSQL server
    database = os.environ.get("CLUSTER_TEST_DATABASE", "portal_cluster_test")
    running = Cluster(tmp_path_factory.mktemp("cluster"), database=database).start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def backstage(cluster):
    from app.extensions import db
    from app.seed.demo_registers import seed_demo_registers
    from bench.citizens import Backstage

    backstage = Backstage(cluster.app_config())
    with backstage.app.app_context():  # the registers the query tests read, before any page is asked for
        seed_demo_registers()
        db.session.commit()
        db.session.remove()
    return backstage
