"""`flask --app wsgi medshare snapshot-stats`: the statistics' daily snapshot, for cron."""

import click

from app.stats.snapshot import take_snapshot


@click.command("snapshot-stats")
def snapshot_stats() -> None:
    """Take yesterday's statistics snapshot (days in China), once: running it again that day,
    or two runs at once, changes nothing. Safe to run from cron as often as you like."""
    report = take_snapshot()
    if report.taken:
        click.echo(
            f"statistics as of {report.as_of}: {report.cells} cells, "
            f"{report.medicine_cells} medicine cells"
        )
    else:
        click.echo(f"statistics as of {report.as_of}: already taken, nothing changed")


COMMANDS = (snapshot_stats,)
