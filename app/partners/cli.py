"""`flask --app wsgi medshare ...` commands for partners and their keys.

The operator running them is their audit: each change is recorded with no staff member, and a
key's secret is printed once, here, and stored nowhere.
"""

import contextlib

import click

from app.errors import DomainError, refusal_text
from app.partners import service
from app.partners.models import KEY_KINDS, PARTNER_STATUSES


@click.command("register-partner")
@click.argument("code")
@click.option("--name", required=True, help="The organisation's name, as partners see it.")
@click.option("--contact", required=True, help="Who to call about the integration.")
@click.option("--origin", "origins", multiple=True, help="A web origin of its pages; repeat.")
@click.option("--tier", help="A rate tier of RATE_LIMIT_TIERS (default PARTNER_DEFAULT_TIER).")
@click.option("--region", "region_codes", multiple=True, help="A district code; repeat.")
def register_partner(code, name, contact, origins, tier, region_codes) -> None:
    """Register a partner: CODE is its channel's name (a-z, 0-9 and -)."""
    values = {"name": name, "contact": contact, "origins": origins, "region_codes": region_codes}
    if tier is not None:
        values["tier"] = tier
    with _refusals():
        partner = service.register_partner(code, values)
    click.echo(f"partner {partner.code} registered ({partner.tier} tier)")


@click.command("update-partner")
@click.argument("code")
@click.option("--name")
@click.option("--contact")
@click.option("--origin", "origins", multiple=True, help="Replaces every origin; repeat.")
@click.option("--no-origins", is_flag=True, help="Remove every origin.")
@click.option("--tier")
@click.option("--region", "region_codes", multiple=True, help="Replaces the region; repeat.")
@click.option("--no-region", is_flag=True, help="Remove the preset region.")
@click.option("--status", type=click.Choice(PARTNER_STATUSES))
@click.option("--reason", help="Why, for the record.")
def update_partner(code, origins, no_origins, region_codes, no_region, reason, **given) -> None:
    """Change what is given of a partner; suspending it pauses all its keys at once."""
    changes = {name: value for name, value in given.items() if value is not None}
    if origins or no_origins:
        changes["origins"] = list(origins)
    if region_codes or no_region:
        changes["region_codes"] = list(region_codes)
    if not changes:
        raise click.UsageError("nothing to change")
    with _refusals():
        partner = service.update_partner(code, changes, reason=reason)
    click.echo(f"partner {partner.code} updated")


@click.command("list-partners")
def list_partners() -> None:
    """Every partner with its keys (public ids only)."""
    for partner in service.partners():
        click.echo(
            f"{partner.code}\t{partner.status}\t{partner.tier}\t{partner.name}\t"
            f"origins: {' '.join(partner.origins) or '-'}\t"
            f"region: {' '.join(partner.region_codes) or '-'}"
        )
        for key in partner.keys:
            if key.revoked_at is not None:
                state = "revoked"
            elif key.expires_at is not None:
                state = f"expires {_utc(key.expires_at)}"
            else:
                state = "valid"
            used = _utc(key.last_used_at) if key.last_used_at else "never"
            click.echo(
                f"  {key.public_id}\t{key.kind}\t{key.environment}\t{state}\tlast used {used}"
            )


@click.command("issue-partner-key")
@click.argument("code")
@click.option("--kind", type=click.Choice(KEY_KINDS), required=True)
def issue_partner_key(code, kind) -> None:
    """Make a key for a partner and print it, once: keep it safe."""
    with _refusals():
        issued = service.issue_key(code, kind)
    _echo_key(issued)


@click.command("rotate-partner-key")
@click.argument("public_id")
@click.option("--reason", help="Why, for the record.")
def rotate_partner_key(public_id, reason) -> None:
    """Replace a key; the old one works for PARTNER_KEY_OVERLAP_HOURS more."""
    with _refusals():
        issued = service.rotate_key(public_id, reason=reason)
    _echo_key(issued)
    click.echo(f"the key {public_id} keeps working until {_utc(issued.key.replaces.expires_at)}")


@click.command("revoke-partner-key")
@click.argument("public_id")
@click.option("--reason", required=True, help="Why, for the record.")
def revoke_partner_key(public_id, reason) -> None:
    """Stop a key working, at once."""
    with _refusals():
        service.revoke_key(public_id, reason)
    click.echo(f"key {public_id} revoked")


def _utc(moment) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def _echo_key(issued) -> None:
    key = issued.key
    click.echo(f"{key.kind} key {key.public_id} for {key.partner.code}; shown once, keep it safe:")
    click.echo(issued.text)


@contextlib.contextmanager
def _refusals():
    try:
        yield
    except DomainError as error:
        raise click.ClickException(refusal_text(error)) from error


COMMANDS = (
    register_partner,
    update_partner,
    list_partners,
    issue_partner_key,
    rotate_partner_key,
    revoke_partner_key,
)
