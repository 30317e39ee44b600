use std::path::Path;

use rampart_core::declare_rule;

use crate::context::Ctx;
use crate::formats::onnx::OnnxIr;

declare_rule! {
    /// ## What it does
    /// Reports ONNX tensors whose `external_data` location is absolute, climbs out of
    /// the model's folder with `..`, or (for a model on disk) resolves through a
    /// symbolic link to a file outside that folder.
    ///
    /// ## Why is this dangerous?
    /// Loaders read external tensor data from the named path: a crafted model reads
    /// arbitrary files on the machine that loads it (SSH keys, credentials) into its
    /// weights, where they can be exfiltrated through outputs.
    ///
    /// ## Example
    /// `external_data { key: "location" value: "../../../../etc/passwd" }`
    ///
    /// ## Remediation
    /// Do not load the model; external data must live next to the model file.
    ///
    /// ## False positives
    /// None known.
    ///
    /// ## References
    /// CVE-2022-25882 and CVE-2024-27318 (onnx external data path traversal);
    /// guidelines SD-3, DV-1.
    pub(crate) static RULE = {
        code: "ONX002",
        name: "external-data-escape",
        severity: High,
        guidelines: [Sd3, Dv1],
        summary: "ONNX external data location escapes the model's folder",
    }
}

/// Why a location escapes the model folder, if it does.
pub(crate) fn escape_reason(location: &str) -> Option<&'static str> {
    let bytes = location.as_bytes();
    if location.starts_with('/') || location.starts_with('\\') {
        return Some("is an absolute path");
    }
    if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        return Some("is an absolute Windows path");
    }
    if location.contains("://") {
        return Some("is a URL");
    }
    if location.split(['/', '\\']).any(|c| c == "..") {
        return Some("climbs out of the model folder with `..`");
    }
    None
}

pub(crate) fn check(ir: &OnnxIr, ctx: &mut Ctx<'_>) {
    for data in &ir.external_data {
        if let Some(why) = escape_reason(&data.location) {
            ctx.report(
                &RULE,
                format!(
                    "tensor {:?} reads external data from {:?}, which {why}",
                    data.tensor, data.location
                ),
                None,
                Some(data.tensor.clone()),
            );
            continue;
        }
        // On disk, a relative location can still leave the folder through a symlink.
        if ctx.depth() > 0 {
            continue;
        }
        let Some(base) = ctx.base_dir.clone() else {
            continue;
        };
        let target = base.join(Path::new(&data.location));
        if let (Ok(base), Ok(real)) = (base.canonicalize(), target.canonicalize()) {
            if !real.starts_with(&base) {
                ctx.report(
                    &RULE,
                    format!(
                        "tensor {:?} reads external data from {:?}, which resolves outside the model folder to {}",
                        data.tensor,
                        data.location,
                        real.display()
                    ),
                    None,
                    Some(data.tensor.clone()),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes() {
        for bad in [
            "/etc/passwd",
            "../x",
            "a/../../b",
            "C:\\w",
            "file:///etc/passwd",
            "..\\x",
        ] {
            assert!(super::escape_reason(bad).is_some(), "{bad}");
        }
        for good in ["weights.bin", "data/w.bin", "a..b"] {
            assert!(super::escape_reason(good).is_none(), "{good}");
        }
    }
}
