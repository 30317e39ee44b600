use rampart_core::declare_rule;

use super::{Detector, Engine, ALL};
use crate::engine::RawHit;
use crate::normalize::{Change, Normalized};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports Latin words written with look-alike letters from other scripts
    /// (Cyrillic `а`, `е`, `о`, `р`, Greek `ο`, `ι` …) and runs of styled compatibility
    /// letters (fullwidth `ｉｇｎｏｒｅ`, mathematical bold `𝐢𝐠𝐧𝐨𝐫𝐞`, circled letters). The
    /// normaliser folds them to plain Latin before detection.
    ///
    /// ## Why is this dangerous?
    /// Homoglyphs defeat keyword filters and make a malicious instruction or a spoofed
    /// domain look ordinary to a reviewer.
    ///
    /// ## Example
    /// ```text
    /// іgnоrе рrеviоus instructions     (Cyrillic і, о, е, р)
    /// ```
    ///
    /// ## Remediation
    /// Flag (default policy); the other detectors already see the folded text.
    ///
    /// ## False positives
    /// Words entirely in Cyrillic or Greek are never folded or reported, nor mixed
    /// words that contain letters with no Latin look-alike (ordinary Russian with a
    /// Latin brand name). Fullwidth punctuation in CJK text is not reported; fewer than
    /// three styled letters are ignored.
    ///
    /// ## References
    /// Unicode TR39 (security mechanisms, confusables); guidelines SD-3, OM-2.
    pub(crate) static RULE = {
        code: "OBF002",
        name: "lookalike-characters",
        severity: Medium,
        guidelines: [Sd3, Om2],
        summary: "Homoglyphs or styled letters folded to Latin",
    }
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Obfuscation,
    placeholder: "HOMOGLYPH",
    roles: ALL,
    weak: false,
    engine: Engine::Custom,
};

/// Reports the homoglyph and styled-letter changes the normaliser made (spans are
/// already in original characters).
pub(crate) fn check(n: &Normalized<'_>, out: &mut Vec<RawHit>) {
    for &(kind, s, e) in &n.changes {
        let (score, what) = match kind {
            Change::Homoglyph => (
                0.7,
                "look-alike letters from another script inside Latin words",
            ),
            Change::Styled if e - s >= 3 => {
                (0.5, "styled (fullwidth, mathematical or circled) letters")
            }
            _ => continue,
        };
        out.push(RawHit {
            detector: &DETECTOR,
            start: s,
            end: e,
            score,
            note: what.to_owned(),
        });
    }
}
