"""OS2mo."""
