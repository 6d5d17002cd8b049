"""The load of ``manage.py bench load``, driven by locust (headless, through its Python API) in
a process of its own: locust patches the standard library for gevent when imported, which the
Django process that starts it must not be.

    python -m units.benchmarks.load_driver PLAN.json

PLAN.json (written by units.benchmarks.load) gives the server's address, the users'
credentials, the URLs and the bounds; the figures are printed on stdout as one JSON object.
Readers log in, then go round the pages at random with a pause between requests; the editor
logs in and edits the draft: the edit page, renames (as the page's script sends them) and now
and then a move; it starts the bulk notice job first. The run stops by itself after
``requests`` requests or ``seconds`` seconds, whichever comes first."""

from __future__ import annotations

import json
import random
import resource
import sys
import time

import gevent
import gevent.event
from locust import FastHttpUser, between, events, task
from locust.contrib.fasthttp import FastHttpSession
from locust.env import Environment

PLAN: dict = {}
# Everyone logs in first (a password hash costs a core a few hundred milliseconds); the
# measured run starts when all have.
LOGGED_IN: list[str] = []
GO = gevent.event.Event()
# Failures kept as examples for the report (the count is locust's).
EXAMPLES: list[str] = []
JOB: dict = {}


def login(client, username: str, password: str) -> None:
    """Log in through the login form, as a browser does."""
    client.get("/login/", name="login")
    with client.post("/login/", data={"username": username, "password": password,
                                      "csrfmiddlewaretoken": cookie(client, "csrftoken")},
                     headers={"Referer": PLAN["host"] + "/login/"}, name="login",
                     allow_redirects=False, catch_response=True) as response:
        if response.status_code != 302:
            response.failure(f"login as {username}: {response.status_code}")


def cookie(client, name: str) -> str:
    return next((c.value for c in client.cookiejar if c.name == name), "")


