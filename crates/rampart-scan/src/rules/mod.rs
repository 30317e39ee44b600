//! The rule registry.
//!
//! One file per rule: its metadata (stable code, name, severity, guideline IDs) with
//! the documentation as its doc comment, and the function that judges one kind of
//! intermediate representation. Each format parser runs once per file; the engine then
//! runs only the rules that declared that input.

use rampart_core::RuleMeta;

use crate::context::Ctx;
use crate::formats::pickle::PickleIr;
use crate::formats::zip::Archive;

mod arc001_path_traversal_member;
mod pkl001_dangerous_global;
mod pkl002_unknown_callable;
mod pkl003_unknown_class;
mod pkl004_dynamic_import;
mod pkl005_extension_code;
mod pkl006_malformed_pickle;
mod pkl007_global_mutation;
pub(crate) mod scn001_malformed_file;
pub(crate) mod scn002_resource_limit;
pub(crate) mod scn003_unsupported_archive;
mod zip001_header_name_mismatch;
mod zip002_flag_tampering;
mod zip003_duplicate_member;

/// What a rule judges.
pub enum Check {
    /// Reported by a parser or the engine when it meets the condition (malformed input,
    /// limits, unsupported containers).
    Engine,
    /// Judges a simulated pickle.
    Pickle(fn(&PickleIr, &mut Ctx<'_>)),
    /// Judges a zip archive's directory.
    Zip(fn(&Archive, &mut Ctx<'_>)),
}

/// A registered rule.
pub struct Rule {
    /// Metadata and documentation.
    pub meta: &'static RuleMeta,
    /// What it judges.
    pub check: Check,
}

/// Every rule, in code order.
pub static RULES: &[Rule] = &[
    Rule { meta: &arc001_path_traversal_member::RULE, check: Check::Zip(arc001_path_traversal_member::check) },
    Rule { meta: &pkl001_dangerous_global::RULE, check: Check::Pickle(pkl001_dangerous_global::check) },
    Rule { meta: &pkl002_unknown_callable::RULE, check: Check::Pickle(pkl002_unknown_callable::check) },
    Rule { meta: &pkl003_unknown_class::RULE, check: Check::Pickle(pkl003_unknown_class::check) },
    Rule { meta: &pkl004_dynamic_import::RULE, check: Check::Pickle(pkl004_dynamic_import::check) },
    Rule { meta: &pkl005_extension_code::RULE, check: Check::Pickle(pkl005_extension_code::check) },
    Rule { meta: &pkl006_malformed_pickle::RULE, check: Check::Pickle(pkl006_malformed_pickle::check) },
    Rule { meta: &pkl007_global_mutation::RULE, check: Check::Pickle(pkl007_global_mutation::check) },
    Rule { meta: &scn001_malformed_file::RULE, check: Check::Engine },
    Rule { meta: &scn002_resource_limit::RULE, check: Check::Engine },
    Rule { meta: &scn003_unsupported_archive::RULE, check: Check::Engine },
    Rule { meta: &zip001_header_name_mismatch::RULE, check: Check::Zip(zip001_header_name_mismatch::check) },
    Rule { meta: &zip002_flag_tampering::RULE, check: Check::Zip(zip002_flag_tampering::check) },
    Rule { meta: &zip003_duplicate_member::RULE, check: Check::Zip(zip003_duplicate_member::check) },
];

/// Metadata of every rule, for renderers and `rampart explain`.
pub fn all() -> Vec<&'static RuleMeta> {
    RULES.iter().map(|r| r.meta).collect()
}

/// Looks a rule up by code (case-insensitive) or name.
pub fn find(code_or_name: &str) -> Option<&'static RuleMeta> {
    RULES
        .iter()
        .map(|r| r.meta)
        .find(|m| m.code.eq_ignore_ascii_case(code_or_name) || m.name == code_or_name)
}

/// Runs every pickle rule.
pub(crate) fn run_pickle(ir: &PickleIr, ctx: &mut Ctx<'_>) {
    for rule in RULES {
        if let Check::Pickle(f) = rule.check {
            f(ir, ctx);
        }
    }
}

/// Runs every zip rule.
pub(crate) fn run_zip(archive: &Archive, ctx: &mut Ctx<'_>) {
    for rule in RULES {
        if let Check::Zip(f) = rule.check {
            f(archive, ctx);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_rule_is_documented_and_unique() {
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        let mut previous = "";
        for rule in RULES {
            let m = rule.meta;
            assert!(codes.insert(m.code), "duplicate code {}", m.code);
            assert!(names.insert(m.name), "duplicate name {}", m.name);
            assert!(m.code > previous, "registry not sorted at {}", m.code);
            previous = m.code;
            assert_eq!(m.code.len(), 6, "{}", m.code);
            assert!(m.code[..3].bytes().all(|b| b.is_ascii_uppercase()), "{}", m.code);
            assert!(m.code[3..].bytes().all(|b| b.is_ascii_digit()), "{}", m.code);
            assert!(
                m.name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "rule name {} is not kebab-case",
                m.name
            );
            for banned in ["disallow", "banned", "no-"] {
                assert!(!m.name.starts_with(banned), "{} names the fix, not the pattern", m.name);
            }
            assert!(!m.guidelines.is_empty(), "{} names no guideline", m.code);
            assert!(!m.summary.is_empty(), "{} has no summary", m.code);
            let problems = m.doc_problems();
            assert!(problems.is_empty(), "{}: {problems:?}", m.code);
        }
    }
}
