"""Udmeldinger og e-mail."""
