//! Documentation and integrity checks of `rampart bom --check`, one rule per file.

use rampart_core::system::SystemDescription;
use rampart_core::{Finding, Location, RuleMeta};

use crate::artifacts::Artifact;

mod bom001_missing_documentation;
mod bom002_stale_hash;
mod bom003_overdue_review;
mod bom004_unsigned_model;
mod bom005_missing_artifact;

/// What the checks look at.
pub struct CheckInput<'a> {
    /// The system description.
    pub system: &'a SystemDescription,
    /// Hashes per artefact path (from the BOM build).
    pub artifacts: &'a [(String, Artifact)],
    /// Artefact paths that could not be read, with why.
    pub unreadable: &'a [(String, String)],
    /// Today, as (year, month, day).
    pub today: (i32, u32, u32),
}

/// A registered check.
pub struct Check {
    /// Metadata and documentation.
    pub meta: &'static RuleMeta,
    /// The check.
    pub run: fn(&CheckInput<'_>, &mut Vec<Finding>),
}

/// Every check, in code order.
pub static CHECKS: &[Check] = &[
    Check {
        meta: &bom001_missing_documentation::RULE,
        run: bom001_missing_documentation::check,
    },
    Check {
        meta: &bom002_stale_hash::RULE,
        run: bom002_stale_hash::check,
    },
    Check {
        meta: &bom003_overdue_review::RULE,
        run: bom003_overdue_review::check,
    },
    Check {
        meta: &bom004_unsigned_model::RULE,
        run: bom004_unsigned_model::check,
    },
    Check {
        meta: &bom005_missing_artifact::RULE,
        run: bom005_missing_artifact::check,
    },
];

/// Metadata of every check.
pub fn all() -> Vec<&'static RuleMeta> {
    CHECKS.iter().map(|c| c.meta).collect()
}

/// Runs every check.
pub fn run_all(input: &CheckInput<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in CHECKS {
        (c.run)(input, &mut out);
    }
    out
}

pub(crate) fn at(item: String) -> Location {
    Location {
        member: None,
        offset: None,
        item: Some(item),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_holds_the_shared_invariants() {
        let metas: Vec<&RuleMeta> = CHECKS.iter().map(|c| c.meta).collect();
        let problems = rampart_core::rule::registry_problems(&metas, &["BOM"]);
        assert!(problems.is_empty(), "{problems:#?}");
    }
}
