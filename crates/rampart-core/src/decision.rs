//! The one decision every part of rampart makes about a message or request: the guard's
//! verdict, the policy's configured action (`[guard.actions]`), the gateway's outcome
//! and the ledger's record all use this type.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What to do with a message, or what was done with a request. Ordered by severity: a
/// message's decision is the most severe decision of its findings.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// Let it through unchanged (a finding is still reported).
    #[default]
    Allow,
    /// Let it through and record the findings for review (log, metrics, alerts).
    Flag,
    /// Replace the matched text with typed placeholders, then let it through.
    Redact,
    /// Refuse it.
    Block,
}

impl Decision {
    /// Every decision, least severe first.
    pub const ALL: [Decision; 4] = [
        Decision::Allow,
        Decision::Flag,
        Decision::Redact,
        Decision::Block,
    ];

    /// The lowercase name used in JSON, TOML and logs.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "allow",
            Decision::Flag => "flag",
            Decision::Redact => "redact",
            Decision::Block => "block",
        }
    }

    /// Parses `allow`, `flag`, `redact` or `block` (any case).
    #[must_use]
    pub fn parse(s: &str) -> Option<Decision> {
        Decision::ALL
            .into_iter()
            .find(|d| d.as_str().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_order_and_parsing_agree() {
        for d in Decision::ALL {
            assert_eq!(Decision::parse(d.as_str()), Some(d));
            assert_eq!(Decision::parse(&d.as_str().to_uppercase()), Some(d));
            let json = serde_json::to_string(&d).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", d.as_str()));
        }
        assert!(Decision::Allow < Decision::Flag && Decision::Redact < Decision::Block);
        assert_eq!(Decision::parse("deny"), None);
        assert_eq!(Decision::default(), Decision::Allow);
    }
}
