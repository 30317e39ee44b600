use rampart_core::declare_rule;

use super::util::{before, grouped_after};
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports the setup key of an authenticator app (the TOTP secret behind the QR
    /// code): 16 to 64 letters and digits, often in groups of four
    /// (`7KQM 3XWP ZL4R N2VD`), or an `otpauth://` link's `secret=`, after the words
    /// for a setup or secret key near an authenticator, two-factor or QR word, in
    /// English, German, French, Spanish, Italian, Portuguese or Dutch.
    ///
    /// ## Why is this dangerous?
    /// The key makes every future one-time code: whoever has it has the second factor
    /// for good, not just for thirty seconds.
    ///
    /// ## Example
    /// ```text
    /// de QR-code scant niet dus ik moet deze sleutel invoeren: R4TQ NX7M ZK2W PH5L
    /// ```
    ///
    /// ## Remediation
    /// Redact; turn two-factor sign-in off and on again to get a new key.
    ///
    /// ## False positives
    /// A key word ("setup key", "secret key", "Schlüssel", "clé", "clave", "chiave",
    /// "chave", "sleutel", "code") must come first, and an authenticator, two-factor,
    /// TOTP or QR word must stand within the 200 bytes before the value. The value
    /// must mix letters and digits and hold no run of one character.
    ///
    /// ## References
    /// RFC 6238 (TOTP), RFC 4648 §6 (base32); guidelines SD-3, DP-2.
    pub(crate) static RULE = {
        code: "SEC034",
        name: "authenticator-setup-key",
        severity: High,
        guidelines: [Sd3, Dp2],
        summary: "An authenticator app's setup key (TOTP secret) (7 languages)",
    }
}

static RULES: &[TokenRule] = &[
    // the words for a key (in their cases rather than under `(?i)`, whose case
    // variants are too many for the engine's literal search); the value is looked
    // for after them by `validate`
    TokenRule {
        re: concat!(
            r"(?:[Ss]etup [Kk]ey|[Ss]ecret [Kk]ey|[Ss]ecret|SECRET|[Kk]ey|KEY|[Ss]chlüssel|SCHLÜSSEL",
            r"|[Cc]lé|CLÉ|[Cc]lave|CLAVE|[Cc]hiave|CHIAVE|[Cc]have|CHAVE|[Ss]leutel|SLEUTEL",
            r"|[Cc]ode|CODE|[Cc]ódigo|CÓDIGO|[Cc]odice|CODICE)"
        ),
        validate,
    },
    TokenRule {
        re: r"(?i:otpauth)://[^\s]{1,300}?[?&]secret=(?P<v>[A-Za-z2-7]{16,128})",
        validate: validate_link,
    },
];

/// Words that say the key is an authenticator's (lowercase, seven languages).
const CUES: &[&str] = &[
    "authenticator",
    "authentificator",
    "authenticatie",
    "authentification",
    "autenticador",
    "autenticazione",
    "autenticação",
    "2fa",
    "mfa",
    "totp",
    "two-factor",
    "two-step",
    "2-step",
    "zwei-faktor",
    "2-faktor",
    "double authentification",
    "deux facteurs",
    "dos pasos",
    "doble factor",
    "due fattori",
    "dois fatores",
    "duas etapas",
    "tweestaps",
    "twee-staps",
    "qr",
];

/// How far after the key word the value may stand.
const WINDOW: usize = 100;

fn validate(text: &str, _s: usize, e: usize) -> Option<Hit> {
    let (s, e) = grouped_after(
        text,
        e,
        WINDOW,
        |c| c.is_ascii_alphabetic() || ('2'..='9').contains(&c),
        4..=16,
        16..=64,
    )?;
    let v = text.get(s..e)?;
    let chars: Vec<u8> = v.bytes().filter(u8::is_ascii_alphanumeric).collect();
    let letters = chars.iter().filter(|c| c.is_ascii_alphabetic()).count();
    let digits = chars.len() - letters;
    let one_case =
        v.bytes().all(|b| !b.is_ascii_lowercase()) || v.bytes().all(|b| !b.is_ascii_uppercase());
    let run = chars.windows(3).any(|w| w[0] == w[1] && w[1] == w[2]);
    let shaped = chars.len() >= 16 && letters >= 6 && digits >= 2 && one_case && !run;
    let cued = CUES.iter().any(|c| before(text, s, 200).contains(c));
    (shaped && cued).then_some((0.85, s, e))
}

fn validate_link(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    let run = v
        .as_bytes()
        .windows(4)
        .any(|w| w.iter().all(|&c| c == w[0]));
    (!run).then_some((0.9, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Secret,
    placeholder: "TOTP_SECRET",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
