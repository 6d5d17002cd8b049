import datetime
import io
import zoneinfo

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from orgreg import roles
from tests import celery_worker, factories, mail_server

# One user per role, made once per test run (per xdist worker) in the test database.
ROLE_USERS = {"redaktoer": roles.EDITOR, "leder": roles.MANAGER, "med": roles.MED,
              "laeser": roles.READER}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        for username, group in ROLE_USERS.items():
            factories.make_user(username, group)


def role_user(username: str):
    """The run's user for a role. A transactional test (the browser tests) flushes the
    database when it ends; the user is then made again."""
    user = get_user_model().objects.filter(username=username).first()
    return user or factories.make_user(username, ROLE_USERS[username])


@pytest.fixture
def on_date(time_machine):
    """Sets today, as orgreg.clock reads it, without sleeping: ``on_date(date(2025, 1, 2))``
    stops every clock at noon that day in Copenhagen (time-machine), until the test ends."""
    def set_today(day: datetime.date) -> None:
        noon = datetime.datetime.combine(day, datetime.time(12),
                                         tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
        time_machine.move_to(noon, tick=False)
    return set_today


@pytest.fixture
def editor(db):
    return role_user("redaktoer")


@pytest.fixture
def manager(db):
    return role_user("leder")


@pytest.fixture
def med_member(db):
    return role_user("med")


@pytest.fixture
def reader(db):
    return role_user("laeser")


@pytest.fixture
def organisation(editor):
    return factories.make_organisation(editor, "Testkommune")


@pytest.fixture
def small(editor, organisation):
    """A published 2024 structure:

    ROOT Testkommune
      A  Afdeling A (10)
        A1 Team A1 (4)
        A2 Team A2 (6)
      B  Afdeling B (20)
        B1 Team B1 (8)
      C  Afdeling C (5)
    """
    structure, units = factories.make_structure(
        editor,
        {
            "A": ("Afdeling A", 10, {"A1": ("Team A1", 4), "A2": ("Team A2", 6)}),
            "B": ("Afdeling B", 20, {"B1": ("Team B1", 8)}),
            "C": ("Afdeling C", 5),
        },
        organisation=organisation,
        status="published",
    )
    return structure, units


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    """The demo, loaded once for a test module through `loaddemo` and rolled back after it;
    what the command printed."""
    with django_db_blocker.unblock(), transaction.atomic():
        # The demo makes its own users under the same names as the suite's role users.
        get_user_model().objects.filter(username__in=ROLE_USERS).delete()
        out = io.StringIO()
        call_command("loaddemo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_output, db):
    """The module's demo, for a test (the test's own changes are rolled back after it)."""
    return demo_output


@pytest.fixture
def broker():
    """The real Redis broker on a queue of this test's own (tests/celery_worker.py); skips
    when Redis does not answer, fails when REQUIRE_REDIS=1."""
    yield from celery_worker.redis_queue()


@pytest.fixture
def worker(broker, tmp_path):
    """A real Celery worker process on the test's queue and database
    (tests/celery_worker.py): `worker.db.push()`, `worker.start()`, `worker.wait(job_id)`,
    `worker.db.pull()`."""
    yield from celery_worker.worker_process(broker, tmp_path)


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on loopback, Django's mail sent to it over SMTP
    (tests/mail_server.py): `smtp_server.wait(n)` gives the messages it received,
    `smtp_server.url` is an EMAIL_URL for a worker process."""
    yield from mail_server.running(settings)


@pytest.fixture
def smtp_server_for_worker(smtp_server, monkeypatch):
    """`smtp_server`, and EMAIL_URL pointing at it in the environment a worker process is
    started with: name it before `worker` in the test's arguments."""
    monkeypatch.setenv("EMAIL_URL", smtp_server.url)
    return smtp_server
