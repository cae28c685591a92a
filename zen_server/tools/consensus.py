"""consensus: several models, each with an optional stance, judge one proposal at the same time.

The original asks one model per step. Here step 1 asks every listed model concurrently,
within the call's deadline, and returns all opinions at once with the list of models that
answered and those that failed and why; a failing model never sinks the others. Clients
that follow the original's rhythm may still send steps 2..N with their notes: each gets the
stored opinion for that position back, and no model is called again. As in the original,
the models see only the proposal and the files, never the agent's own analysis (blinded).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, ClassVar

from zen_server.conversation.exchange import ExchangeDraft
from zen_server.errors import PermanentProviderError, ToolInputError, TransientProviderError
from zen_server.providers.types import ChatMessage, ModelRequest, ModelResponse, TokenUsage
from zen_server.tools.base import ToolContext, ToolResult
from zen_server.tools.workflow import (
    RunState,
    StepInput,
    StepRecord,
    Vocabulary,
    WorkflowTool,
    parse_step,
    sources,
    write_run,
)
from zen_server.tools.workflow.continuation import resolve_continuation
from zen_server.tools.workflow.expert import budget_for
from zen_server.tools.workflow.fanout import Outcome, ask_all
from zen_server.tools.workflow.schema import FieldSchemas
from zen_server.tools.workflow.step import StepRules

CONSENSUS_PROMPT = """You are one of several independent reviewers asked to judge a proposal. Other
models are judging it too; you do not see their answers and they do not see yours.

{stance}

