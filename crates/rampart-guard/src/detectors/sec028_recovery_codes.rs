use rampart_core::declare_rule;

use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a list of two-factor recovery (backup) codes: two or more codes of the
/// usual shapes (`745d7-e094e`, `0018 1388`, `EFLN-K6AX-UQVS`, `12345678`) after the
/// words for them in English, German, French, Spanish, Italian, Portuguese or Dutch
/// ("recovery codes", "Backup-Codes", "Ersatzcodes", "codes de secours", "códigos de recuperación",
/// "codici di backup", "códigos de recuperação", "herstelcodes").
    ///
    /// ## Why is this dangerous?
    /// Each code signs in once without the second factor: with the password, the list
/// is the account.
    ///
    /// ## Example
    /// ```text
    /// github gave me these recovery codes: <code> <code> <code> …
    /// ```
    ///
    /// ## Remediation
    /// Redact; generate a new set of codes (the old ones stop working).
    ///
    /// ## False positives
    /// Codes count only after the words for recovery codes and within 300 characters of
/// them, two at least, not all the same; a lone number or a list of order numbers
/// without those words is not reported.
    ///
    /// ## References
    /// NIST SP 800-63B §5.1.2 (look-up secrets); guidelines SD-3, DP-2.
    pub(crate) static RULE = {
        code: "SEC028",
        name: "recovery-codes",
        severity: High,
        guidelines: [Sd3, Dp2],
        summary: "Two-factor recovery codes listed after the words for them (7 languages)",
    }
}

/// One code: GitHub's `xxxxx-xxxxx`, Google's `1234 5678`, `ABCD-EFGH(-IJKL)`,
/// `abcd-efgh`, or eight or six digits.
macro_rules! code {
    () => {
        r"(?-u:\b)(?:[0-9a-f]{5}-[0-9a-f]{5}|[0-9]{4} [0-9]{4}|[A-Z0-9]{4}-[A-Z0-9]{4}(?:-[A-Z0-9]{4})?|[a-z0-9]{4}-[a-z0-9]{4}|[0-9]{8}|[0-9]{6})(?-u:\b)"
    };
}

static RULES: &[TokenRule] = &[TokenRule {
    re: concat!(
        r"(?:[Rr]ecovery[ -][Cc]odes?|RECOVERY CODES?|[Bb]ackup[ -][Cc]odes?|BACKUP CODES?|[Ww]iederherstellungs-?[Cc]odes?|[Cc]odes de (?:secours|récupération|recuperation|sauvegarde)|[Cc]ódigos de (?:recuperación|recuperacion|respaldo|recuperação|recuperacao|backup|segurança|seguranca)|[Cc]odici di (?:backup|recupero|ripristino)|[Hh]erstelcodes?|[Bb]ack-?upcodes?|[Rr]eservecodes?|[Ee]rsatz-?[Cc]odes?|[Nn]otfall-?[Cc]odes?)",
        r"[\s\S]{0,300}?(?P<v>",
        code!(),
        r"(?:[\s|,;•*~\-]{1,12}",
        code!(),
        r"){1,40})"
    ),
    validate,
}];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    // not one code repeated (a template: `0000 0000 0000 0000`)
    let mut codes = v
        .split(|c: char| c.is_whitespace() || "|,;•*~".contains(c))
        .filter(|c| c.len() >= 4);
    let first = codes.next()?;
    codes.any(|c| c != first).then_some((0.9, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Secret,
    placeholder: "RECOVERY_CODES",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
