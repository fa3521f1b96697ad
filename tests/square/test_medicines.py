"""Each worker's copy of the catalog's ids (app/square/medicines.py)."""

from app.square import medicines
from app.square.medicines import catalog_entries


def test_the_catalog_ids_are_read_once_while_fresh_and_again_once_stale(app, catalog, monkeypatch):
    monkeypatch.setattr(medicines, "_snapshot", None)
    monkeypatch.setitem(app.config, "SQUARE_CATALOG_SECONDS", 3600)
    first = catalog_entries()
    assert {"antigen-test", "ibuprofen"} <= {code for _, code, _ in first}
    assert catalog_entries() is first
    monkeypatch.setitem(app.config, "SQUARE_CATALOG_SECONDS", 0)
    assert catalog_entries() is not first
