//! The gateway's [`Inspector`] backed by rampart-guard: the secure default policy
//! (injection, jailbreak, exfiltration and leakage block; secrets and personal data
//! are redacted), canaries and the system prompt for leakage checks on output, and
//! egress redaction of personal data and secrets bound for external upstreams.

use rampart_guard::{redact_all, Category, Pipeline, PipelineConfig, Policy, Role};

use crate::inspect::{Action, Inspector, Vault, Verdict};

/// rampart-guard as an [`Inspector`].
pub struct GuardInspector {
    pipeline: Pipeline,
    policy: Policy,
}

impl GuardInspector {
    /// Builds the pipeline (tens of milliseconds; once at start-up).
    pub fn new(config: PipelineConfig, policy: Policy) -> Result<Self, rampart_guard::GuardError> {
        Ok(GuardInspector {
            pipeline: Pipeline::new(config)?,
            policy,
        })
    }

    fn judge(&self, text: &str, role: Role, map: &mut rampart_guard::Redactions) -> Verdict {
        let v = self.pipeline.evaluate(text, role, &self.policy, map);
        let mut rules: Vec<String> = v
            .findings
            .iter()
            .filter(|f| self.policy.counts(f))
            .map(|f| f.rule.to_string())
            .collect();
        rules.sort();
        rules.dedup();
        let action = match v.action {
            rampart_guard::Action::Allow => Action::Allow,
            rampart_guard::Action::Flag => Action::Flag,
            rampart_guard::Action::Redact => Action::Redact,
            rampart_guard::Action::Block => Action::Block,
        };
        Verdict {
            action,
            rules,
            replacement: v.redacted,
        }
    }
}

impl Inspector for GuardInspector {
    fn inbound(&self, role: &str, text: &str, vault: &mut Vault) -> Verdict {
        self.judge(text, Role::parse(role).unwrap_or(Role::User), &mut vault.0)
    }

    fn outbound(&self, text: &str) -> Verdict {
        // Output redactions are not reversible: a fresh map, dropped.
        self.judge(text, Role::Assistant, &mut rampart_guard::Redactions::new())
    }

    fn egress(&self, text: &str, vault: &mut Vault) -> String {
        let findings: Vec<_> = self
            .pipeline
            .check(text, Role::User)
            .into_iter()
            .filter(|f| matches!(f.category, Category::Secret | Category::Pii))
            .collect();
        if findings.is_empty() {
            return text.to_string();
        }
        redact_all(text, &findings, &mut vault.0)
    }
}
