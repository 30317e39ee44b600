//! Policies: what to do about findings.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::GuardError;
use crate::types::{Category, Finding};

/// What to do with a message: the one [`rampart_core::Decision`], named for the
/// policy's use.
pub use rampart_core::Decision as Action;

/// The default policy's `min_score`: a finding scoring below it is reported, not
/// acted on.
pub const DEFAULT_MIN_SCORE: f32 = 0.6;

/// Maps categories and detector codes to actions.
///
/// A finding counts only when its score is at least `min_score`. Its action is the
/// entry for its code if there is one (exact code such as `PII007`, or a prefix such
/// as `PII`), else the entry for its category, else [`Action::Flag`].
///
/// The default ([`Policy::default`]) is the secure one: injection, jailbreak,
/// exfiltration and leakage block; secrets and personal data are redacted; obfuscation
/// and out-of-distribution signals are flagged; `min_score` is 0.6.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Policy {
    /// Findings scoring below this are reported but do not affect the action.
    pub min_score: f32,
    /// Action per category.
    pub categories: BTreeMap<Category, Action>,
    /// Action per detector code or code prefix; overrides the category.
    pub codes: BTreeMap<String, Action>,
}

impl Default for Policy {
    fn default() -> Self {
        let categories = [
            (Category::Injection, Action::Block),
            (Category::Jailbreak, Action::Block),
            (Category::Exfiltration, Action::Block),
            (Category::Leakage, Action::Block),
            (Category::Secret, Action::Redact),
            (Category::Pii, Action::Redact),
            (Category::Obfuscation, Action::Flag),
            (Category::Ood, Action::Flag),
        ]
        .into_iter()
        .collect();
        Policy {
            min_score: DEFAULT_MIN_SCORE,
            categories,
            codes: BTreeMap::new(),
        }
    }
}

impl Policy {
    /// Sets the action for a category (builder style).
    pub fn with_category(mut self, category: Category, action: Action) -> Self {
        self.categories.insert(category, action);
        self
    }

    /// Sets the action for a code or code prefix (builder style).
    pub fn with_code(mut self, code: impl Into<String>, action: Action) -> Self {
        self.codes.insert(code.into(), action);
        self
    }

    /// Parses `category=action` or `CODE=action` pairs, e.g. `pii=flag,SEC013=block`.
    pub fn with_overrides(mut self, spec: &str) -> Result<Self, GuardError> {
        for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (key, value) = item
                .split_once('=')
                .ok_or_else(|| GuardError::Config(format!("`{item}` is not KEY=ACTION")))?;
            let action = Action::parse(value.trim())
                .ok_or_else(|| GuardError::Config(format!("unknown action `{value}`")))?;
            match Category::parse(key.trim()) {
                Some(c) => {
                    self.categories.insert(c, action);
                }
                None if key.trim().chars().all(|c| c.is_ascii_alphanumeric())
                    && key.trim().chars().any(|c| c.is_ascii_uppercase()) =>
                {
                    self.codes.insert(key.trim().to_owned(), action);
                }
                None => {
                    return Err(GuardError::Config(format!(
                        "unknown category or code `{key}`"
                    )))
                }
            }
        }
        Ok(self)
    }

    /// The action this policy takes for one finding (ignoring `min_score`).
    pub fn action_for(&self, f: &Finding) -> Action {
        if let Some(a) = self.codes.get(&f.rule) {
            return *a;
        }
        if let Some((_, a)) = self
            .codes
            .iter()
            .filter(|(k, _)| f.rule.starts_with(k.as_str()))
            .max_by_key(|(k, _)| k.len())
        {
            return *a;
        }
        self.categories
            .get(&f.category)
            .copied()
            .unwrap_or(Action::Flag)
    }

    /// Whether a finding counts (its score reaches `min_score`).
    pub fn counts(&self, f: &Finding) -> bool {
        f.score >= self.min_score
    }

    /// The action for a set of findings: the most severe action of those that count.
    pub fn decide(&self, findings: &[Finding]) -> Action {
        findings
            .iter()
            .filter(|f| self.counts(f))
            .map(|f| self.action_for(f))
            .max()
            .unwrap_or(Action::Allow)
    }
}

/// The outcome of evaluating one message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// What to do with the message.
    pub action: Action,
    /// Every finding (including those below the policy's `min_score`).
    pub findings: Vec<Finding>,
    /// The redacted text when `action` is [`Action::Redact`].
    pub redacted: Option<String>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn f(rule: &str, category: Category, score: f32) -> Finding {
        Finding {
            rule: rule.into(),
            category,
            score,
            span: (0, 1),
            message: String::new(),
        }
    }

    #[test]
    fn default_policy() {
        let p = Policy::default();
        assert_eq!(p.decide(&[]), Action::Allow);
        assert_eq!(p.decide(&[f("PII001", Category::Pii, 0.9)]), Action::Redact);
        assert_eq!(
            p.decide(&[
                f("PII001", Category::Pii, 0.9),
                f("INJ001", Category::Injection, 0.9)
            ]),
            Action::Block
        );
        assert_eq!(
            p.decide(&[f("INJ001", Category::Injection, 0.3)]),
            Action::Allow
        );
    }

    #[test]
    fn overrides() {
        let p = Policy::default()
            .with_overrides("pii=flag, INJ004=flag, SEC=block")
            .unwrap();
        assert_eq!(p.decide(&[f("PII001", Category::Pii, 0.9)]), Action::Flag);
        assert_eq!(
            p.decide(&[f("INJ004", Category::Injection, 0.9)]),
            Action::Flag
        );
        assert_eq!(
            p.decide(&[f("SEC013", Category::Secret, 0.9)]),
            Action::Block
        );
        assert!(Policy::default().with_overrides("pii=maybe").is_err());
        assert!(Policy::default().with_overrides("nonsense").is_err());
    }
}
