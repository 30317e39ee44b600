use rampart_core::declare_rule;
use regex::Regex;

use super::{Detector, Engine, OUTPUT};
use crate::engine::RawHit;
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// In model output, reports Markdown images, HTML images and links whose host is
    /// not on the configured allow-list (`PipelineConfig::allowed_hosts`; a host
    /// matches itself and its subdomains). Images score 0.75 and links 0.6 when an
    /// allow-list is configured; without one, images score 0.55 and links are not
    /// reported.
    ///
    /// ## Why is this dangerous?
    /// Links and auto-loaded images in output are the channel of indirect-injection
    /// exfiltration and phishing; an allow-list is the control the guidelines ask for
    /// ("controls to data that can be sent to services outside of your
    /// organisation's control").
    ///
    /// ## Example
    /// ```text
    /// ![chart](https://images.attacker.example/c.png)
    /// ```
    ///
    /// ## Remediation
    /// Configure the allow-list with the hosts your product links to; block or strip
    /// the rest.
    ///
    /// ## False positives
    /// Legitimate references to outside sites are reported when an allow-list is
    /// configured; keep the list complete, or map this code to `flag`.
    ///
    /// ## References
    /// OWASP LLM02:2025, LLM05:2025; MITRE ATLAS AML.T0057; guidelines SD-3 (egress
    /// data controls), DP-2.
    pub(crate) static RULE = {
        code: "EXF003",
        name: "link-outside-allow-list",
        severity: Medium,
        guidelines: [Sd3, Dp2],
        summary: "Image or link to a host outside the allow-list",
    }
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Exfiltration,
    placeholder: "URL",
    roles: OUTPUT,
    weak: false,
    engine: Engine::Custom,
};

/// Compiled link pattern: group `img` marks an image.
pub(crate) fn pattern() -> Result<Regex, regex::Error> {
    Regex::new(
        r#"(?i)(?P<img>!\[[^\]\n]*\]\(\s*<?|<img(?-u:\b)[^>]*(?-u:\b)src\s*=\s*["']?)?(?:\[[^\]\n]*\]\(\s*<?)?(?P<url>https?://(?P<host>[a-z0-9.\-]+)(?::[0-9]+)?[^\s)>"']*)"#,
    )
}

fn allowed(host: &str, allow: &[String]) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    allow.iter().any(|a| {
        let a = a.trim_start_matches("*.").to_ascii_lowercase();
        host == a || host.ends_with(&format!(".{a}"))
    })
}

/// Checks the links of an output text.
pub(crate) fn check(re: &Regex, text: &str, allow: &[String], out: &mut Vec<RawHit>) {
    if !text.contains("://") {
        return;
    }
    for c in re.captures_iter(text) {
        let (Some(url), Some(host)) = (c.name("url"), c.name("host")) else {
            continue;
        };
        if allowed(host.as_str(), allow) {
            continue;
        }
        let image = c.name("img").is_some();
        let score = match (image, allow.is_empty()) {
            (true, false) => 0.75,
            (false, false) => 0.6,
            (true, true) => 0.55,
            (false, true) => continue,
        };
        out.push(RawHit {
            detector: &DETECTOR,
            start: url.start(),
            end: url.end(),
            score,
            note: format!(
                "{} to host `{}` outside the allow-list",
                if image { "image" } else { "link" },
                host.as_str()
            ),
        });
    }
}
