#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orgreg.settings")
    # A checkout with no SECRET_KEY in its environment is a developer's: its commands run
    # with DEBUG on and the development key. A configured installation (SECRET_KEY set)
    # keeps DEBUG off unless it sets DEBUG itself; the served app (orgreg.wsgi) never
    # falls back.
    if "SECRET_KEY" not in os.environ:
        os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
