"""WorkflowTool: the multi-step mechanism every workflow tool is a small subclass of.

One call is one step. The agent investigates between calls; the server only keeps score.
``run`` parses the step, finds the run it continues (``continuation``), derives the new run
state, and answers: a pause with required actions while ``next_step_required`` is true;
at the last step, the expert model's analysis of the whole run (``expert``) unless the tool
never consults one, the agent sent ``use_assistant_model: false``, or it is certain.
The new run state travels back in ``ToolResult.exchange.state``; the executor records it.

A subclass sets its name, description, schema additions, prompt and vocabulary, and
overrides the hooks it needs (``required_actions``, ``skip_reason``, ``expert_sections``,
``on_step``, ``customize``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, ClassVar, cast

from zen_server.conversation.exchange import ExchangeDraft
from zen_server.errors import ToolInputError
from zen_server.providers.types import ModelResponse, ThinkingMode
from zen_server.tools.base import Tool, ToolContext, ToolResult
from zen_server.tools.workflow import expert, responses, sources
from zen_server.tools.workflow.continuation import Continuation, resolve_continuation
from zen_server.tools.workflow.guidance import default_required_actions, default_step_guidance
from zen_server.tools.workflow.responses import Vocabulary
from zen_server.tools.workflow.run_state import RunState, StepRecord, write_run
from zen_server.tools.workflow.schema import CONFIDENCE_LEVELS, FieldSchemas, build_workflow_schema
from zen_server.tools.workflow.step import StepInput, StepRules, parse_step

if TYPE_CHECKING:
    from zen_server.config import Settings
    from zen_server.files import FileAccess
    from zen_server.providers.catalog import ModelCatalog

DEFAULT_INSTRUCTION = (
    "Review the agent's investigation and the files above independently. Confirm or correct its "
    "conclusions with evidence from the code, name anything it missed, and finish with concrete, "
    "prioritised next actions."
)


class WorkflowTool(Tool):
    """Base of the step-by-step tools (debug, codereview, thinkdeep, ...)."""

    system_prompt: ClassVar[str]
    expert_instruction: ClassVar[str] = DEFAULT_INSTRUCTION
    vocabulary: ClassVar[Vocabulary]
    extra_fields: ClassVar[FieldSchemas] = {}
    extra_required: ClassVar[tuple[str, ...]] = ()
    excluded_fields: ClassVar[frozenset[str]] = frozenset()
    # Step fields 9.4.1 listed and 11.8.2 dropped: not listed, still read when a client sends
    # them (parse_step), so clients written for either version work unchanged.
    legacy_fields: ClassVar[frozenset[str]] = frozenset()
    confidence_levels: ClassVar[tuple[str, ...]] = CONFIDENCE_LEVELS
    # Whether the schema offers ``model`` (docgen and consensus do not).
    has_model_field: ClassVar[bool] = True
    # Whether ``model`` is required when listed (planner and tracer list it as optional).
    model_required: ClassVar[bool] = True
    # Whether the last step may consult the expert model at all (planner, tracer, docgen: no).
    uses_expert: ClassVar[bool] = True
    default_temperature: ClassVar[float | None] = None
    expert_thinking_mode: ClassVar[ThinkingMode | None] = "high"
    requires_findings: ClassVar[bool] = True

    # --- schema --------------------------------------------------------------------------
    def input_schema(self, catalog: ModelCatalog, settings: Settings) -> dict[str, Any]:
        return build_workflow_schema(
            extra_fields=self.extra_fields,
            extra_required=self.extra_required,
            excluded=self.excluded_fields | self.legacy_fields,
            catalog=catalog,
            with_model=self.has_model_field,
            model_required=self.model_required,
            confidence_levels=self.confidence_levels,
        )

    def step_rules(self) -> StepRules:
        return StepRules(
            tool_name=self.name,
            confidence_levels=self.confidence_levels,
            requires_findings=self.requires_findings,
            default_confidence=self.confidence_levels[1] if len(self.confidence_levels) > 1 else "low",
        )

    # --- hooks -----------------------------------------------------------------------------
    def validate_step(self, step: StepInput) -> None:
        """Tool-specific argument checks; raise ToolInputError saying what to send."""

    async def on_step(self, step: StepInput, run: RunState, ctx: ToolContext) -> RunState:
        """Called with the new run state of every step; may add tool data (precommit's repo)."""
        return run

    async def check_extra_paths(self, step: StepInput, files: FileAccess) -> None:
        """Check paths the tool's own fields carry (refactor's style examples, precommit's path)."""

    def expert_files(self, run: RunState) -> tuple[str, ...]:
        """Files embedded for the expert, each once; default: the run's relevant files."""
        return run.relevant_files

    def ends_run(self, step: StepInput) -> bool:
        """Whether this step closes the run, after which only a new step 1 is accepted."""
        return not step.next_step_required

    def step_extras(self, step: StepInput) -> dict[str, Any]:
        """The tool's own arguments kept with the step (JSON-safe)."""
        return {k: v for k, v in step.extras.items() if k in self.extra_fields}

    def required_actions(self, step: StepInput, run: RunState) -> list[str]:
        return default_required_actions(step)

    def next_steps(self, step: StepInput, run: RunState) -> str:
        return default_step_guidance(self.name, step)

    def skip_reason(self, step: StepInput, run: RunState) -> str | None:
        """Why the last step needs no expert, or None to consult it. Default: certainty."""
        if step.confidence == "certain":
            return f"{self.name} finished with certain confidence; the agent's own analysis stands"
        return None

    async def expert_sections(self, step: StepInput, run: RunState, ctx: ToolContext) -> dict[str, str]:
        """Extra prompt sections for the expert (review type, git diffs, ...)."""
        sections: dict[str, str] = {}
        first = run.steps[0].extras if run.steps else {}
        for name in self.extra_fields:
            value = step.extras.get(name, first.get(name))
            if value not in (None, "", [], {}):
                rendered = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                sections[name.replace("_", " ")] = rendered
        return sections

    def expert_thinking(self, settings: Settings) -> ThinkingMode | None:
        """Thinking mode for the expert call when the step names none."""
        return self.expert_thinking_mode

    def completion_next_steps(self, *, expert_used: bool) -> str:
        if expert_used:
            return (
                f"The {self.name} run is complete and the expert analysis is above. Weigh it against your "
                "own findings, verify any claim it makes before acting on it, then present the combined "
                "result to the user with the concrete next actions."
            )
        return f"The {self.name} run is complete. Present your findings and recommended actions to the user."

    def customize(self, response: dict[str, Any], step: StepInput, run: RunState) -> dict[str, Any]:
        return response

    # --- the mechanism ---------------------------------------------------------------------
    async def run(self, arguments: Mapping[str, Any], ctx: ToolContext) -> ToolResult:
        step = parse_step(arguments, self.step_rules())
        self.validate_step(step)
        await self._check_sources(step, ctx.files)
        model = self._model_for(step, ctx)
        continuation = await resolve_continuation(ctx.conversation, step, self.name)
        run = self._advance(step, continuation)
        run = await self.on_step(step, run, ctx)
        model_response: ModelResponse | None = None
        if step.next_step_required:
            response = responses.pause_response(
                self.vocabulary,
                step,
                run,
                required_actions=self.required_actions(step, run),
                next_steps=self.next_steps(step, run),
            )
            answer = response["next_steps"]
        else:
            response, model_response = await self._finish(step, run, continuation, ctx, model)
            answer = model_response.text if model_response is not None else response["next_steps"]
        response = self.customize(response, step, run)
        thread_state = continuation.thread.state if continuation.thread is not None else {}
        return ToolResult(
            content=json.dumps(response, ensure_ascii=False, indent=2, default=str),
            status=str(response["status"]),
            content_type="json",
            metadata=self._metadata(model_response),
            model_response=model_response,
            exchange=ExchangeDraft(
                user_content=self._step_summary(step),
                assistant_content=str(answer),
                files=step.relevant_files,
                images=tuple(i for i in step.images if not i.startswith("data:")),
                state=write_run(thread_state, run),
            ),
            continuation_id=step.continuation_id,
        )

    def _advance(self, step: StepInput, continuation: Continuation) -> RunState:
        record = StepRecord.from_input(step, self.step_extras(step))
        done = self.ends_run(step)
        if continuation.previous is None:
            history_start = len(continuation.thread.turns) if continuation.thread is not None else 0
            return RunState.start(self.name, record, history_start=history_start).with_step(
                record, complete=done
            )
        return continuation.previous.with_step(record, complete=done)

    async def _finish(
        self, step: StepInput, run: RunState, continuation: Continuation, ctx: ToolContext, model: str
    ) -> tuple[dict[str, Any], ModelResponse | None]:
        vocab = self.vocabulary
        if not self.uses_expert:
            return responses.local_response(
                vocab,
                step,
                run,
                status=vocab.complete_flag,
                next_steps=self.completion_next_steps(expert_used=False),
            ), None
        reason = self.skip_reason(step, run)
        if reason is not None:
            return responses.confident_response(
                vocab, step, run, reason=reason, next_steps=self.completion_next_steps(expert_used=False)
            ), None
        if not step.use_assistant_model:
            return responses.local_response(
                vocab,
                step,
                run,
                status="local_work_complete",
                next_steps=self.completion_next_steps(expert_used=False),
            ), None
        budget = expert.budget_for(ctx, model)
        embedded = await sources.embed_files(
            self.expert_files(run), ctx.files, token_budget=budget.file_tokens
        )
        history = expert.history_before_run(
            continuation.thread,
            run,
            token_budget=budget.history_tokens,
            max_turns=ctx.settings.max_conversation_turns,
        )
        prompt = expert.build_expert_prompt(
            tool=self.name,
            system_prompt=self.system_prompt,
            instruction=self.expert_instruction,
            run=run,
            history=history,
            sections=await self.expert_sections(step, run, ctx),
            files_block=embedded.text,
        )
        await ctx.report_progress(1, 2, f"{self.name}: consulting the expert model")
        reply = await expert.consult_expert(
            ctx,
            prompt,
            tool=self.name,
            model=model,
            temperature=step.temperature if step.temperature is not None else self.default_temperature,
            thinking_mode=cast("ThinkingMode | None", step.thinking_mode)
            or self.expert_thinking(ctx.settings),
        )
        response = responses.expert_response(
            vocab,
            step,
            run,
            analysis=expert.parse_expert_reply(reply.text),
            embedded=embedded.included,
            next_steps=self.completion_next_steps(expert_used=True),
        )
        return response, reply

    async def _check_sources(self, step: StepInput, files: FileAccess) -> None:
        await sources.check_paths(step.relevant_files, files, tool=self.name, field="relevant_files")
        await sources.check_images(step.images, files, tool=self.name)
        await self.check_extra_paths(step, files)
        for raw in step.files_checked:
            # Checked files may have moved since; only their form is checked, not their existence.
            if not PurePath(raw).is_absolute():
                raise ToolInputError(
                    f"{self.name}: files_checked entry {raw!r} is relative; send absolute paths"
                )

    def _model_for(self, step: StepInput, ctx: ToolContext) -> str:
        model = step.model or ctx.settings.default_model
        if model.lower() != "auto" and self.uses_expert and self.has_model_field:
            ctx.catalog.resolve(model)  # raises UnknownModelError listing what is available
        return model

    def _step_summary(self, step: StepInput) -> str:
        lines = [f"{self.name} step {step.step_number}/{step.total_steps}: {step.step}"]
        if step.findings:
            lines.append(f"Findings: {step.findings}")
        if step.hypothesis:
            lines.append(f"Hypothesis ({step.confidence}): {step.hypothesis}")
        if step.relevant_files:
            lines.append("Relevant files: " + ", ".join(step.relevant_files))
        return "\n".join(lines)

    def _metadata(self, reply: ModelResponse | None) -> dict[str, Any]:
        metadata: dict[str, Any] = {"tool_name": self.name}
        if reply is not None:
            metadata["model_used"] = reply.model
            metadata["provider_used"] = reply.provider
        return metadata


__all__ = ["DEFAULT_INSTRUCTION", "WorkflowTool"]
