use rampart_core::declare_rule;

use super::util::{named_nearby, standalone_number};
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a French social security number (numéro d'inscription au répertoire, NIR):
/// sex, year, month, department (including Corsica's `2A`/`2B`), commune and order
/// number, with the two-digit key `97 - (number mod 97)` that verifies.
    ///
    /// ## Why is this dangerous?
    /// The NIR identifies a person in every French health and social record. Personal data sent to an external model or
    /// returned to the wrong user is a disclosure.
    ///
    /// ## Example
    /// ```text
    /// Numéro de sécurité sociale : 2 84 05 75 116 021 + key
    /// ```
    ///
    /// ## Remediation
    /// Redact before the text leaves the trust boundary; keep identifiers out of prompts
    /// and training data.
    ///
    /// ## False positives
    /// The structure and the mod-97 key together rarely match by chance; a match is reported
/// higher next to words such as `sécurité sociale`, `NIR` or `INSEE`.
    ///
    /// ## References
    /// INSEE, "Numéro d'inscription au répertoire"; guidelines SD-3, OM-2.
    pub(crate) static RULE = {
        code: "PII010",
        name: "fr-nir",
        severity: High,
        guidelines: [Sd3, Om2],
        summary: "French social security number (NIR) with a valid key",
    }
}

static RULES: &[TokenRule] = &[TokenRule {
    re: r"(?-u:\b)[12][ .]?[0-9]{2}[ .]?(?:0[1-9]|1[0-2]|[2-9][0-9])[ .]?(?:[0-9]{2}|2[ABab])[ .]?[0-9]{3}[ .]?[0-9]{3}[ .]?[0-9]{2}(?-u:\b)",
    validate,
}];

/// Words that name the identifier when written before it.
const NAMES: &[&str] = &["sécu", "secu", "nir", "insee", "sociale", "social security"];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    if !standalone_number(text, s, e) {
        return None;
    }
    let compact: String = v
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.')
        .collect();
    let upper = compact.to_ascii_uppercase();
    let (number, key) = (upper.get(..13)?, upper.get(13..15)?);
    let numeric = match number.get(5..7)? {
        "2A" => format!("{}19{}", number.get(..5)?, number.get(7..)?),
        "2B" => format!("{}18{}", number.get(..5)?, number.get(7..)?),
        _ => number.to_string(),
    };
    let n: u64 = numeric.parse().ok()?;
    let key: u64 = key.parse().ok()?;
    (97 - n % 97 == key).then_some(())?;
    let score = if named_nearby(text, s, NAMES) {
        0.97
    } else {
        0.9
    };
    Some((score, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Pii,
    placeholder: "FR_NIR",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
