use rampart_core::declare_rule;

use super::util::{classes, entropy, is_placeholder, isolated};
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a GitHub classic token: `ghp_` (personal), `gho_` (OAuth), `ghu_`
    /// (user-to-server), `ghs_` (server-to-server) or `ghr_` (refresh) followed by 30
    /// random base-62 characters and a 6-character base-62 CRC32 of them. A token whose
    /// checksum verifies is certain (score 0.99); one whose checksum does not is still
    /// reported (0.8, redacted under the default policy) when its tail is random: a
    /// redaction costs little, a leaked token costs a rotation.
    ///
    /// ## Why is this dangerous?
    /// A personal token acts as its owner on every repository it can reach.
    ///
    /// ## Example
    /// ```text
    /// export GITHUB_TOKEN=ghp_<30 random characters><6-character checksum>
    /// ```
    ///
    /// ## Remediation
    /// Redact; revoke the token (GitHub also revokes tokens it finds in public).
    ///
    /// ## False positives
    /// None known with a valid checksum: a random 36-character tail passes one time in
    /// 2^32. A made-up token with a random tail is reported at the lower score;
    /// placeholders (`ghp_xxxx…`, runs of one character) are ignored.
    ///
    /// ## References
    /// GitHub, "Behind GitHub's new authentication token formats" (2021); guidelines
    /// SD-3, DP-2.
    pub(crate) static RULE = {
        code: "SEC003",
        name: "github-token",
        severity: Critical,
        guidelines: [Sd3, Dp2],
        summary: "GitHub classic token (certain when its checksum verifies)",
    }
}

static RULES: &[TokenRule] = &[TokenRule {
    re: r"gh[pousr]_[A-Za-z0-9]{36}",
    validate,
}];

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// CRC-32 (IEEE, reflected), bitwise.
pub(crate) fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

/// The 6-character base-62 checksum GitHub appends to the 30 random characters.
pub(crate) fn checksum(random: &[u8]) -> [u8; 6] {
    let mut n = u64::from(crc32(random));
    let mut out = [b'0'; 6];
    for slot in out.iter_mut().rev() {
        *slot = BASE62.get((n % 62) as usize).copied().unwrap_or(b'0');
        n /= 62;
    }
    out
}

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    if !isolated(text, s, e, &[]) || is_placeholder(v) {
        return None;
    }
    let random = v.as_bytes().get(4..34)?;
    let check = v.as_bytes().get(34..40)?;
    if checksum(random) == *check {
        return Some((0.99, s, e));
    }
    // Token-shaped but unverified: report it when the tail is random.
    let tail = v.get(4..)?;
    (entropy(tail) >= 4.0 && classes(tail) >= 3).then_some((0.8, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Secret,
    placeholder: "GITHUB_TOKEN",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