class Reader(FastHttpUser):
    """A reader going round the pages of the 10,000-unit structure."""

    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        login(self.client, PLAN["reader"], PLAN["password"])
        LOGGED_IN.append(PLAN["reader"])
        GO.wait()

    def _get(self, name: str, url: str, **headers: str) -> None:
        with self.client.get(url, name=name, headers=headers or None,
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{name} {url}: {response.status_code}")

    @task
    def chart(self) -> None:
        self._get("diagram", random.choice(PLAN["charts"]))

    @task
    def outline(self) -> None:
        self._get("oversigt", PLAN["outline"])

    @task
    def compare(self) -> None:
        self._get("sammenligning", PLAN["compare"])

    @task
    def placement(self) -> None:
        self._get("min enhed", random.choice(PLAN["placements"]))

    @task
    def api_tree(self) -> None:
        self._get("api: træ", PLAN["api_tree"], Accept="application/json")


class Editor(FastHttpUser):
    """The one editor: starts the notice job, then edits the draft."""

    wait_time = between(1.0, 3.0)
    fixed_count = 1
    renames = 0

    def on_start(self) -> None:
        login(self.client, PLAN["editor"], PLAN["password"])
        LOGGED_IN.append(PLAN["editor"])
        GO.wait()
        with self.client.get(PLAN["notices"], name="orienteringer (start job)",
                             allow_redirects=False, catch_response=True) as response:
            if response.status_code != 302 or "/jobs/" not in response.headers.get("Location", ""):
                response.failure(f"notices: {response.status_code}")
            else:
                JOB["url"] = response.headers["Location"]

    def _fetch_post(self, name: str, url: str, data: dict) -> None:
        token = cookie(self.client, "csrftoken")
        with self.client.post(url, data={**data, "csrfmiddlewaretoken": token},
                              headers={"X-Requested-With": "fetch",
                                       "Referer": PLAN["host"] + PLAN["edit"]},
                              name=name, catch_response=True) as response:
            if response.status_code != 200 or not response.json().get("ok"):
                response.failure(f"{name} {url}: {response.status_code} {response.text[:200]}")

    @task(2)
    def edit_page(self) -> None:
        unit = random.choice(PLAN["draft_units"])
        with self.client.get(f"{PLAN['edit']}?unit={unit}", name="redigering",
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"edit page: {response.status_code}")

    @task(3)
    def rename(self) -> None:
        unit = random.choice(PLAN["draft_units"])
        Editor.renames += 1
        self._fetch_post("redigering: omdøb", f"{PLAN['unit_action']}{unit}/update/",
                         {"edit-name": f"Omdøbt enhed {unit} ({Editor.renames})",
                          "edit-reason": "Belastningstest"})

    @task(1)
    def move(self) -> None:
        unit = random.choice(PLAN["movable"])
        self._fetch_post("redigering: flyt", f"{PLAN['unit_action']}{unit}/move/",
                         {"move-new_parent": random.choice(PLAN["move_targets"]),
                          "move-reason": "Belastningstest"})


@events.request.add_listener
def _keep_example(request_type, name, response_time, response_length, exception=None,
                  **kwargs) -> None:
    if exception is not None and len(EXAMPLES) < 10:
        EXAMPLES.append(f"{request_type} {name}: {exception}")


def _figures(stats) -> dict:
    def entry(e) -> dict:
        return {"requests": e.num_requests, "failures": e.num_failures,
                "rps": e.total_rps, "p50": e.get_response_time_percentile(0.5),
                "p95": e.get_response_time_percentile(0.95),
                "p99": e.get_response_time_percentile(0.99), "max": e.max_response_time,
                "mean": e.avg_response_time, "kib": e.avg_content_length / 1024}
    return {"pages": {name: entry(e) for (name, _method), e in stats.entries.items()},
            "total": entry(stats.total), "examples": EXAMPLES}


def warm(env: Environment) -> None:
    """Each distinct page once before the measured run, as a user already had it (the figures
    are of a warm cache: the cache is new each run, its keys naming the run)."""
    session = FastHttpSession(base_url=PLAN["host"], request_event=env.events.request,
                              user=None)
    login(session, PLAN["reader"], PLAN["password"])
    for url in [*PLAN["charts"], PLAN["outline"], PLAN["compare"], PLAN["api_tree"]]:
        session.get(url, headers={"Accept": "application/json"} if "/api/" in url else None)


def main(path: str) -> None:
    PLAN.update(json.loads(open(path).read()))
    Reader.host = Editor.host = PLAN["host"]
    Reader.wait_time = between(*PLAN["reader_wait"])
    env = Environment(user_classes=[Reader, Editor], events=events)
    warm(env)
    runner = env.create_local_runner()
    users = PLAN["readers"] + 1
    runner.start(users, spawn_rate=users)
    deadline = time.monotonic() + 120
    while len(LOGGED_IN) < users and time.monotonic() < deadline:
        gevent.sleep(0.1)
    env.stats.reset_all()
    EXAMPLES.clear()
    # Marks in the server's access log: the measured run lies between them.
    mark = FastHttpSession(base_url=PLAN["host"], request_event=events.request, user=None)
    mark.get("/healthz?mark=start")
    env.stats.reset_all()
    began = time.monotonic()
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    GO.set()

    def bound() -> None:
        while (env.stats.total.num_requests < PLAN["requests"]
               and time.monotonic() - began < PLAN["seconds"]):
            gevent.sleep(0.2)
        runner.quit()

    gevent.spawn(bound).join()
    runner.greenlet.join()
    seconds = time.monotonic() - began
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    figures = _figures(env.stats)
    mark.get("/healthz?mark=end")
    figures.update(seconds=seconds, job=JOB.get("url", ""),
                   cpu=cpu.ru_utime + cpu.ru_stime - cpu_before.ru_utime - cpu_before.ru_stime)
    print(json.dumps(figures))


if __name__ == "__main__":
    main(sys.argv[1])
