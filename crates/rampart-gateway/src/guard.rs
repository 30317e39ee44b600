//! The gateway's [`Inspector`] backed by rampart-guard: the secure default policy
//! (injection, jailbreak, exfiltration and leakage block; secrets and personal data
//! are redacted), canaries and the system prompt for leakage checks on output, and
//! egress redaction of personal data and secrets bound for external upstreams.

use rampart_guard::{redact_all, Category, Pipeline, PipelineConfig, Policy, Role};

use crate::inspect::{Action, Hit, Inspector, Vault, Verdict};

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
        Verdict {
            action: v.action,
            rules,
            replacement: v.redacted,
        }
    }
}

impl Inspector for GuardInspector {
    fn inbound(&self, role: &str, text: &str, vault: &mut Vault) -> Verdict {
        // The body limit keeps every text inside the guard's window; should one get
        // past it, it is refused rather than judged in part.
        if self.pipeline.ensure_whole(text).is_err() {
            return Verdict {
                action: Action::Block,
                rules: vec![crate::server::BAD_REQUEST_RULE.to_string()],
                replacement: None,
            };
        }
        self.judge(text, Role::parse(role).unwrap_or(Role::User), &mut vault.0)
    }

    fn outbound(&self, text: &str) -> Vec<Hit> {
        self.pipeline
            .check(text, Role::Assistant)
            .into_iter()
            .filter(|f| self.policy.counts(f))
            .map(|f| Hit {
                action: self.policy.action_for(&f),
                start: f.span.0,
                end: f.span.1,
                label: f.detector().map_or("DATA", |d| d.placeholder),
                rule: f.rule,
            })
            .filter(|h| h.action != Action::Allow)
            .collect()
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
