use rampart_core::declare_rule;

use crate::context::Ctx;
use crate::formats::zip::Archive;

declare_rule! {
    /// ## What it does
    /// Reports archive members whose path is absolute or climbs out of the extraction
    /// directory with `..`.
    ///
    /// ## Why is this dangerous?
    /// Tools that extract model archives (Keras assets, legacy PyTorch tar files,
    /// dataset bundles) write such members outside their target directory, overwriting
    /// files such as shell start-up scripts or Python packages.
    ///
    /// ## Example
    /// A member named `../../home/user/.bashrc` or `/etc/cron.d/job`.
    ///
    /// ## Remediation
    /// Do not extract the archive; re-obtain it from its publisher.
    ///
    /// ## False positives
    /// None known for model archives.
    ///
    /// ## References
    /// CWE-22 (path traversal), "Zip Slip"; guidelines SD-3, DV-1.
    pub(crate) static RULE = {
        code: "ARC001",
        name: "path-traversal-member",
        severity: High,
        guidelines: [Sd3, Dv1],
        summary: "Archive member path is absolute or escapes the extraction directory",
    }
}

/// True when `name` is absolute or has a `..` component (either slash style).
pub(crate) fn escapes(name: &str) -> bool {
    let bytes = name.as_bytes();
    let absolute = name.starts_with('/')
        || name.starts_with('\\')
        || (bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':');
    absolute || name.split(['/', '\\']).any(|c| c == "..")
}

pub(crate) fn check(archive: &Archive, ctx: &mut Ctx<'_>) {
    for entry in &archive.entries {
        if escapes(&entry.name) {
            ctx.report(
                &RULE,
                format!(
                    "archive member path {:?} escapes the extraction directory",
                    entry.name
                ),
                None,
                Some(entry.name.clone()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn escaping_paths() {
        for bad in ["../x", "a/../../b", "/etc/passwd", "C:\\x", "a\\..\\b"] {
            assert!(super::escapes(bad), "{bad}");
        }
        for good in ["archive/data.pkl", "a..b/c", "x/.../y"] {
            assert!(!super::escapes(good), "{good}");
        }
    }
}
