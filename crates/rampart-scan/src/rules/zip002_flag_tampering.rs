use rampart_core::declare_rule;

use crate::context::Ctx;
use crate::formats::zip::Archive;

declare_rule! {
    /// ## What it does
    /// Reports zip members whose general-purpose flags claim encryption (bit 0) or
    /// whose local and central flags disagree.
    ///
    /// ## Why is this dangerous?
    /// Python's `zipfile` refuses "encrypted" members, so Python scanners skipped them,
    /// while PyTorch ignores the flag and loads the plaintext member. rampart reads the
    /// member as the loader does and judges it; this finding records the evasion.
    ///
    /// ## Example
    /// `archive/data.pkl` stored uncompressed with flag bit 0 set.
    ///
    /// ## Remediation
    /// Do not load the file; re-obtain it from its publisher.
    ///
    /// ## False positives
    /// Genuinely encrypted zip archives (not a format model loaders read).
    ///
    /// ## References
    /// CVE-2025-1945 (picklescan); guidelines SD-3, DV-1.
    pub(crate) static RULE = {
        code: "ZIP002",
        name: "flag-tampering",
        severity: Medium,
        guidelines: [Sd3, Dv1],
        summary: "Zip member flags claim encryption or disagree between headers",
    }
}

pub(crate) fn check(archive: &Archive, ctx: &mut Ctx<'_>) {
    for entry in &archive.entries {
        if entry.encrypted_flag() {
            ctx.report(
                &RULE,
                format!(
                    "zip member {:?} has the encryption flag set; loaders that ignore it read it anyway",
                    entry.name
                ),
                None,
                Some(entry.name.clone()),
            );
        } else if let Some(local) = entry.local_flags {
            // Bit 3 (data descriptor) and bit 11 (UTF-8 names) legitimately differ.
            let significant = !(1u16 << 3 | 1 << 11);
            if local & significant != entry.flags & significant {
                ctx.report(
                    &RULE,
                    format!(
                        "zip member {:?} has flags 0x{:04x} in its local header but 0x{:04x} in the central directory",
                        entry.name, local, entry.flags
                    ),
                    None,
                    Some(entry.name.clone()),
                );
            }
        }
    }
}
