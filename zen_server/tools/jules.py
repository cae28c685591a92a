"""The jules tool: drive Google Jules, an asynchronous coding agent, one action per call.

Jules works on a connected GitHub repository in the background: ``create`` starts a
session, ``status`` shows its state, recent activities and any pull request, ``message``
steers it, ``approve`` releases a plan it is waiting on, ``archive``/``unarchive`` hide or
restore it, ``list_sources`` shows the repositories it can reach. Each call returns at
once; the calling agent polls. Needs JULES_API_KEY (JULES_BASE_URL points elsewhere, e.g.
at the fake in ``fakes/``). Replies are upstream's envelope with JSON content; no
conversation is recorded, as upstream records none for jules.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, ClassVar

from zen_server.config import Settings
from zen_server.errors import ToolInputError
from zen_server.jules import JulesClient, session_id_from
from zen_server.tools.base import Tool, ToolContext, ToolResult
from zen_server.tools.catalog_view import CatalogView

ACTIONS = ("list_sources", "create", "status", "message", "approve", "archive", "unarchive")
AUTOMATION_MODES = ("AUTO_CREATE_PR", "AUTOMATION_MODE_UNSPECIFIED")
DEFAULT_PAGE_SIZE = 30
_SOURCE = re.compile(r"^sources/[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$")
# Activity kinds of the Jules API: (label shown, field of the payload holding its text).
ACTIVITY_KINDS = {
    "agentMessaged": ("agent_message", "agentMessage"),
    "userMessaged": ("user_message", "userMessage"),
    "planGenerated": ("plan_generated", None),
    "planApproved": ("plan_approved", None),
    "progressUpdated": ("progress", "title"),
    "sessionCompleted": ("session_completed", None),
    "sessionFailed": ("session_failed", "reason"),
}


def _string(description: str) -> dict[str, Any]:
    return {"type": "string", "description": description}


class JulesTool(Tool):
    name: ClassVar[str] = "jules"
    title: ClassVar[str] = "Jules"
    description: ClassVar[str] = (
        "Drive Google Jules, an asynchronous coding agent working on a connected GitHub repository: "
        "list_sources, create a session, check its status, message it, approve its plan, archive it. "
        "One action per call, returning at once; poll status to follow a session. Needs JULES_API_KEY. "
        "Not for edits to the local checkout."
    )
    requires_model: ClassVar[bool] = False

    def input_schema(self, catalog: CatalogView, settings: Settings) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                "action": {
                    "type": "string",
                    "enum": list(ACTIONS),
                    "description": "list_sources: repositories Jules can reach; create: start a session; "
                    "status: state, recent activities and pull request; message: steer a session; "
                    "approve: release the plan it waits on; archive / unarchive: hide or restore it.",
                },
                "prompt": _string("The task (create) or the message (message)."),
                "source": _string("create: the repository, as list_sources names it ('sources/github/o/r')."),
                "starting_branch": _string("create: the branch to start from (default: the repository's)."),
                "session_id": _string("status, message, approve, archive, unarchive: the session's id."),
                "title": _string("create: a title for the session."),
                "require_plan_approval": {
                    "type": "boolean",
                    "description": "create: wait for action=approve before carrying out the plan.",
                },
                "automation_mode": {
                    "type": "string",
                    "enum": list(AUTOMATION_MODES),
                    "description": "create: AUTO_CREATE_PR (the default) opens a pull request when done.",
                },
                "page_size": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 100,
                    "description": f"status: how many activities to return (default {DEFAULT_PAGE_SIZE}).",
                },
            },
            "required": ["action"],
            "additionalProperties": False,
        }

    async def run(self, arguments: Mapping[str, Any], ctx: ToolContext) -> ToolResult:
        args = arguments  # validated by the executor against input_schema
        action: str = args["action"]
        settings = ctx.settings
        key = settings.jules_api_key.get_secret_value().strip() if settings.jules_api_key else ""
        if not key:
            raise ToolInputError(
                "jules: JULES_API_KEY is not set on this server; create a key in the Jules settings "
                "(API section), set JULES_API_KEY and restart the server"
            )
        request = _checked(action, args)
        await ctx.report_progress(0, None, f"jules {action}")
        async with JulesClient(
            settings.jules_base_url,
            key,
            connect_timeout_s=settings.zen_connect_timeout_s,
            read_timeout_s=settings.zen_read_timeout_s,
            secrets=settings.secrets(),
        ) as client:
            content, metadata = await _perform(client, action, request)
        text = content if isinstance(content, str) else json.dumps(content, indent=2, ensure_ascii=False)
        return ToolResult(
            content=text,
            content_type="text" if isinstance(content, str) else "json",
            metadata={"tool_name": self.name, "action": action, **metadata},
            json_in_envelope=True,
        )


def _checked(action: str, args: Mapping[str, Any]) -> dict[str, Any]:
    """What ``action`` needs from ``args``, checked; ToolInputError naming what is missing."""

    def need(name: str) -> str:
        value = args.get(name)
        if not isinstance(value, str) or not value.strip():
            raise ToolInputError(f"jules: action={action} needs '{name}'; send it and call again")
        return value

    request: dict[str, Any] = {}
    if action in ("status", "message", "approve", "archive", "unarchive"):
        request["session_id"] = session_id_from(need("session_id"))
    if action in ("create", "message"):
        request["prompt"] = need("prompt")
    if action == "create":
        source = need("source").strip()
        if not _SOURCE.match(source) or {".", ".."} & set(source.split("/")):
            raise ToolInputError(
                f"jules: source {source!r} is not a Jules source name; send one list_sources returned, "
                "such as 'sources/github/<owner>/<repo>'"
            )
        context: dict[str, Any] = {"source": source}
        branch = (args.get("starting_branch") or "").strip()
        if branch:
            context["githubRepoContext"] = {"startingBranch": branch}
        body: dict[str, Any] = {
            "prompt": request.pop("prompt"),
            "sourceContext": context,
            "automationMode": args.get("automation_mode") or "AUTO_CREATE_PR",
        }
        if args.get("require_plan_approval"):
            body["requirePlanApproval"] = True
        if (args.get("title") or "").strip():
            body["title"] = args["title"].strip()
        request["body"] = body
    if action == "status":
        request["page_size"] = int(args.get("page_size") or DEFAULT_PAGE_SIZE)
    return request


async def _perform(client: JulesClient, action: str, request: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    sid = request.get("session_id")
    if action == "list_sources":
        data = await client.list_sources()
        sources = [
            {"name": s.get("name"), "id": s.get("id"), "githubRepo": s.get("githubRepo")}
            for s in data.get("sources") or []
            if isinstance(s, dict)
        ]
        return sources, {"count": len(sources)}
    if action == "create":
        created = await client.create_session(request["body"])
        summary = {
            "session_id": _session_id_of(created),
            "name": created.get("name"),
            "state": created.get("state"),
            "url": created.get("url"),
            "title": created.get("title"),
        }
        return summary, {"session_id": summary["session_id"]}
    if action == "status":
        session = await client.get_session(sid or "")
        listed = await client.list_activities(sid or "", request["page_size"])
        activities = [summarize_activity(a) for a in listed.get("activities") or [] if isinstance(a, dict)]
        return (
            {
                "session_id": _session_id_of(session) or sid,
                "state": session.get("state"),
                "url": session.get("url"),
                "outputs": session.get("outputs", []),
                "activities": activities,
            },
            {"state": session.get("state")},
        )
    if action == "message":
        await client.send_message(sid or "", request["prompt"])
        return "Message sent to the Jules session.", {"session_id": sid}
    if action == "approve":
        await client.approve_plan(sid or "")
        return "Plan approved for the Jules session.", {"session_id": sid}
    archived = action == "archive"
    await client.set_archived(sid or "", archived)
    return {"session_id": sid, "archived": archived}, {"session_id": sid}


def _session_id_of(data: Mapping[str, Any]) -> str | None:
    """The id of a session resource: ``id``, else parsed from its ``name`` (sessions/{id})."""
    if data.get("id"):
        return str(data["id"])
    name = str(data.get("name") or "")
    return name.split("/", 1)[1] if name.startswith("sessions/") else (name or None)


def summarize_activity(activity: Mapping[str, Any]) -> dict[str, Any]:
    """One activity as the status answer shows it: who, when, what kind, its text if any."""
    summary: dict[str, Any] = {
        "originator": activity.get("originator"),
        "createTime": activity.get("createTime"),
    }
    kind, text = "unknown", activity.get("description")
    for key, (label, text_field) in ACTIVITY_KINDS.items():
        if key in activity:
            kind = label
            payload = activity.get(key)
            if text_field and isinstance(payload, dict):
                text = payload.get(text_field) or text
            elif key == "planGenerated" and isinstance(payload, dict):
                plan = payload.get("plan")
                steps = plan.get("steps") if isinstance(plan, dict) else payload.get("steps")
                if isinstance(steps, list) and steps:
                    text = f"{len(steps)} plan step(s)"
            break
    summary["kind"] = kind
    if text:
        summary["text"] = text
    return summary


__all__ = ["ACTIONS", "AUTOMATION_MODES", "JulesTool", "summarize_activity"]
