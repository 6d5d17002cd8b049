"""Demo data of the med app, loaded by `manage.py loaddemo` after the structures exist.
Must be idempotent: running it twice creates nothing new."""


def load(*, user, stdout=None) -> None:
    return None
