"""Locust scenario: agents mixing the three journeys (training, passport, reports) through the site.

The lesson is read as a page (HTML, logged-in session); the writes go through the JSON API with each
account's token, as a mobile or partner client would. Successful writes are counted per kind and written
to $LOAD_RESULTS when the run ends, so that load/run.py can find every one of them in the database.
"""
import itertools
import json
import os
import random
import re
import threading
import uuid

from locust import HttpUser, between, events, task

DATA = json.loads(open(os.environ["LOAD_DATA"], encoding="utf-8").read())
ACCOUNTS = itertools.cycle(DATA["users"])
LOCK = threading.Lock()
WRITTEN = {"attempts": 0, "entries": 0, "submissions": 0, "reports": 0}
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _count(kind):
    with LOCK:
        WRITTEN[kind] += 1


class Agent(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self):
        with LOCK:
            self.account = next(ACCOUNTS)
        self.api = {"Authorization": f"Bearer {self.account['token']}"}
        page = self.client.get("/connexion", name="/connexion")
        token = CSRF.search(page.text)
        with self.client.post("/connexion", name="/connexion [POST]", allow_redirects=False, catch_response=True,
                              data={"email": self.account["email"], "password": self.account["password"],
                                    "csrf_token": token.group(1) if token else ""}) as response:
            if response.status_code != 302:
                response.failure(f"login: {response.status_code}")

    @task(2)
    def training(self):
        module, lessons = DATA["module"], DATA["lessons"]
        with self.client.get(f"/formation/modules/{module}/lecons/{lessons[0]}", catch_response=True,
                             name="/formation/modules/[m]/lecons/[l]") as response:
            if response.status_code != 200 or "/connexion" in response.url:
                response.failure(f"lesson: {response.status_code} {response.url}")
        for lesson in lessons:
            self.client.post(f"/api/v1/modules/{module}/lessons/{lesson}/done", headers=self.api, json={},
                             name="/api/v1/modules/[m]/lessons/[l]/done")
        with self.client.post(f"/api/v1/modules/{module}/quiz/attempts", name="/api/v1/modules/[m]/quiz/attempts",
                              headers={**self.api, "Idempotency-Key": uuid.uuid4().hex},
                              json={"answers": DATA["answers"]}, catch_response=True) as response:
            if response.status_code == 201:
                _count("attempts")
                response.success()
            else:
                response.failure(f"attempt: {response.status_code}")

    @task(2)
    def passport(self):
        payload = {"competency": random.choice(DATA["competencies"]), "level": random.randint(1, 4),  # noqa: S311  # nosec B311
                   "source": "experience", "evidence": "J'ai accueilli au guichet une personne sans rendez-vous."}
        with self.client.post("/api/v1/me/passport/entries", headers=self.api, json=payload,
                              name="/api/v1/me/passport/entries", catch_response=True) as response:
            if response.status_code != 201:
                response.failure(f"declare: {response.status_code}")
                return
            _count("entries")
            entry_id = response.json()["id"]
        with self.client.post(f"/api/v1/me/passport/entries/{entry_id}/submit", headers=self.api, json={},
                              name="/api/v1/me/passport/entries/[id]/submit", catch_response=True) as response:
            if response.status_code == 200:
                _count("submissions")
            else:
                response.failure(f"submit: {response.status_code}")

    @task(1)
    def report(self):
        payload = {"application": random.choice(DATA["applications"]),  # noqa: S311  # nosec B311
                   "problem_type": "technical_error", "title": "Le bouton Valider reste grisé",
                   "what_happened": "Après la saisie des ressources, le bouton Valider reste grisé sans message.",
                   "people_affected": 1}
        with self.client.post("/api/v1/reports", headers=self.api, json=payload, name="/api/v1/reports",
                              catch_response=True) as response:
            if response.status_code == 201:
                _count("reports")
            else:
                response.failure(f"report: {response.status_code}")


@events.quitting.add_listener
def _write_results(environment, **_kwargs):
    total = environment.stats.total
    with open(os.environ["LOAD_RESULTS"], "w", encoding="utf-8") as out:
        json.dump({"requests": total.num_requests, "failures": total.num_failures,
                   "errors": {f"{error.method} {error.name}: {error.error}": error.occurrences
                              for error in environment.stats.errors.values()},
                   "written": WRITTEN}, out)
