use rampart_core::{declare_rule, Finding};

use super::{at, CheckInput};

declare_rule! {
    /// ## What it does
    /// Reports model, dataset and prompt paths in `rampart.toml` that do not exist or
    /// cannot be read.
    ///
    /// ## Why is this dangerous?
    /// An inventory that points at nothing is not an inventory: the real artefact is
    /// somewhere undocumented, unhashed and unscanned.
    ///
    /// ## Example
    /// `path = "models/old-name.safetensors"` after a rename.
    ///
    /// ## Remediation
    /// Correct the path or remove the entry.
    ///
    /// ## False positives
    /// Artefacts fetched at deploy time (document where they come from instead).
    ///
    /// ## References
    /// Guidelines DV-2 (know where your assets reside), DV-3.
    pub(crate) static RULE = {
        code: "BOM005",
        name: "missing-artifact",
        severity: High,
        guidelines: [Dv2, Dv3],
        summary: "An artefact named in rampart.toml cannot be read",
    }
}

pub(crate) fn check(input: &CheckInput<'_>, out: &mut Vec<Finding>) {
    for (path, why) in input.unreadable {
        out.push(Finding::new(
            &RULE,
            format!("{path}: {why}"),
            at(path.clone()),
        ));
    }
}
