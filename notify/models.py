"""Models of notify."""
