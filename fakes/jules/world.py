"""The fake Jules's sessions: created, advanced, messaged, approved, archived.

A session moves one state each time it is read (``sessions.get``), so a poll loop sees
it progress without any clock: QUEUED -> PLANNING -> AWAITING_PLAN_APPROVAL (when
``requirePlanApproval``, until approved) -> IN_PROGRESS -> COMPLETED, with a pull request
among its outputs when ``automationMode`` is AUTO_CREATE_PR. Each step adds the activity
the real API would (planGenerated, planApproved, progressUpdated, sessionCompleted); a
message adds userMessaged and an agentMessaged reply that quotes it.

:meth:`JulesWorld.plan` computes an answer without changing anything and returns the
change as ``commit``: the engine commits only when no fault replaced the answer, so a
faulted create leaves no session behind.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fakes.dialects.jules import JulesCall

SOURCES = (
    {"name": "sources/github/zen-fakes/demo", "id": "github/zen-fakes/demo", "githubRepo": {
        "owner": "zen-fakes", "repo": "demo", "isPrivate": False, "defaultBranch": {"displayName": "main"}}},
    {"name": "sources/github/zen-fakes/other", "id": "github/zen-fakes/other", "githubRepo": {
        "owner": "zen-fakes", "repo": "other", "isPrivate": True, "defaultBranch": {"displayName": "main"}}},
)  # fmt: skip
BASE_TIME = "2025-01-01T00:00:{:02d}Z"


@dataclass
class Outcome:
    """What to answer and the change to keep if the answer goes out."""

    status: int
    payload: dict[str, Any]
    commit: Callable[[], None] = lambda: None
    error: str | None = None  # for status >= 400: the message of the Google error body


@dataclass
class _Session:
    data: dict[str, Any]
    activities: list[dict[str, Any]] = field(default_factory=list)
    archived: bool = False


def _problem(status: int, message: str) -> Outcome:
    return Outcome(status, {}, error=message)


class JulesWorld:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sessions: dict[str, _Session] = {}
        self._created = 0
        self._clock = 0

    def session_ids(self) -> list[str]:
        with self._lock:
            return list(self._sessions)

    def plan(self, call: JulesCall) -> Outcome:
        with self._lock:
            op = call.api
            if op == "sources.list":
                return Outcome(200, {"sources": [dict(s) for s in SOURCES]})
            if op == "sessions.list":
                visible = [s.data for s in self._sessions.values() if not s.archived]
                return Outcome(200, {"sessions": copy.deepcopy(visible)})
            if op == "sessions.create":
                return self._create(call)
            session = self._sessions.get(call.session_id or "")
            if session is None:
                return _problem(404, f"Requested entity was not found: sessions/{call.session_id}")
            return self._on_session(op, call, session)

    def _on_session(self, op: str, call: JulesCall, session: _Session) -> Outcome:
        if op == "sessions.get":
            updated = self._advanced(session)
            return Outcome(200, copy.deepcopy(updated.data), self._replace(call.session_id, updated))
        if op == "activities.list":
            page = session.activities[: max(1, call.page_size)]
            payload: dict[str, Any] = {"activities": copy.deepcopy(page)}
            if len(session.activities) > len(page):
                payload["nextPageToken"] = str(len(page))
            return Outcome(200, payload)
        if op == "sessions.sendMessage":
            updated = copy.deepcopy(session)
            prompt = str(call.body.get("prompt", ""))
            updated.activities.append(self._activity("user", "userMessaged", {"userMessage": prompt}))
            reply = f"FAKE-JULES-REPLY to: {prompt[:200]}"
            updated.activities.append(self._activity("agent", "agentMessaged", {"agentMessage": reply}))
            return Outcome(200, {}, self._replace(call.session_id, updated))
        if op == "sessions.approvePlan":
            if session.data["state"] != "AWAITING_PLAN_APPROVAL":
                return _problem(400, f"session is {session.data['state']}: no plan is waiting for approval")
            updated = copy.deepcopy(session)
            updated.data["state"] = "IN_PROGRESS"
            updated.activities.append(self._activity("user", "planApproved", {"planId": "plan-1"}))
            return Outcome(200, {}, self._replace(call.session_id, updated))
        archived = op == "sessions.archive"
        updated = copy.deepcopy(session)
        updated.archived = archived
        return Outcome(200, {}, self._replace(call.session_id, updated))

    def _create(self, call: JulesCall) -> Outcome:
        context = call.body.get("sourceContext") or {}
        if context.get("source") not in {s["name"] for s in SOURCES}:
            return _problem(400, f"source {context.get('source')!r} is not connected; see GET /sources")
        number = self._created + 1
        session_id = f"{number:016d}"
        data = {
            "name": f"sessions/{session_id}",
            "id": session_id,
            "prompt": call.body["prompt"],
            "title": call.body.get("title") or str(call.body["prompt"])[:40],
            "sourceContext": copy.deepcopy(context),
            "state": "QUEUED",
            "url": f"https://jules.example.invalid/session/{session_id}",
            "createTime": BASE_TIME.format(number % 60),
            "requirePlanApproval": bool(call.body.get("requirePlanApproval", False)),
            "automationMode": call.body.get("automationMode", "AUTOMATION_MODE_UNSPECIFIED"),
        }

        def commit() -> None:
            with self._lock:
                self._created = number
                self._sessions[session_id] = _Session(data)

        return Outcome(200, copy.deepcopy(data), commit)

    def _advanced(self, session: _Session) -> _Session:
        updated = copy.deepcopy(session)
        data = updated.data
        state = data["state"]
        if state == "QUEUED":
            data["state"] = "PLANNING"
        elif state == "PLANNING":
            steps = [{"id": "1", "title": "Read the code"}, {"id": "2", "title": "Make the change"}]
            updated.activities.append(self._activity("agent", "planGenerated", {"plan": {"steps": steps}}))
            data["state"] = "AWAITING_PLAN_APPROVAL" if data["requirePlanApproval"] else "IN_PROGRESS"
        elif state == "IN_PROGRESS":
            updated.activities.append(self._activity("agent", "progressUpdated", {"title": "Tests pass"}))
            updated.activities.append(self._activity("agent", "sessionCompleted", {}))
            data["state"] = "COMPLETED"
            if data["automationMode"] == "AUTO_CREATE_PR":
                url = f"https://github.com/zen-fakes/demo/pull/{int(data['id'])}"
                data["outputs"] = [{"pullRequest": {"url": url, "title": data["title"]}}]
        return updated

    def _replace(self, session_id: str | None, updated: _Session) -> Callable[[], None]:
        def commit() -> None:
            with self._lock:
                if session_id is not None:
                    self._sessions[session_id] = updated

        return commit

    def _activity(self, originator: str, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        self._clock += 1
        return {
            "name": f"activities/{self._clock}",
            "originator": originator,
            "createTime": BASE_TIME.format(self._clock % 60),
            kind: payload,
        }


__all__ = ["SOURCES", "JulesWorld", "Outcome"]
