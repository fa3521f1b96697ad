"""Coordinates, areas, distance and location privacy. Pure Python over shapely: no Flask here."""
