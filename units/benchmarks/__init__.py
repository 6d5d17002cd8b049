"""Benchmarks: synthetic structures, measuring helpers and the measured cases behind the
``bench`` and ``benchpdf`` commands. They print figures; nothing here asserts a time."""
