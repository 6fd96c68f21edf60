"""The load test's simulated people: students browse the board and submit suggestions, members
log study and sign in to the activity under way, reviewers approve what waits for them.

Run by `make loadtest` (`python -m bench.loadtest`), which prepares the people (the JSON file
named by BENCH_LOAD_SETUP) and reconciles what this file records as acknowledged (written to
BENCH_LOAD_ACKS when the run stops) with the database. Every submission carries a token of its
own, so that a lost or a doubled one shows.
"""

import itertools
import json
import os
import random
import re
import uuid

from locust import HttpUser, between, events, task

SETUP = json.loads(open(os.environ["BENCH_LOAD_SETUP"], encoding="utf-8").read())  # noqa: SIM115
ACKNOWLEDGED: list[dict] = []
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SUGGESTION_LINK = re.compile(r'href="/suggestions/(\d+)/"')
APPROVE_FORM = re.compile(r'action="/study/entries/(\d+)/approve/"')
PERSON_LINK = re.compile(r'href="/study/people/(\d+)/"')
_turns = {kind: itertools.count() for kind in ("students", "members", "reviewers")}


@events.test_stop.add_listener
def _write_acknowledged(**_kwargs) -> None:
    with open(os.environ["BENCH_LOAD_ACKS"], "w", encoding="utf-8") as acks:
        json.dump(ACKNOWLEDGED, acks)


def token() -> str:
    return uuid.uuid4().hex[:16]


class Person(HttpUser):
    abstract = True
    kind = ""
    wait_time = between(2, 8)

    def on_start(self) -> None:
        people = SETUP[self.kind]
        self.person = people[next(_turns[self.kind]) % len(people)]
        name, value = self.person["cookie"].split("=", 1)
        self.client.cookies.set(name, value)

    def form_token(self, path: str, name: str) -> str | None:
        """GET a page with a form, as a browser would before posting it; its CSRF token."""
        response = self.client.get(path, name=name)
        match = CSRF.search(response.text)
        return match.group(1) if match else None

    def post_form(self, path: str, name: str, data: dict, **kwargs):
        return self.client.post(
            path,
            data=data,
            name=name,
            headers={"Referer": self.host + path, **kwargs.pop("headers", {})},
            allow_redirects=False,
            catch_response=True,
            **kwargs,
        )


class Student(Person):
    kind = "students"
    weight = 5

    @task(5)
    def board(self) -> None:
        response = self.client.get("/suggestions/", name="board")
        links = SUGGESTION_LINK.findall(response.text)
        if links:
            self.client.get(f"/suggestions/{random.choice(links)}/", name="a suggestion")

    @task(2)
    def mine(self) -> None:
        self.client.get("/suggestions/mine/", name="my suggestions")

    @task(2)
    def home(self) -> None:
        self.client.get("/", name="home")

    @task(1)
    def notices(self) -> None:
        self.client.get("/notifications/", name="notices")

    @task(1)
    def submit(self) -> None:
        csrf = self.form_token("/suggestions/new/", "new suggestion form")
        if not csrf:
            return
        mark = token()
        data = {
            "csrfmiddlewaretoken": csrf,
            "title": f"负载测试建议 {mark}",
            "body": "自习室晚上十点后的照明不够, 希望延长开灯时间。",
            "category": random.choice(SETUP["categories"]),
            "sub_area": "",
        }
        if random.random() < 0.2:
            data["anonymous"] = "on"
        with self.post_form("/suggestions/new/", "submit a suggestion", data) as response:
            found = re.fullmatch(r".*/suggestions/(\d+)/", response.headers.get("Location", ""))
            if response.status_code == 302 and found:
                ACKNOWLEDGED.append({"kind": "suggestion", "token": mark, "id": int(found[1])})
                response.success()
            else:
                response.failure(f"suggestion refused ({response.status_code})")


class Member(Person):
    kind = "members"
    weight = 4

    def on_start(self) -> None:
        super().on_start()
        self.signed_in = False

    @task(5)
    def my_study(self) -> None:
        self.client.get("/study/", name="my study")

    @task(2)
    def activities(self) -> None:
        self.client.get("/study/activities/", name="activities")

    @task(1)
    def readings(self) -> None:
        self.client.get("/study/readings/", name="readings")

    @task(1)
    def board(self) -> None:
        self.client.get("/suggestions/", name="board")

    @task(2)
    def log_study(self) -> None:
        csrf = self.form_token("/study/entries/new/", "log study form")
        if not csrf:
            return
        mark = token()
        data = {
            "csrfmiddlewaretoken": csrf,
            "date": SETUP["today"],
            "stage": "1",
            "kind": "self_study",
            "hours": "1.5",
            "material": "《中国共产党章程》",
            "notes": f"学习笔记 {mark}",
            "action": "submit",
        }
        with self.post_form("/study/entries/new/", "log study", data) as response:
            found = re.fullmatch(r".*/study/entries/(\d+)/", response.headers.get("Location", ""))
            if response.status_code == 302 and found:
                ACKNOWLEDGED.append({"kind": "entry", "token": mark, "id": int(found[1])})
                response.success()
            else:
                response.failure(f"entry refused ({response.status_code})")

    @task(1)
    def sign_in(self) -> None:
        if self.signed_in:
            return
        activity = SETUP["activity"]
        path = f"/study/activities/{activity['id']}/sign-in/"
        csrf = self.form_token(f"{path}?code={activity['code']}", "sign-in page")
        if not csrf:
            return
        data = {"csrfmiddlewaretoken": csrf, "code": activity["code"]}
        with self.post_form(path, "sign in", data) as response:
            self.signed_in = True
            if response.status_code == 302:
                ACKNOWLEDGED.append(
                    {"kind": "sign-in", "person": self.person["id"], "id": activity["id"]}
                )
                response.success()
            else:
                response.failure(f"sign-in refused ({response.status_code})")


class Reviewer(Person):
    kind = "reviewers"
    weight = 1

    @task(3)
    def approve(self) -> None:
        response = self.client.get("/study/review/", name="review queue")
        waiting = APPROVE_FORM.findall(response.text)
        csrf = CSRF.search(response.text)
        if not waiting or not csrf:
            return
        entry = random.choice(waiting)
        mark = token()
        data = {"csrfmiddlewaretoken": csrf.group(1), "comment": f"已阅 {mark}"}
        headers = {"HX-Request": "true", "HX-Current-URL": self.host + "/study/review/"}
        path = f"/study/entries/{entry}/approve/"
        with self.post_form(path, "approve", data, headers=headers) as response:
            if response.status_code == 200 and 'data-testid="review-done"' in response.text:
                ACKNOWLEDGED.append({"kind": "approval", "token": mark, "id": int(entry)})
                response.success()
            elif 'data-testid="review-error"' in response.text:
                # Another reviewer of the same person was first: the page says so, nothing lost.
                response.success()
            else:
                response.failure(f"approval refused ({response.status_code})")

    @task(2)
    def directory(self) -> None:
        self.client.get("/people/", name="directory")

    @task(1)
    def progress(self) -> None:
        response = self.client.get("/study/review/", name="review queue")
        people = PERSON_LINK.findall(response.text)
        if people:
            self.client.get(f"/study/people/{random.choice(people)}/", name="a member's progress")
