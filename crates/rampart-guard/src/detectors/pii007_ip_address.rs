use std::net::{Ipv4Addr, Ipv6Addr};

use rampart_core::declare_rule;

use super::util::before;
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports IPv4 and IPv6 addresses. Public addresses score 0.8; private, loopback,
    /// link-local and documentation ranges score 0.3, below the default policy
    /// threshold, so they are reported but do not change the verdict.
    ///
    /// ## Why is this dangerous?
    /// A public IP address can identify a subscriber (personal data under GDPR) and
    /// internal addresses map an organisation's network for an attacker.
    ///
    /// ## Example
    /// ```text
    /// the login came from 81.2.69.142
    /// ```
    ///
    /// ## Remediation
    /// Redact public addresses; keep private ones if the use case needs them.
    ///
    /// ## False positives
    /// Version strings (`v1.2.3.4`, `1.2.3.4.5`), octets above 255 and leading zeros
    /// are ignored. IPv6 candidates must parse as addresses, so times and MAC addresses
    /// are not reported. Private, loopback and documentation ranges and the public DNS
    /// resolvers (`1.1.1.1`, `8.8.8.8`, `9.9.9.9`, …) are reported below the default
    /// threshold.
    ///
    /// ## References
    /// RFC 791, RFC 4291, RFC 5737, RFC 1918; CJEU C-582/14 (Breyer); guidelines SD-3,
    /// OM-2.
    pub(crate) static RULE = {
        code: "PII007",
        name: "ip-address",
        severity: Low,
        guidelines: [Sd3, Om2],
        summary: "IP address",
    }
}

static RULES: &[TokenRule] = &[
    TokenRule {
        re: r"(?-u:\b)[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}(?-u:\b)",
        validate: validate_v4,
    },
    TokenRule {
        re: r"(?i)[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}",
        validate: validate_v6,
    },
];

/// The public DNS resolvers people are told to configure (Cloudflare, Google, Quad9,
/// OpenDNS): a service's address, not a person's.
const PUBLIC_RESOLVERS: &[[u8; 4]] = &[
    [1, 1, 1, 1],
    [1, 0, 0, 1],
    [8, 8, 8, 8],
    [8, 8, 4, 4],
    [9, 9, 9, 9],
    [149, 112, 112, 112],
    [208, 67, 222, 222],
    [208, 67, 220, 220],
];

fn validate_v4(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    if v.split('.').any(|o| o.len() > 1 && o.starts_with('0')) {
        return None;
    }
    let ip: Ipv4Addr = v.parse().ok()?;
    let b = text.as_bytes();
    let prev = s.checked_sub(1).and_then(|i| b.get(i)).copied();
    if matches!(prev, Some(b'.' | b'v' | b'V' | b'-'))
        || (b.get(e) == Some(&b'.') && b.get(e + 1).is_some_and(u8::is_ascii_digit))
    {
        return None;
    }
    let ctx = before(text, s, 12);
    if ctx.contains("version") || ctx.trim_end().ends_with("v") {
        return None;
    }
    let o = ip.octets();
    let documentation = matches!(o, [192, 0, 2, _] | [198, 51, 100, _] | [203, 0, 113, _]);
    let internal = ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || documentation
        || PUBLIC_RESOLVERS.contains(&o);
    Some((if internal { 0.3 } else { 0.8 }, s, e))
}

fn validate_v6(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    if v.matches(':').count() < 2 {
        return None;
    }
    let ip: Ipv6Addr = v.parse().ok()?;
    let b = text.as_bytes();
    let prev = s.checked_sub(1).and_then(|i| b.get(i)).copied();
    if b.get(e)
        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b':')
        || prev.is_some_and(|c| c.is_ascii_alphanumeric() || c == b':')
    {
        return None;
    }
    let seg = ip.segments();
    let internal = ip.is_loopback()
        || ip.is_unspecified()
        || seg.first().is_some_and(|&s0| {
            (s0 & 0xfe00) == 0xfc00
                || (s0 & 0xffc0) == 0xfe80
                || s0 == 0x2001 && seg.get(1) == Some(&0x0db8)
        });
    Some((if internal { 0.3 } else { 0.8 }, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Pii,
    placeholder: "IP",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
