"""Accounts: signing in, and what is recorded about it.

- Sign-in through the municipality's identity provider (OpenID Connect, with
  mozilla-django-oidc): ``discovery`` of the provider, the ``backends`` that match users by the
  provider's `sub` (and keep the local password for break-glass superusers), roles from the
  provider's group claim (``claims``, ``services``), and the login, callback and logout
  ``views``.
- ``audit``: sign-in, sign-out and failed sign-ins to the log; role changes to the log and to
  ``models.RoleChange`` (``record_role_change``, ``role_change_source``).
- ``session``: how long a sign-in lasts (``SessionTimeout``: lifetime and idle timeout).

Who may see what once signed in stays in orgreg/roles.py. This is a Django app, so nothing is
imported here: the signal handlers are connected in ``apps.AccountsConfig.ready``.
"""
