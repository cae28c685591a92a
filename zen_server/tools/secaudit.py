"""secaudit: a security audit the agent performs in steps, completed by an expert model."""

from __future__ import annotations

from typing import ClassVar

from zen_server.tools.workflow import Vocabulary, WorkflowTool
from zen_server.tools.workflow.schema import FieldSchemas, severity_filter_field

SECAUDIT_PROMPT = """You are a security auditor reviewing an audit another agent carried out. You get its
notes, the vulnerabilities it suspects and the files in scope.

Assess authentication and authorisation, input handling and injection, secrets and
cryptography, data exposure, dependency and configuration risks, and the requested
compliance frameworks. For each finding give location, severity, a realistic attack path,
and a remediation that fits the code. Confirm or reject the agent's findings with reasons.
Do not pad the report with theoretical issues that cannot be reached in this code."""


class SecAuditTool(WorkflowTool):
    name = "secaudit"
    title = "Security Audit"
    description = (
        "Security audit in steps: you examine the code for vulnerabilities (OWASP Top 10, auth, input "
        "handling, secrets, dependencies, compliance), recording findings with severities, and an expert "
        "model then validates the audit and adds remediation."
    )
    system_prompt = SECAUDIT_PROMPT
    expert_instruction = (
        "Validate the audit above: confirm or reject each finding, add missed vulnerabilities, and list "
        "all of them by severity with attack path and remediation."
    )
    extra_fields: ClassVar[FieldSchemas] = {
        "security_scope": {
            "type": "string",
            "description": "What is being audited: application kind, exposure, technology stack.",
        },
        "threat_level": {
            "type": "string",
            "enum": ["low", "medium", "high", "critical"],
            "default": "medium",
            "description": "How hostile the environment is assumed to be.",
        },
        "compliance_requirements": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Frameworks to check against, e.g. SOC2, PCI DSS, HIPAA, GDPR.",
        },
        "audit_focus": {
            "type": "string",
            "enum": ["owasp", "compliance", "infrastructure", "dependencies", "comprehensive"],
            "default": "comprehensive",
            "description": "Main area of the audit.",
        },
        "severity_filter": severity_filter_field(),
    }
    vocabulary: ClassVar[Vocabulary] = Vocabulary.for_phase(
        "security_audit",
        completion_status="security_analysis_complete",
        skip_status="skipped_due_to_certain_audit_confidence",
    )


__all__ = ["SecAuditTool"]
