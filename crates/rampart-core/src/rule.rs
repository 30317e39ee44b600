//! Rule metadata: what every registry (scanner rules, guard detectors, BOM checks) shares.

use serde::Serialize;

use crate::{Guideline, Severity};

/// The stable description of one rule. Registries hold these as statics; findings copy
/// the code, severity and guideline IDs from them.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct RuleMeta {
    /// Stable code: a family prefix and three digits, e.g. `PKL001`. Never reused.
    pub code: &'static str,
    /// Kebab-case name that reads as the pattern detected, e.g. `dangerous-global`.
    pub name: &'static str,
    /// Default severity of every finding the rule reports.
    pub severity: Severity,
    /// The guideline principles the rule serves.
    pub guidelines: &'static [Guideline],
    /// One line, shown as the SARIF short description and in `rampart rules`.
    pub summary: &'static str,
    /// The full documentation in Markdown (the rule's doc comment), printed by
    /// `rampart explain`. Has the sections listed in [`REQUIRED_DOC_SECTIONS`].
    #[serde(skip)]
    pub doc: &'static str,
}

/// Headings every rule's documentation must contain, in this order.
pub const REQUIRED_DOC_SECTIONS: &[&str] = &[
    "## What it does",
    "## Why is this dangerous?",
    "## Example",
    "## Remediation",
    "## False positives",
    "## References",
];

impl RuleMeta {
    /// Returns the required doc sections missing from this rule's documentation, or
    /// present out of order.
    pub fn doc_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut last = 0usize;
        for heading in REQUIRED_DOC_SECTIONS {
            match self.doc.find(heading) {
                None => problems.push(format!("missing section `{heading}`")),
                Some(pos) if pos < last => {
                    problems.push(format!("section `{heading}` is out of order"))
                }
                Some(pos) => last = pos,
            }
        }
        problems
    }
}

/// Declares a rule's metadata with its doc comment as the documentation text.
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// …
///     pub static RULE = {
///         code: "PKL001", name: "dangerous-global", severity: Critical,
///         guidelines: [Sd3, Dv1], summary: "…",
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:expr])*
        $vis:vis static $ident:ident = {
            code: $code:literal,
            name: $name:literal,
            severity: $severity:ident,
            guidelines: [$($g:ident),* $(,)?],
            summary: $summary:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        $vis static $ident: $crate::RuleMeta = $crate::RuleMeta {
            code: $code,
            name: $name,
            severity: $crate::Severity::$severity,
            guidelines: &[$($crate::Guideline::$g),*],
            summary: $summary,
            doc: concat!($($doc, "\n"),*),
        };
    };
}
