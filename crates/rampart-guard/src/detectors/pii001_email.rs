use rampart_core::declare_rule;

use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports an e-mail address (RFC 5321 dot-atom local part, a domain with a
    /// top-level label of 2–24 letters).
    ///
    /// ## Why is this dangerous?
    /// An e-mail address identifies a person; sending it to an external model service or
    /// logging it in clear is processing personal data.
    ///
    /// ## Example
    /// ```text
    /// Please reply to maria.garcia@contoso.org
    /// ```
    ///
    /// ## Remediation
    /// Redact (the placeholder can be restored in the response within the request).
    ///
    /// ## False positives
    /// Role mailboxes (`info@`, `support@`, `presse@`, `noreply@`, …) and format
    /// samples (`name@domain.tld`, `nome@dominio.it`) are reported below the default
    /// threshold: they reach a department, or nobody. Addresses at `example.com` are
    /// reported like any other: made-up people's addresses are written there as often
    /// as documentation samples are. SSH remotes such as `git@github.com:org/repo` are
    /// ignored.
    ///
    /// ## References
    /// RFC 5321 §4.1.2; GDPR Art. 4(1); guidelines SD-3 (egress data controls), OM-2.
    pub(crate) static RULE = {
        code: "PII001",
        name: "email-address",
        severity: Medium,
        guidelines: [Sd3, Om2],
        summary: "E-mail address",
    }
}

static RULES: &[TokenRule] = &[TokenRule {
    re: r"[A-Za-z0-9\x{80}-\x{10FFFF}](?:[A-Za-z0-9\x{80}-\x{10FFFF}._%+\-]*[A-Za-z0-9\x{80}-\x{10FFFF}_%+\-])?@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}",
    validate,
}];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    let local = v.split('@').next().unwrap_or("");
    if v.contains("..")
        || local.len() > 64
        || !local
            .chars()
            .all(|c| c.is_alphanumeric() || "._%+-".contains(c))
    {
        return None;
    }
    let b = text.as_bytes();
    if b.get(e) == Some(&b':') && v.starts_with("git@") {
        return None;
    }
    // part of a longer token (e.g. `a@b.co@x`), or a scoped package `@scope/pkg`
    if text
        .get(..s)
        .and_then(|t| t.chars().next_back())
        .is_some_and(char::is_alphanumeric)
    {
        return None;
    }
    Some((
        if is_documentation(v) || is_role(v) {
            0.5
        } else {
            0.9
        },
        s,
        e,
    ))
}

/// The local parts of a company's role mailboxes (`info@`, `support@`, `presse@`,
/// `klantenservice@`, `noreply@`, …): they reach a department, not a person.
const ROLES: &[&str] = &[
    "info",
    "contact",
    "contacto",
    "contato",
    "contatti",
    "kontakt",
    "support",
    "help",
    "hilfe",
    "ayuda",
    "aiuto",
    "apoio",
    "ajuda",
    "service",
    "servicio",
    "servizio",
    "klantenservice",
    "kundenservice",
    "serviceclient",
    "sales",
    "vendas",
    "ventas",
    "vendite",
    "verkauf",
    "press",
    "presse",
    "pers",
    "prensa",
    "stampa",
    "ufficiostampa",
    "imprensa",
    "comunicacion",
    "comunicazione",
    "media",
    "marketing",
    "hello",
    "hola",
    "office",
    "admin",
    "webmaster",
    "postmaster",
    "hostmaster",
    "abuse",
    "security",
    "privacy",
    "datenschutz",
    "dpo",
    "legal",
    "billing",
    "invoices",
    "accounts",
    "facturation",
    "facturacion",
    "rechnung",
    "jobs",
    "careers",
    "karriere",
    "recrutement",
    "noreply",
    "no-reply",
    "donotreply",
    "do-not-reply",
    "notifications",
    "newsletter",
    "orders",
    "bestellung",
    "reservations",
    "booking",
    "reception",
    "empfang",
    "deploy",
    "release",
    "release-bot",
    "ci",
    "bot",
    "root",
];

/// Whether the address is a role mailbox (its local part, before any `+tag`).
fn is_role(address: &str) -> bool {
    let local = address.split('@').next().unwrap_or("").to_ascii_lowercase();
    let local = local.split('+').next().unwrap_or("");
    ROLES.contains(&local)
}

/// The placeholder domain of a format sample ("name@domain.tld",
/// "identifiant@domaine.tld", "nome@dominio.it"): no mailbox is there. The RFC 2606
/// documentation domains are not among them: made-up people's addresses are written at
/// `example.com` as often as documentation samples are.
fn is_documentation(address: &str) -> bool {
    let domain = address
        .rsplit('@')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let sample = domain.split('.').next().is_some_and(|label| {
        ["domain", "domaine", "dominio", "domein", "yourdomain"].contains(&label)
    });
    sample || domain.ends_with(".tld")
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Pii,
    placeholder: "EMAIL",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
