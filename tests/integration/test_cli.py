"""Deployment commands: roles sync, reference and demo data, translations."""

import shutil
import subprocess
import sys
from pathlib import Path

from app.models import FaqEntry, SiteSetting

PROJECT = Path(__file__).resolve().parents[2]


def test_sync_roles_is_idempotent(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["portal", "sync-roles"])
    assert first.exit_code == 0, first.output
    sm = app.appbuilder.sm
    admin = sm.find_role("Admin")
    count = len(admin.permissions)
    assert count > 10
    second = runner.invoke(args=["portal", "sync-roles"])
    assert second.exit_code == 0
    db.session.expire_all()
    assert len(sm.find_role("Admin").permissions) == count
    assert sm.find_role("ContentEditor") is not None


def test_demo_data_is_idempotent(app, db):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["portal", "seed-demo"]).exit_code == 0
    result = runner.invoke(args=["portal", "seed-demo"])
    assert "staff=0" in result.output
    assert app.appbuilder.sm.find_user(username="admin") is not None
    assert db.session.query(FaqEntry).count() == 7


def test_bootstrap_does_not_overwrite_staff_changes(app, db):
    setting = db.session.query(SiteSetting).filter_by(key="postcode").one()
    setting.value = "100000"
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["portal", "bootstrap"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.query(SiteSetting).filter_by(key="postcode").one().value == "100000"


def test_translate_compile_fails_loudly_on_a_broken_catalogue(tmp_path):
    copy = tmp_path / "project"
    ignore = shutil.ignore_patterns("__pycache__")
    for name in ("app", "templates", "translations"):
        shutil.copytree(PROJECT / name, copy / name, ignore=ignore)
    for name in ("config.py", "run.py", "babel.cfg"):
        shutil.copy(PROJECT / name, copy / name)
    po = copy / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    assert "%(site)s" in text
    # A translation whose placeholder differs from the msgid's would crash a page.
    po.write_text(text.replace("欢迎访问%(site)s", "欢迎访问%(sitename)s"), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "run.py", "translate", "compile"],
        cwd=copy,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PORTAL_ENV": "test"},
    )
    assert result.returncode != 0


def test_make_database_loads_the_demonstration_on_a_new_machine(tmp_path):
    """`make run`'s database step, as a newcomer runs it (no PORTAL_ENV set): migrations, bootstrap and the
    demonstration data with every staff account of README's table; it once stopped at seed-demo, which
    production (the portal's default) refuses."""
    if shutil.which("make") is None:
        import pytest

        pytest.skip("make is not installed")
    database = tmp_path / "portal.db"
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{database}",
        "PORTAL_INSTANCE_DIR": str(tmp_path / "instance"),
    }
    result = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-o",
            f"{Path(sys.executable).parent.parent}/.installed",
            "database",
            f"PY={sys.executable}",
            f"VENV={Path(sys.executable).parent.parent}",
        ],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    # The first start on an empty database is quiet: FAB once logged a traceback per view, asked to write its
    # permissions before the migration had made its tables.
    assert "Traceback" not in result.stderr and "ERROR" not in result.stderr, result.stderr[:3000]
    import sqlite3

    with sqlite3.connect(database) as connection:
        usernames = {row[0] for row in connection.execute("SELECT username FROM ab_user")}
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    staff = {"admin", "acceptor", "reviewer", "approver", "issuer", "statistician", "sectionhead", "catalogue"}
    assert staff <= usernames
    assert all(f"`{name}`" in readme for name in staff | {"registers", "editor", "accounts"})