Judge the proposal on its merits: technical feasibility, fit with the existing system,
effort and complexity, risks and failure modes, the value to users, and the alternatives.
Use the files provided as evidence. Be concrete and brief. End with a one-line verdict,
then your confidence (1-10) and the single most important reason for it."""

STANCES = {
    "for": "Your assigned stance: argue FOR the proposal. Make the strongest honest case for it and show "
    "how its weaknesses could be overcome. If the proposal is harmful, unsafe or plainly infeasible, say "
    "so instead: your stance never outweighs the truth.",
    "against": "Your assigned stance: argue AGAINST the proposal. Probe for risks, hidden costs, and better "
    "alternatives. If the proposal is clearly sound and the right call, say so instead: your stance never "
    "outweighs the truth.",
    "neutral": "Your stance: neutral. Weigh benefits and drawbacks in proportion to the evidence; when the "
    "evidence points strongly one way, say so rather than splitting the difference.",
}


def _models(raw: object) -> list[dict[str, str]]:
    """Validate the roster: objects with a model name, a known stance, no duplicate (model, stance)."""
    if not isinstance(raw, list) or len(raw) < 2:
        # A consensus of one is a chat: the schema and upstream both ask for two or more.
        raise ToolInputError(
            "consensus: step 1 needs 'models', a list of at least two entries such as "
            '[{"model": "o3", "stance": "for"}, {"model": "gemini-2.5-pro", "stance": "against"}]'
        )
    roster: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for entry in raw:
        if (
            not isinstance(entry, Mapping)
            or not isinstance(entry.get("model"), str)
            or not entry["model"].strip()
        ):
            raise ToolInputError(f"consensus: each entry of 'models' needs a 'model' name, found {entry!r}")
        stance = entry.get("stance") or "neutral"
        if stance not in STANCES:
            raise ToolInputError(f"consensus: stance {stance!r} is not one of for, against, neutral")
        key = (entry["model"].strip(), str(stance))
        if key in seen:
            raise ToolInputError(
                f"consensus: {key[0]} appears twice with stance {key[1]!r}; "
                "each (model, stance) pair must be unique"
            )
        seen.add(key)
        item = {"model": key[0], "stance": key[1]}
        if isinstance(entry.get("stance_prompt"), str) and entry["stance_prompt"].strip():
            item["stance_prompt"] = entry["stance_prompt"]
        roster.append(item)
    return roster


def _label(entry: Mapping[str, str]) -> str:
    return f"{entry['model']}:{entry['stance']}"


def _opinion(entry: Mapping[str, str], outcome: Outcome) -> dict[str, Any]:
    if outcome.response is not None:
        return {
            "model": entry["model"],
            "stance": entry["stance"],
            "status": "success",
            "verdict": outcome.response.text,
            "metadata": {"provider": outcome.response.provider, "model_name": outcome.response.model},
        }
    return {
        "model": entry["model"],
        "stance": entry["stance"],
        "status": "error",
        "error": outcome.error,
        "error_type": outcome.error_type,
    }


class ConsensusTool(WorkflowTool):
    name = "consensus"
    title = "Consensus"
    description = (
        "Multi-model consensus: list at least two models in 'models', each with an optional stance "
        "(for, against, neutral). Step 1 carries the proposal and your own analysis; every model is "
        "consulted "
        "at once and all opinions come back together, with the models that failed and why. Then synthesise."
    )
    system_prompt = CONSENSUS_PROMPT
    legacy_fields = frozenset({"use_assistant_model"})
    uses_expert = False
    has_model_field = False
    excluded_fields = frozenset(
        {
            "files_checked",
            "relevant_context",
            "issues_found",
            "hypothesis",
            "confidence",
            "temperature",
            "thinking_mode",
        }
    )
    extra_fields: ClassVar[FieldSchemas] = {
        "models": {
            "type": "array",
            "minItems": 2,
            "items": {
                "type": "object",
                "properties": {
                    "model": {"type": "string"},
                    "stance": {"type": "string", "enum": ["for", "against", "neutral"], "default": "neutral"},
                    "stance_prompt": {"type": "string"},
                },
                "required": ["model"],
            },
            "description": "Models to consult, each {model, stance?, stance_prompt?}; (model, stance) pairs "
            "must be unique. Required in step 1.",
        },
        "current_model_index": {
            "type": "integer",
            "minimum": 0,
            "description": "Kept for compatibility; the server tracks progress itself.",
        },
        "model_responses": {
            "type": "array",
            "items": {"type": "object"},
            "description": "Kept for compatibility; the server keeps the responses in the thread.",
        },
    }
    vocabulary: ClassVar[Vocabulary] = Vocabulary.for_phase("consensus")

    def step_rules(self) -> StepRules:
        return StepRules(
            tool_name=self.name, confidence_levels=("exploring",), default_confidence="exploring"
        )

    async def run(self, arguments: Mapping[str, Any], ctx: ToolContext) -> ToolResult:
        step = parse_step(arguments, self.step_rules())
        await sources.check_paths(step.relevant_files, ctx.files, tool=self.name, field="relevant_files")
        await sources.check_images(step.images, ctx.files, tool=self.name)
        roster = _models(step.extras.get("models")) if step.step_number == 1 else []
        for entry in roster:
            ctx.catalog.resolve(entry["model"])  # an unknown name is the caller's mistake: say so now
        continuation = await resolve_continuation(ctx.conversation, step, self.name)
        record = StepRecord.from_input(step)
        reply: ModelResponse | None = None
        if continuation.previous is None:
            history_start = len(continuation.thread.turns) if continuation.thread is not None else 0
            run = RunState.start(self.name, record, history_start=history_start)
            outcomes = await self._consult(step, roster, ctx)
            opinions = [_opinion(entry, o) for entry, o in zip(roster, outcomes, strict=True)]
            run = run.with_data(models=roster, responses=opinions)
            reply = self._combined_reply(outcomes)
            response = self._first_response(step, run, opinions)
            answer = "\n\n".join(
                f"{o['model']} ({o['stance']}): {o.get('verdict') or 'FAILED: ' + str(o.get('error'))}"
                for o in opinions
            )
        else:
            run = continuation.previous.with_step(record, complete=not step.next_step_required)
            response = self._later_response(step, run)
            answer = str(response["next_steps"])
        thread_state = continuation.thread.state if continuation.thread is not None else {}
        return ToolResult(
            content=json.dumps(response, ensure_ascii=False, indent=2, default=str),
            status=str(response["status"]),
            content_type="json",
            metadata=response["metadata"],
            model_response=reply,
            exchange=ExchangeDraft(
                user_content=f"consensus step {step.step_number}/{step.total_steps}: {step.step}\n"
                f"Agent's analysis: {step.findings}",
                assistant_content=answer,
                files=step.relevant_files,
                state=write_run(thread_state, run),
            ),
            continuation_id=step.continuation_id,
        )

    async def _consult(
        self, step: StepInput, roster: list[dict[str, str]], ctx: ToolContext
    ) -> list[Outcome]:
        budget = budget_for(ctx, "auto")
        embedded = await sources.embed_files(step.relevant_files, ctx.files, token_budget=budget.file_tokens)
        # Read once under the file policy, sent to every model as data URLs.
        images = await ctx.files.load_images(step.images)
        proposal = step.step
        if embedded.text:
            proposal += f"\n\n=== CONTEXT FILES ===\n{embedded.text}\n=== END CONTEXT FILES ==="
        requests = []
        for entry in roster:
            stance = entry.get("stance_prompt") or STANCES[entry["stance"]]
            request = ModelRequest(
                model=entry["model"],
                messages=(
                    ChatMessage(role="system", content=CONSENSUS_PROMPT.format(stance=stance)),
                    ChatMessage(role="user", content=proposal, images=images),
                ),
                thinking_mode="medium",
                tool_name=self.name,
                # The caller chose these models to hear them: another model's answer is no substitute.
                allow_fallback=False,
            )
            requests.append((_label(entry), request))
        await ctx.report_progress(0, len(requests), f"consensus: consulting {len(requests)} models")
        outcomes = await ask_all(ctx.models, requests)
        failures = [o for o in outcomes if not o.ok]
        if len(failures) == len(outcomes):
            detail = "; ".join(f"{o.label}: {o.error}" for o in failures)
            error_type = (
                TransientProviderError
                if any(o.error_type != "PermanentProviderError" for o in failures)
                else PermanentProviderError
            )
            raise error_type(
                f"consensus: no model answered ({detail}); retry, or choose other models", provider="multiple"
            )
        return outcomes

    @staticmethod
    def _combined_reply(outcomes: list[Outcome]) -> ModelResponse | None:
        answered = [o.response for o in outcomes if o.response is not None]
        if not answered:
            return None
        # One response stands for the call in metrics and audit; its usage is the total of all answers.
        usage = TokenUsage(
            input_tokens=sum(r.usage.input_tokens for r in answered),
            output_tokens=sum(r.usage.output_tokens for r in answered),
        )
        return replace(answered[0], usage=usage)

    def _first_response(
        self, step: StepInput, run: RunState, opinions: list[dict[str, Any]]
    ) -> dict[str, Any]:
        answered = [f"{o['model']}:{o['stance']}" for o in opinions if o["status"] == "success"]
        failed = [
            {"model": o["model"], "stance": o["stance"], "error": o["error"], "error_type": o["error_type"]}
            for o in opinions
            if o["status"] != "success"
        ]
        response: dict[str, Any] = {
            "status": "consensus_workflow_complete",
            "step_number": step.step_number,
            "total_steps": step.total_steps,
            "next_step_required": False,
            "consensus_complete": True,
            "agent_analysis": {"initial_analysis": step.step, "findings": step.findings},
            "accumulated_responses": opinions,
            "models_answered": answered,
            "models_failed": failed,
            "complete_consensus": {
                "initial_prompt": step.step,
                "models_consulted": answered,
                "total_responses": len(answered),
            },
            "next_steps": self._synthesis_instructions(failed),
            "metadata": {
                "tool_name": self.name,
                "workflow_type": "multi_model_consensus",
                "models_consulted": [f"{m['model']}:{m['stance']}" for m in run.data.get("models", [])],
                "total_models": len(opinions),
            },
        }
        response["continuation_id"] = step.continuation_id  # None: filled in by the renderer
        return response

    @staticmethod
    def _synthesis_instructions(failed: list[dict[str, Any]]) -> str:
        text = (
            "All models were consulted at once; their opinions are in accumulated_responses. Synthesise them "
            "for the user: where they agree, where they disagree and why, your consolidated recommendation, "
            "concrete next steps, and the risks that must be addressed."
        )
        if failed:
            text += (
                " Some models did not answer (see models_failed): say so, and weigh the verdict accordingly."
            )
        return text

    def _later_response(self, step: StepInput, run: RunState) -> dict[str, Any]:
        opinions: list[dict[str, Any]] = list(run.data.get("responses", []))
        index = step.step_number - 1
        response: dict[str, Any] = {
            "status": "model_consulted" if step.next_step_required else "consensus_workflow_complete",
            "step_number": step.step_number,
            "total_steps": step.total_steps,
            "next_step_required": step.next_step_required,
            "current_model_index": min(index + 1, len(opinions)),
            "accumulated_responses": opinions,
            "next_steps": "Every model already answered in step 1; no model was called again. "
            + self._synthesis_instructions([o for o in opinions if o.get("status") != "success"]),
            "metadata": {"tool_name": self.name, "workflow_type": "multi_model_consensus"},
        }
        if index < len(opinions):
            response["model_response"] = opinions[index]
        if not step.next_step_required:
            response["consensus_complete"] = True
        response["continuation_id"] = step.continuation_id  # None: filled in by the renderer
        return response


__all__ = ["STANCES", "ConsensusTool"]
