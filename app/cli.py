"""`flask --app wsgi medshare ...`: loading the catalog and the demo data."""

import click
from flask import Flask
from flask.cli import AppGroup

medshare_cli = AppGroup("medshare", help="MedShare data commands.")


@medshare_cli.command("load-catalog")
@click.argument("path", required=False)
def load_catalog(path: str | None) -> None:
    """Load or refresh a catalog edition (the 2022-12-08 home-care list by default)."""
    from app.catalog import service

    report = service.load_edition(path) if path else service.load_edition()
    click.echo(f"catalog {report.edition_code}: {report.added} added, {report.updated} refreshed")


@medshare_cli.command("seed-demo")
@click.option("--posts", default=3000, show_default=True, help="How many demo posts to create.")
@click.option("--seed", default=2022, show_default=True, help="Random seed, for repeatable data.")
def seed_demo(posts: int, seed: int) -> None:
    """Create demo users and posts around the six busiest cities, once."""
    from app.demo import seed as demo

    created = demo.seed_demo_posts(posts, seed)
    if created:
        click.echo(f"demo data: {created} posts created")
    else:
        click.echo("demo data: already present, nothing changed")


def init_app(app: Flask) -> None:
    app.cli.add_command(medshare_cli)
