use rampart_core::declare_rule;

use crate::context::Ctx;
use crate::formats::zip::Archive;

declare_rule! {
    /// ## What it does
    /// Reports a zip member whose file name in its local header differs from the name
    /// in the central directory.
    ///
    /// ## Why is this dangerous?
    /// Zip readers disagree on which name wins: Python's `zipfile` rejects the archive
    /// (so Python scanners skipped it), while PyTorch's reader trusts the central
    /// directory and loads the member. The mismatch exists only to make tools disagree.
    ///
    /// ## Example
    /// Central directory `archive/data.pkl`, local header `archive/data.txt`.
    ///
    /// ## Remediation
    /// Do not load the file; re-obtain it from its publisher.
    ///
    /// ## False positives
    /// None known from mainstream zip writers.
    ///
    /// ## References
    /// CVE-2025-1944 (picklescan); guidelines SD-3, DV-1.
    pub(crate) static RULE = {
        code: "ZIP001",
        name: "header-name-mismatch",
        severity: High,
        guidelines: [Sd3, Dv1],
        summary: "Zip member's local header names a different file than the central directory",
    }
}

pub(crate) fn check(archive: &Archive, ctx: &mut Ctx<'_>) {
    for entry in &archive.entries {
        if let Some(local) = &entry.local_name {
            if *local != entry.name {
                ctx.report(
                    &RULE,
                    format!(
                        "zip member is named {:?} in the central directory but {:?} in its local header",
                        entry.name, local
                    ),
                    None,
                    Some(entry.name.clone()),
                );
            }
        }
    }
}
