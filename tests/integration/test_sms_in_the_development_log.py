"""README: under `make run` (PORTAL_ENV=development, no --debug) the SMS codes are written to the server log."""

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SEND_ONE = textwrap.dedent(
    """
    import sys
    from app import create_app
    from app.extensions import db
    from app.models import SmsOutboxMessage
    from app.services.platform.sms import OutboxGateway

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite:///" + sys.argv[1]})
    with app.app_context():
        SmsOutboxMessage.__table__.create(db.engine)
        OutboxGateway().send("13712345678", "register", "您的验证码是 246810")
    """
)


def run_as(env_name, tmp_path):
    return subprocess.run(
        [sys.executable, "-c", SEND_ONE, str(tmp_path / "dev.db")],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "PORTAL_ENV": env_name, "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_code_is_in_the_server_log_under_make_run(tmp_path):
    result = run_as("development", tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "SMS to 13712345678 (register): 您的验证码是 246810" in result.stderr


def test_never_outside_development(tmp_path):
    result = run_as("test", tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "246810" not in result.stderr
