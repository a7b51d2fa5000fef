"""Project commands: ``flask portal ...`` and ``flask translate ...``."""

import os
import subprocess
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db

portal_cli = AppGroup("portal", help="Deployment and data commands of the portal.")
translate_cli = AppGroup("translate", help="Translation catalogue commands (pybabel).")


@portal_cli.command("sync-roles")
def sync_roles_command():
    """Create roles and permissions from code (idempotent)."""
    from app.services.platform.roles_sync import sync_roles

    summary = sync_roles(current_app.appbuilder)
    db.session.commit()
    click.echo(f"roles synced: {', '.join(summary)}")


@portal_cli.command("bootstrap")
def bootstrap_command():
    """Roles, permissions and the reference rows every installation needs."""
    from app.seed.demo_data import seed_reference_data
    from app.services.platform.roles_sync import sync_roles

    roles = sync_roles(current_app.appbuilder)
    report = seed_reference_data()
    db.session.commit()
    click.echo(f"roles synced: {', '.join(roles)}; " + ", ".join(f"{k}={v}" for k, v in report.items()))
    from app.services.platform.file_store import prepare

    storage = prepare()
    if storage:
        click.echo(storage)


@portal_cli.command("seed-demo")
def seed_demo_command():
    """Load the demonstration data (idempotent: safe to run on every start); never in production."""
    from app.seed.demo_data import seed_demo_data

    if current_app.config.get("ENV_NAME") == "production":
        raise click.ClickException(
            "PORTAL_ENV=production: the demonstration data (with its published passwords) is not loaded here"
        )

    report = seed_demo_data(current_app.appbuilder)
    db.session.commit()
    click.echo("demo data: " + ", ".join(f"{k}={v}" for k, v in report.items()))


@portal_cli.command("cleanup")
def cleanup_command():
    """One clean-up run, as beat runs it (expired store rows, sent SMS jobs, ended certificate files)."""
    from app.services.platform.housekeeping import cleanup

    click.echo("cleaned up: " + ", ".join(f"{k}={v}" for k, v in cleanup().items()))


@portal_cli.command("archive-audit")
def archive_audit_command():
    """Archive the audit trail older than AUDIT_RETENTION_DAYS to the file store (whole months), as beat does daily."""
    from app.services.errors import ServiceError
    from app.services.platform.audit_archive import archive

    try:
        done = archive()
    except ServiceError as refusal:
        raise click.ClickException(str(refusal.message)) from refusal
    click.echo(f"audit archive: {done['months']} month(s), {done['records']} record(s) archived and removed")


@portal_cli.command("backup")
@click.argument("folder", type=click.Path(file_okay=False))
def backup_command(folder):
    """Database, file store and keys into FOLDER (new or empty), with manifest.json of SHA-256 checksums."""
    from pathlib import Path

    from app.services.backup.drill import backup
    from app.services.errors import ServiceError

    try:
        done = backup(Path(folder))
    except ServiceError as refusal:
        raise click.ClickException(str(refusal.message)) from refusal
    click.echo(
        f"backup written to {folder}: {done.database}, {done.files} stored file(s), {done.keys} key(s), "
        f"{done.bytes} bytes in {done.seconds:.2f} s"
    )


@portal_cli.command("restore")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--replace", is_flag=True, help="Overwrite a database, store and keys that are not empty.")
def restore_command(folder, replace):
    """Restore FOLDER (a backup) into the configured database, file store and key paths, checked first."""
    from pathlib import Path

    from app.services.backup.drill import restore
    from app.services.errors import ServiceError

    try:
        done = restore(Path(folder), replace=replace)
    except ServiceError as refusal:
        raise click.ClickException(str(refusal.message)) from refusal
    click.echo(
        f"restored from {folder}: {done.database}, {done.files} stored file(s), {done.keys} key(s) "
        f"in {done.seconds:.2f} s; start the portal again (workers included) so that every process reads the keys"
    )


@portal_cli.command("rotate-signing-key")
def rotate_signing_key_command():
    """A new SM2 key for the electronic certificates; the old public key is kept to verify what it signed."""
    from app.services.certificates.signing import rotate_key

    done = rotate_key()
    click.echo(
        f"certificate signing key rotated: old key_id {done.old_key_id} (retired {done.retired_at}), "
        f"new key_id {done.new_key_id}; restart the instances and workers one at a time"
    )


@portal_cli.command("send-reminders")
@click.option("--date", "day", default=None, help="Run as of this Beijing date (YYYY-MM-DD); default: today.")
def send_reminders_command(day):
    """Expiry reminders (到期提醒) in 我的消息 and by SMS; idempotent: run it daily from cron."""
    import datetime

    from app.services.reminders.job import send_reminders

    today = datetime.date.fromisoformat(day) if day else None
    click.echo(str(send_reminders(today)))


@portal_cli.command("deliver-webhooks")
def deliver_webhooks_command():
    """Post the due webhooks of the API clients (signed, retried with back-off, each once); run it every minute."""
    from app.services.api.webhooks import deliver_due

    click.echo(str(deliver_due()))


def _pybabel(*args: str) -> None:
    # ``python -m babel.messages.frontend`` drops pybabel's exit status; call main().
    cmd = [sys.executable, "-c", "import sys; from babel.messages.frontend import main; sys.exit(main())", *args]
    result = subprocess.run(cmd, cwd=_project_dir(), check=False)
    if result.returncode != 0:
        raise click.ClickException(f"pybabel {args[0]} failed (exit {result.returncode})")


def _project_dir() -> str:
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@translate_cli.command("extract")
def translate_extract():
    """Extract msgids from code and templates into translations/messages.pot."""
    _pybabel(
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "_l",
        "-k",
        "lazy_gettext",
        "--no-location",
        "--sort-output",
        "-o",
        "translations/messages.pot",
        ".",
    )


@translate_cli.command("update")
def translate_update():
    """Extract, then merge new msgids into every language's catalogue."""
    translate_extract.callback()
    _pybabel(
        "update", "-i", "translations/messages.pot", "-d", "translations", "--no-fuzzy-matching", "--ignore-obsolete"
    )


@translate_cli.command("compile")
def translate_compile():
    """Compile every catalogue to .mo (fails on a broken catalogue)."""
    _pybabel("compile", "-d", "translations", "--statistics")


def register_cli(app):
    app.cli.add_command(portal_cli)
    app.cli.add_command(translate_cli)
