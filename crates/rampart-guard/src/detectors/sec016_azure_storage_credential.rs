use rampart_core::declare_rule;

use super::util::{before, isolated, random_tail};
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports an Azure Storage account key (`AccountKey=` followed by 88 base64 characters, as
/// in a connection string, or the same 88 characters on a line that names a key: `key1
/// FULL <key>` in `az storage account keys list`, `$StorageAccountKey = "<key>"`,
/// "Chave de acesso (key1): <key>") and the `sig=` signature of a shared access signature (SAS) URL
/// or token that also carries its `sv=` version.
    ///
    /// ## Why is this dangerous?
    /// An account key grants full control of the storage account; a SAS signature grants what
/// its permissions say until it expires.
    ///
    /// ## Example
    /// ```text
    /// DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=<88 base64 characters>
    /// ```
    ///
    /// ## Remediation
    /// Redact; rotate the account key (or revoke the SAS by rotating the key that signed it).
    ///
    /// ## False positives
    /// A `sig=` parameter without `sv=` before it (other signed URLs) is not reported here.
    ///
    /// ## References
    /// Microsoft, "Grant limited access to Azure Storage resources using shared access
/// signatures"; guidelines SD-3, DP-2.
    pub(crate) static RULE = {
        code: "SEC016",
        name: "azure-storage-credential",
        severity: Critical,
        guidelines: [Sd3, Dp2],
        summary: "Azure Storage account key or SAS signature",
    }
}

static RULES: &[TokenRule] = &[
    TokenRule {
        re: r#"AccountKey=(?P<v>[A-Za-z0-9+/]{86}==)"#,
        validate,
    },
    // 64 random bytes in base64 (86 characters and `==`) after a word for a key on the
    // same line; a `sha512-` integrity hash has the same length and no such word
    TokenRule {
        re: r#"(?:[Kk]ey|KEY|[Cc]have|CHAVE|[Cc]lé|CLÉ|[Cc]lave|CLAVE|[Ss]chlüssel|SCHLÜSSEL|[Ss]leutel|SLEUTEL|[Cc]hiave|CHIAVE)[^\n]{0,60}?(?P<v>[A-Za-z0-9+/]{86}==)"#,
        validate: validate_named,
    },
    TokenRule {
        re: r#"[?&;]sig=(?P<v>[A-Za-z0-9%+/]{30,}(?:%3[dD]|=){0,2})"#,
        validate,
    },
];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    random_tail(text, s, e, "", 3.5, 2)?;
    // A SAS signature is the `sig=` of a URL or token that also carries `sv=`.
    if !text.get(..s).unwrap_or("").ends_with("AccountKey=") {
        let context = before(text, s, 400);
        if !(context.contains("sv=")
            && (context.contains("sp=") || context.contains("se=") || context.contains("sr=")))
        {
            return None;
        }
    }
    Some((0.97, s, e))
}

fn validate_named(text: &str, s: usize, e: usize) -> Option<Hit> {
    if !isolated(text, s, e, b"+/=") {
        return None;
    }
    random_tail(text, s, e, "", 3.5, 2)?;
    Some((0.9, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Secret,
    placeholder: "AZURE_STORAGE_KEY",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
