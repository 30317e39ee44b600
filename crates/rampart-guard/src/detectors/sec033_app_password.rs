use rampart_core::declare_rule;

use super::util::{entropy, grouped_after};
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports an app password (Google, Apple, Yahoo, Microsoft): 16 lowercase letters,
    /// usually shown as four groups of four (`mvke rlsa tpqz hwoc`), within 150 bytes
    /// after the words for an app password in English, German, French, Spanish,
    /// Italian, Portuguese or Dutch ("app password", "App-Passwort", "mot de passe
    /// d'application", "contraseña de aplicación", "password per le app", "senha de
    /// aplicativo", "app-wachtwoord").
    ///
    /// ## Why is this dangerous?
    /// An app password signs in to the mailbox (IMAP, SMTP, CalDAV) without the second
    /// factor, and it keeps working after the account's password is changed.
    ///
    /// ## Example
    /// ```text
    /// Hab jetzt so ein App-Passwort erstellt, Google zeigt: mvke rlsa tpqz hwoc
    /// ```
    ///
    /// ## Remediation
    /// Redact; revoke the app password in the account's security settings.
    ///
    /// ## False positives
    /// The words for an app password must come first. Sixteen letters that read as
    /// words ("your mail will look") are not reported: an app password is drawn at
    /// random, so it has few vowels and no repeated group.
    ///
    /// ## References
    /// Guidelines SD-3, DP-2.
    pub(crate) static RULE = {
        code: "SEC033",
        name: "app-password",
        severity: High,
        guidelines: [Sd3, Dp2],
        summary: "An app password (16 random letters) after the words for it (7 languages)",
    }
}

/// The words for an app password (written out in their cases rather than under
/// `(?i)`, whose case variants are too many for the engine's literal search); the
/// value is looked for after them by [`validate`].
static RULES: &[TokenRule] = &[TokenRule {
    re: concat!(
        r"(?:[Aa]pp[ -]?[Pp]asswor[dt]|APP[ -]?PASSWOR[DT]|[Aa]pp-specific [Pp]assword",
        r"|[Aa]pp-?[Kk]ennwort|[Aa]nwendungs(?:passwort|kennwort)",
        r"|[Mm]ots? de passe (?:d'|d’|pour (?:les )?)app",
        r"|[Cc]ontraseñas? (?:de|para) (?:la |las )?(?:aplicaci|app)",
        r"|[Pp]assword (?:per (?:le |l'|l’)?app|dell'app|dell’app|per applicazion)",
        r"|[Ss]enhas? (?:de|para|do) (?:o )?(?:app|aplica)",
        r"|[Aa]pp-?[Ww]achtwoord|[Ww]achtwoord voor app|[Aa]pplication [Pp]assword)"
    ),
    validate,
}];

/// How far after the words the value may stand.
const WINDOW: usize = 230;

fn validate(text: &str, _s: usize, e: usize) -> Option<Hit> {
    let (s, e) = grouped_after(text, e, WINDOW, |c| c.is_ascii_lowercase(), 4..=4, 16..=16)?;
    let v = text.get(s..e)?;
    let letters: Vec<u8> = v.bytes().filter(u8::is_ascii_lowercase).collect();
    let vowels = letters.iter().filter(|c| b"aeiouy".contains(c)).count();
    let groups: Vec<&[u8]> = letters.chunks(4).collect();
    let repeated = groups
        .iter()
        .enumerate()
        .any(|(i, g)| groups.iter().skip(i + 1).any(|h| h == g));
    let random = letters.len() == 16
        && vowels <= 6
        && !repeated
        && entropy(std::str::from_utf8(&letters).ok()?) >= 3.0;
    random.then_some((0.85, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Secret,
    placeholder: "APP_PASSWORD",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
