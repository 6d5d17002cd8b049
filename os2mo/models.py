"""Models of os2mo."""
