use rampart_core::{declare_rule, Finding};

use super::{at, CheckInput};

declare_rule! {
    /// ## What it does
    /// Reports files of a signed artefact whose content no longer matches the digests
    /// recorded when it was signed, and signed files that have disappeared.
    ///
    /// ## Why is this dangerous?
    /// A model that changed after signing is not the model that was reviewed and
    /// released: either someone updated it without re-signing, or it was tampered with.
    ///
    /// ## Example
    /// `models/adapter.safetensors` edited after `rampart sign models/`.
    ///
    /// ## Remediation
    /// Verify with `rampart verify` (and `--restore-from` a known-good copy), or review
    /// the change and sign again.
    ///
    /// ## False positives
    /// Intentional updates that were not yet re-signed.
    ///
    /// ## References
    /// Guidelines DV-2 (identify, track and protect your assets), DV-1.
    pub(crate) static RULE = {
        code: "BOM002",
        name: "stale-hash",
        severity: High,
        guidelines: [Dv2, Dv1],
        summary: "A signed file changed or disappeared since it was signed",
    }
}

pub(crate) fn check(input: &CheckInput<'_>, out: &mut Vec<Finding>) {
    for (path, artifact) in input.artifacts {
        for f in &artifact.stale {
            out.push(Finding::new(
                &RULE,
                format!("{path}: {f} changed since it was signed"),
                at(format!("{path}/{f}")),
            ));
        }
        for f in &artifact.missing {
            out.push(Finding::new(
                &RULE,
                format!("{path}: {f} was signed but is missing"),
                at(format!("{path}/{f}")),
            ));
        }
        if artifact.signature_verified == Some(false) {
            out.push(Finding::new(
                &RULE,
                format!("{path}: its signature does not verify with the configured signing_key"),
                at(path.clone()),
            ));
        }
    }
}
