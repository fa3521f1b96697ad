"""`flask --app wsgi medshare ...`: the catalog, the districts, the demo data, staff accounts and
housekeeping."""

import contextlib
import sys

import click
from flask import Flask
from flask.cli import AppGroup

from app.demo import DEFAULT_POSTS
from app.errors import DomainError, refusal_text
from app.staff.models import STAFF_ROLES
from app.staff.service import StaffNotFound

# For a demo without a phone at hand: pyotp is installed with the app.
CURRENT_CODE_COMMAND = ".venv/bin/python -c \"import pyotp; print(pyotp.TOTP('{secret}').now())\""

medshare_cli = AppGroup("medshare", help="MedShare data commands.")


@medshare_cli.command("load-catalog")
@click.argument("path", required=False)
def load_catalog(path: str | None) -> None:
    """Load or refresh a catalog edition (the 2022-12-08 home-care list by default)."""
    from app.catalog import service

    report = service.load_edition(path) if path else service.load_edition()
    click.echo(f"catalog {report.edition_code}: {report.added} added, {report.updated} refreshed")


@medshare_cli.command("load-districts")
def load_districts() -> None:
    """Load or refresh China's districts and their boundaries from geo/data."""
    from app.areas import service
    from app.posts.areas import rename_areas

    report = service.load_districts()
    click.echo(
        f"districts: {report.added} added, {report.updated} refreshed, {report.removed} removed"
    )
    if report.added or report.updated or report.removed:
        click.echo(f"posts: {rename_areas()} area names changed")


@medshare_cli.command("seed-demo")
@click.option(
    "--posts", default=DEFAULT_POSTS, show_default=True, help="How many demo posts to create."
)
@click.option("--seed", default=2022, show_default=True, help="Random seed, for repeatable data.")
def seed_demo(posts: int, seed: int) -> None:
    """Create demo users and posts in every city of mainland China, once."""
    from app.demo import seed as demo
    from app.demo.queue import DemoRefused, seed_demo_queue

    created = demo.seed_demo_posts(posts, seed)
    if created:
        click.echo(f"demo data: {created} posts created")
    else:
        click.echo("demo data: already present, nothing changed")
    try:
        opened = seed_demo_queue(seed)
    except DemoRefused as refused:
        raise click.ClickException(str(refused)) from refused
    if opened:
        click.echo(f"demo queue: {opened} items waiting for moderators")
    else:
        click.echo("demo queue: already present, nothing changed")


@medshare_cli.command("demo-moderator")
def demo_moderator() -> None:
    """Make the development demo moderator if missing, and print how to sign in as them."""
    from app.demo.queue import DemoRefused
    from app.demo.queue import demo_moderator as ensure_demo_moderator

    try:
        made = ensure_demo_moderator()
    except DemoRefused as refused:
        raise click.ClickException(str(refused)) from refused
    click.echo("Demo moderator for the review page (development only):")
    click.echo(f"  sign-in name: {made.username}")
    click.echo(f"  password:     {made.password}")
    click.echo(f"  TOTP secret:  {made.totp_secret}")
    click.echo(f"  TOTP URI:     {made.totp_uri}")
    click.echo("  Add the secret to an authenticator app, or print the current code with:")
    click.echo(f"    {CURRENT_CODE_COMMAND.format(secret=made.totp_secret)}")


@medshare_cli.command("create-staff")
@click.argument("username")
@click.option("--role", type=click.Choice(STAFF_ROLES), required=True)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of stdin instead of generating one.",
)
def create_staff(username: str, role: str, password_stdin: bool) -> None:
    """Create a moderator or admin; prints the TOTP secret (and any generated password) once."""
    from app.staff import service

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    with _staff_errors(username):
        made = service.create_staff(username, role, password)
    click.echo(f"staff {made.username} ({made.role}) created; this is shown once, keep it safe")
    if made.password is not None:
        click.echo(f"password:    {made.password}")
    _echo_totp(made)


@medshare_cli.command("reset-staff-totp")
@click.argument("username")
def reset_staff_totp(username: str) -> None:
    """Give a staff member a new TOTP secret (a lost phone); their sessions end."""
    from app.staff import service

    with _staff_errors(username):
        made = service.reset_totp(username)
    click.echo(f"staff {made.username}: new TOTP secret; this is shown once, keep it safe")
    _echo_totp(made)


@medshare_cli.command("unlock-staff")
@click.argument("username")
def unlock_staff(username: str) -> None:
    """Lift a staff member's lock-out after too many failed sign-ins."""
    from app.staff import service

    with _staff_errors(username):
        service.unlock_staff(username)
    click.echo(f"staff {username}: unlocked")


@medshare_cli.command("disable-staff")
@click.argument("username")
def disable_staff(username: str) -> None:
    """Stop a staff member signing in; their open sessions end at once."""
    from app.staff import service

    with _staff_errors(username):
        service.disable_staff(username)
    click.echo(f"staff {username}: disabled")


@medshare_cli.command("ban-user")
@click.argument("user_id", type=int)
@click.option("--reason", required=True, help="Why, for the audit log; no personal data.")
def ban_user(user_id: int, reason: str) -> None:
    """Bar a user: every token they hold stops working at once, and they cannot sign in again."""
    from app.auth import service
    from app.auth.models import User
    from app.extensions import db

    user = db.session.get(User, user_id)
    if user is None:
        raise click.ClickException(f"no user with id {user_id}")
    service.ban_user(user, reason)
    click.echo(f"user {user_id}: banned")


@medshare_cli.command("remask")
@click.option("--batch", default=1000, show_default=True, help="Posts per transaction.")
def remask(batch: int) -> None:
    """After an upgrade of the masking rules: mask again the public notes of posts masked under
    an older version. Running it again changes nothing."""
    from app.posts.public import remask as remask_posts

    click.echo(f"posts: {remask_posts(batch)} public notes masked again")


@medshare_cli.command("expire-posts")
def expire_posts() -> None:
    """Housekeeping, for cron every few minutes: mark posts past their time expired and forget
    Idempotency-Keys older than IDEMPOTENCY_KEY_HOURS."""
    from app.posts import idempotency, service

    expired = service.expire_posts()
    forgotten = idempotency.forget_expired()
    click.echo(f"posts: {expired} expired; idempotency keys: {forgotten} forgotten")


@medshare_cli.command("purge")
@click.option("--batch", default=1000, show_default=True, help="Rows per transaction.")
def purge(batch: int) -> None:
    """Retention, for cron once a day: purge what is past its period (RETENTION_* settings):
    ended posts' contacts and exact spots, SMS codes, reveals, sessions, Idempotency-Keys,
    export and identity-check counts. Running it again changes nothing."""
    from app.rights.retention import purge as purge_expired

    for name, count in purge_expired(batch).items():
        click.echo(f"{name}: {count} purged")


def _echo_totp(made) -> None:
    click.echo(f"TOTP secret: {made.totp_secret}")
    click.echo(f"TOTP URI:    {made.totp_uri}")


@contextlib.contextmanager
def _staff_errors(username: str):
    """Turn a staff service's refusal into a one-line command error, in English."""
    try:
        yield
    except StaffNotFound as error:
        raise click.ClickException(f"staff account {username!r} does not exist") from error
    except DomainError as error:
        raise click.ClickException(refusal_text(error)) from error


def init_app(app: Flask) -> None:
    from app.partners.cli import COMMANDS as PARTNER_COMMANDS
    from app.stats.cli import COMMANDS as STATS_COMMANDS

    for command in (*PARTNER_COMMANDS, *STATS_COMMANDS):
        medshare_cli.add_command(command)
    app.cli.add_command(medshare_cli)
