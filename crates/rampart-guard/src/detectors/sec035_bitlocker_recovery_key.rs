use rampart_core::declare_rule;

use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a BitLocker recovery key: eight groups of six digits joined by hyphens
    /// (`218405-663850-…`), each group a multiple of 11 below 720,896, as BitLocker
    /// makes them.
    ///
    /// ## Why is this dangerous?
    /// The key unlocks the encrypted disk without the user's PIN or the TPM: with the
    /// laptop, it is everything on it. Help-desk tickets and notes carry it.
    ///
    /// ## Example
    /// ```text
    /// Found key in Entra for device RCP-LT-014: 218405-663850-097152-441969-…
    /// ```
    ///
    /// ## Remediation
    /// Redact; rotate the recovery password (`manage-bde -protectors`) or let Intune or
    /// Entra rotate it after use.
    ///
    /// ## False positives
    /// Every group must pass BitLocker's own check (a multiple of 11, below 720,896):
    /// a random 48-digit number in this shape passes with odds of about one in 10^9.
    ///
    /// ## References
    /// Microsoft, "BitLocker recovery overview"; guidelines SD-3, DP-2.
    pub(crate) static RULE = {
        code: "SEC035",
        name: "bitlocker-recovery-key",
        severity: Critical,
        guidelines: [Sd3, Dp2],
        summary: "A BitLocker recovery key (8 groups of 6 digits, each checked)",
    }
}

static RULES: &[TokenRule] = &[TokenRule {
    re: r"(?-u:\b)[0-9]{6}(?:-[0-9]{6}){7}(?-u:\b)",
    validate,
}];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    let ok = v
        .split('-')
        .all(|g| g.parse::<u32>().is_ok_and(|n| n % 11 == 0 && n < 720_896));
    // glued to more digits or groups: part of something longer
    let b = text.as_bytes();
    let glued = b.get(e) == Some(&b'-') && b.get(e + 1).is_some_and(u8::is_ascii_digit)
        || s.checked_sub(1).and_then(|i| b.get(i)) == Some(&b'-');
    (ok && !glued).then_some((0.95, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Secret,
    placeholder: "RECOVERY_KEY",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
