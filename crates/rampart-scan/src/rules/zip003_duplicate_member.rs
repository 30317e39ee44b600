use std::collections::HashSet;

use rampart_core::declare_rule;

use crate::context::Ctx;
use crate::formats::zip::Archive;

declare_rule! {
    /// ## What it does
    /// Reports a zip archive that holds two or more members with the same name.
    ///
    /// ## Why is this dangerous?
    /// Readers disagree on which copy they return (first or last), so a scanner and a
    /// loader can see different content under the same name.
    ///
    /// ## Example
    /// Two `archive/data.pkl` entries: a clean one first, a malicious one last.
    ///
    /// ## Remediation
    /// Do not load the file; re-obtain it from its publisher. rampart judges every copy.
    ///
    /// ## False positives
    /// Archives appended to by careless tools.
    ///
    /// ## References
    /// Guidelines SD-3, DV-1.
    pub(crate) static RULE = {
        code: "ZIP003",
        name: "duplicate-member",
        severity: Medium,
        guidelines: [Sd3, Dv1],
        summary: "Zip archive holds several members with the same name",
    }
}

pub(crate) fn check(archive: &Archive, ctx: &mut Ctx<'_>) {
    let mut seen = HashSet::new();
    for entry in &archive.entries {
        if !seen.insert(entry.name.as_str()) {
            ctx.report(
                &RULE,
                format!(
                    "zip archive holds more than one member named {:?}",
                    entry.name
                ),
                None,
                Some(entry.name.clone()),
            );
        }
    }
}
