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

/// What is wrong with a registry of rules; empty when nothing is. Every registry
/// (scan rules, guard detectors, BOM checks, gateway rules) runs this one check in its
/// tests, so they hold the same invariants:
///
/// - codes are a family prefix of 2–4 capital letters and three digits, unique, and
///   in order: by the position of their family in `families` (when given, the only
///   families allowed), then by code;
/// - names are unique kebab-case and name the pattern, not the fix (`no-…`, `disallow…`,
///   `banned…` are refused);
/// - every rule names at least one guideline and has a summary and the documentation
///   sections of [`REQUIRED_DOC_SECTIONS`].
#[must_use]
pub fn registry_problems(rules: &[&RuleMeta], families: &[&str]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut codes = std::collections::HashSet::new();
    let mut names = std::collections::HashSet::new();
    let mut previous: Option<(usize, &str)> = None;
    for m in rules {
        let code = m.code;
        let split = code.len().saturating_sub(3);
        let (family, digits) = code.split_at(split);
        let family_ok = (2..=4).contains(&family.len())
            && family.bytes().all(|b| b.is_ascii_uppercase())
            && digits.len() == 3
            && digits.bytes().all(|b| b.is_ascii_digit());
        if !family_ok {
            problems.push(format!("{code}: not a family prefix and three digits"));
        }
        let position = if families.is_empty() {
            0
        } else {
            match families.iter().position(|f| *f == family) {
                Some(p) => p,
                None => {
                    problems.push(format!(
                        "{code}: family {family} is not one of {families:?}"
                    ));
                    families.len()
                }
            }
        };
        if let Some(prev) = previous {
            if (position, code) <= prev {
                problems.push(format!("{code}: out of order (after {})", prev.1));
            }
        }
        previous = Some((position, code));
        if !codes.insert(code) {
            problems.push(format!("{code}: duplicate code"));
        }
        if !names.insert(m.name) {
            problems.push(format!("{code}: duplicate name {}", m.name));
        }
        let kebab = !m.name.is_empty()
            && m.name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !kebab {
            problems.push(format!("{code}: name {} is not kebab-case", m.name));
        }
        for banned in ["disallow", "banned", "no-"] {
            if m.name.starts_with(banned) {
                problems.push(format!(
                    "{code}: name {} names the fix, not the pattern",
                    m.name
                ));
            }
        }
        if m.guidelines.is_empty() {
            problems.push(format!("{code}: names no guideline"));
        }
        if m.summary.trim().is_empty() {
            problems.push(format!("{code}: no summary"));
        }
        for p in m.doc_problems() {
            problems.push(format!("{code}: {p}"));
        }
    }
    problems
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

#[cfg(test)]
mod registry_tests {
    use super::*;
    use crate::{Guideline, Severity};

    const DOC: &str = "## What it does\n## Why is this dangerous?\n## Example\n## Remediation\n## False positives\n## References\n";

    fn rule(code: &'static str, name: &'static str) -> RuleMeta {
        RuleMeta {
            code,
            name,
            severity: Severity::High,
            guidelines: &[Guideline::Sd3],
            summary: "s",
            doc: DOC,
        }
    }

    #[test]
    fn a_sound_registry_has_no_problems() {
        let (a, b, c) = (rule("GW001", "a"), rule("GW002", "b"), rule("TOOL001", "c"));
        assert!(registry_problems(&[&a, &b, &c], &["GW", "TOOL"]).is_empty());
        assert!(registry_problems(&[&a, &b], &[]).is_empty());
    }

    #[test]
    fn each_broken_invariant_is_named() {
        let ok = rule("PKL001", "dangerous-global");
        let cases: Vec<(RuleMeta, &str)> = vec![
            (rule("PKL001", "other"), "duplicate code"),
            (rule("PKL002", "dangerous-global"), "duplicate name"),
            (rule("PKL0001", "x"), "three digits"),
            (rule("pkl002", "x"), "three digits"),
            (rule("PKL002", "Bad_Name"), "kebab-case"),
            (rule("PKL002", "no-pickles"), "names the fix"),
            (
                RuleMeta {
                    guidelines: &[],
                    ..rule("PKL002", "y")
                },
                "no guideline",
            ),
            (
                RuleMeta {
                    summary: " ",
                    ..rule("PKL002", "y")
                },
                "no summary",
            ),
            (
                RuleMeta {
                    doc: "## What it does",
                    ..rule("PKL002", "y")
                },
                "missing section",
            ),
            (rule("ABC000", "z"), "out of order"),
        ];
        for (bad, expect) in &cases {
            let problems = registry_problems(&[&ok, bad], &[]);
            assert!(
                problems.iter().any(|p| p.contains(expect)),
                "{} / {}: {problems:?}",
                bad.code,
                expect
            );
        }
        let p = registry_problems(&[&ok], &["GW"]);
        assert!(p.iter().any(|p| p.contains("not one of")), "{p:?}");
    }
}
