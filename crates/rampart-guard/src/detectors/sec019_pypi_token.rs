use rampart_core::declare_rule;

use super::util::random_tail;
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a PyPI API token: `pypi-` followed by a macaroon whose first bytes encode
/// `pypi.org` (`AgEIcHlwaS5vcmc`) or `test.pypi.org` (`AgENdGVzdC5weXBpLm9yZw`).
    ///
    /// ## Why is this dangerous?
    /// An upload token publishes packages as its owner: a malicious release of a model
/// library reaches everyone who installs it.
    ///
    /// ## Example
    /// ```text
    /// TWINE_PASSWORD=pypi-AgEIcHlwaS5vcmc<more than 50 characters>
    /// ```
    ///
    /// ## Remediation
    /// Redact; remove the token in the PyPI account settings.
    ///
    /// ## False positives
    /// None known: the fixed macaroon header does not occur by chance.
    ///
    /// ## References
    /// PyPI, "API tokens"; guidelines SD-3, DP-2, DV-1.
    pub(crate) static RULE = {
        code: "SEC019",
        name: "pypi-token",
        severity: Critical,
        guidelines: [Sd3, Dp2],
        summary: "PyPI API token (`pypi-AgEIcHlwaS5vcmc…`)",
    }
}

static RULES: &[TokenRule] = &[TokenRule {
    re: r#"pypi-Ag(?:EIcHlwaS5vcmc|ENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_\-]{50,}"#,
    validate,
}];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let prefix = if text.get(s..e)?.starts_with("pypi-AgEIcHlwaS5vcmc") {
        "pypi-AgEIcHlwaS5vcmc"
    } else {
        "pypi-AgENdGVzdC5weXBpLm9yZw"
    };
    random_tail(text, s, e, prefix, 3.5, 2)?;
    Some((0.99, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Secret,
    placeholder: "PYPI_TOKEN",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
