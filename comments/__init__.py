"""Kommentarer og høringssvar."""
