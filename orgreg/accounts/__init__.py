"""Accounts: signing in and what is recorded about it.

- ``audit``: sign-in, sign-out and failed sign-ins to the log; role changes to the log and
  to ``orgreg.models.RoleChange`` (``record_role_change``, ``role_change_source``);
- ``session``: how long a sign-in lasts (``SessionTimeout``: lifetime and idle timeout).
"""

from .audit import record_role_change, role_change_source
from .session import SessionTimeout

__all__ = ["SessionTimeout", "record_role_change", "role_change_source"]
