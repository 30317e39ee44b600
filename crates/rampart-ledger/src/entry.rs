//! Typed audit entries and their canonical serialisation (the Merkle leaf data).
//!
//! # Canonical form
//!
//! The leaf data of an entry is its JSON object written the RFC 8785 (JCS) way:
//!
//! - keys sorted by code point (all keys are ASCII, so bytewise), no duplicates;
//! - no whitespace anywhere;
//! - strings escaped as JCS/ECMAScript does: `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`,
//!   other characters below U+0020 as `\u00xx` (lowercase hex), everything else as
//!   literal UTF-8 (no `\/`, no escaping of non-ASCII);
//! - numbers are unsigned integers in plain decimal (the entry has no floats);
//! - optional fields that are absent are *omitted*, never `null`, so a later version
//!   that adds an optional field hashes old entries exactly as before.
//!
//! The leaf hash is then `SHA-256(0x00 || canonical bytes)` ([`AuditEntry::leaf_hash`]).
//! Bodies (prompt and response text) are *not* part of the leaf: only their SHA-256
//! hashes are, so bodies can be redacted, encrypted or pruned while every proof keeps
//! verifying.

use std::fmt;
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::merkle::{Hash, Rfc9162Hasher};

/// Upper bound on the canonical size of one entry (bodies excluded): 64 KiB.
pub const MAX_ENTRY_BYTES: usize = 64 * 1024;

/// Why an entry or a timestamp was rejected. The input is at fault in every case.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EntryError {
    /// A timestamp that is not RFC 3339 (e.g. `2026-07-01T12:00:00.123Z`).
    #[error("invalid RFC 3339 timestamp {0:?}")]
    BadTimestamp(String),
    /// The entry's JSON does not match the schema (unknown field, wrong type, …).
    #[error("invalid audit entry: {0}")]
    Json(#[from] serde_json::Error),
    /// The canonical entry is larger than [`MAX_ENTRY_BYTES`].
    #[error("audit entry is {size} bytes, the limit is {max}")]
    TooLarge {
        /// Its canonical size.
        size: usize,
        /// [`MAX_ENTRY_BYTES`].
        max: usize,
    },
    /// Stored or presented bytes are not in canonical form (re-serialising the parsed
    /// entry gives other bytes): the data was altered or written by another tool.
    #[error("audit entry bytes are not in canonical form")]
    NotCanonical,
    /// A body was given whose SHA-256 differs from the hash in the entry.
    #[error("the {which} body does not match the entry's {which}_sha256")]
    BodyHashMismatch {
        /// `prompt` or `response`.
        which: &'static str,
    },
}

/// A UTC instant with millisecond precision.
///
/// Written as RFC 3339 in one fixed form, `YYYY-MM-DDTHH:MM:SS.mmmZ`, so that text order
/// is time order. Parsing accepts any RFC 3339 date-time (`Z` or a numeric offset,
/// `T`/`t`/space separator, 0–9 fraction digits), converts it to UTC and truncates it to
/// the millisecond.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    millis: i64,
}

use rampart_core::date::{civil_from_days, days_from_civil, days_in_month};

/// Earliest and latest instants representable: 0000-01-01 and 9999-12-31T23:59:59.999Z.
const MIN_MILLIS: i64 = -62_167_219_200_000;
const MAX_MILLIS: i64 = 253_402_300_799_999;

impl Timestamp {
    /// The current time.
    #[must_use]
    pub fn now() -> Self {
        let millis = match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_millis()).unwrap_or(MAX_MILLIS),
            Err(e) => -i64::try_from(e.duration().as_millis()).unwrap_or(-MIN_MILLIS),
        };
        Self {
            millis: millis.clamp(MIN_MILLIS, MAX_MILLIS),
        }
    }

    /// The instant `millis` milliseconds after 1970-01-01T00:00:00Z; `None` outside the
    /// years 0000–9999.
    #[must_use]
    pub fn from_unix_millis(millis: i64) -> Option<Self> {
        (MIN_MILLIS..=MAX_MILLIS)
            .contains(&millis)
            .then_some(Self { millis })
    }

    /// Milliseconds since 1970-01-01T00:00:00Z.
    #[must_use]
    pub fn unix_millis(self) -> i64 {
        self.millis
    }

    /// Parses an RFC 3339 date-time.
    ///
    /// # Errors
    /// [`EntryError::BadTimestamp`] when `s` is not one, or falls outside 0000–9999.
    pub fn parse(s: &str) -> Result<Self, EntryError> {
        Self::parse_inner(s).ok_or_else(|| EntryError::BadTimestamp(s.chars().take(64).collect()))
    }

    fn parse_inner(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        let num = |r: std::ops::Range<usize>| -> Option<i64> {
            let d = b.get(r)?;
            if d.iter().all(u8::is_ascii_digit) {
                Some(d.iter().fold(0i64, |a, c| a * 10 + i64::from(c - b'0')))
            } else {
                None
            }
        };
        let sep = |i: usize, c: &[u8]| b.get(i).is_some_and(|x| c.contains(x));
        if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
            return None;
        }
        let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 {
            return None;
        }
        // RFC 3339 allows a leap second (60); fold it into the last millisecond.
        if sec > 60 {
            return None;
        }
        let mut i = 19;
        let mut frac_ms = 0i64;
        if sep(i, b".") {
            i += 1;
            let start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == start || i - start > 9 {
                return None;
            }
            let digits = num(start..start + (i - start).min(3))?;
            frac_ms = digits * 10i64.pow(3u32.saturating_sub((i - start).min(3) as u32));
        }
        let offset_min = match b.get(i)? {
            b'Z' | b'z' if i + 1 == b.len() => 0,
            c @ (b'+' | b'-') if i + 6 == b.len() && sep(i + 3, b":") => {
                let (oh, om) = (num(i + 1..i + 3)?, num(i + 4..i + 6)?);
                if oh > 23 || om > 59 {
                    return None;
                }
                let o = oh * 60 + om;
                if *c == b'-' {
                    -o
                } else {
                    o
                }
            }
            _ => return None,
        };
        let (sec, frac_ms) = if sec == 60 { (59, 999) } else { (sec, frac_ms) };
        let days = days_from_civil(y, mo, d);
        let secs = days * 86_400 + h * 3600 + mi * 60 + sec - offset_min * 60;
        Self::from_unix_millis(secs * 1000 + frac_ms)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.millis.div_euclid(1000);
        let ms = self.millis.rem_euclid(1000);
        let days = secs.div_euclid(86_400);
        let sod = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{ms:03}Z",
            sod / 3600,
            sod / 60 % 60,
            sod % 60
        )
    }
}

impl FromStr for Timestamp {
    type Err = EntryError;
    fn from_str(s: &str) -> Result<Self, EntryError> {
        Self::parse(s)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// What the gateway (or the service writing the entry) decided about the request.
pub use rampart_core::Decision;

/// One audited interaction: the data of one Merkle leaf.
///
/// JSON field names are the Rust field names; `rules`, `tokens_in` and `tokens_out`
/// default to empty/0 and the two hashes may be absent. Unknown fields are rejected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditEntry {
    /// When the request was received (UTC).
    pub time: Timestamp,
    /// The request's identifier (e.g. the gateway's `x-request-id`).
    pub request_id: String,
    /// Who made the request: the API key id or principal.
    pub principal: String,
    /// The tenant the request belongs to.
    pub tenant: String,
    /// The route called (e.g. `/v1/chat/completions`).
    pub route: String,
    /// The model asked for.
    pub model: String,
    /// The upstream the request went to (empty if none).
    pub upstream: String,
    /// The decision taken.
    pub decision: Decision,
    /// Codes of the rules or detectors that fired, in firing order.
    #[serde(default)]
    pub rules: Vec<String>,
    /// Tokens sent to the model.
    #[serde(default)]
    pub tokens_in: u64,
    /// Tokens returned by the model.
    #[serde(default)]
    pub tokens_out: u64,
    /// SHA-256 of the prompt as received (hex in JSON).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::hex::serde_opt_hash"
    )]
    pub prompt_sha256: Option<Hash>,
    /// SHA-256 of the response as returned (hex in JSON).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::hex::serde_opt_hash"
    )]
    pub response_sha256: Option<Hash>,
}

/// The optional prompt and response texts of an entry. Never part of the leaf: the
/// entry carries their SHA-256 instead.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bodies {
    /// The prompt (as the guard left it: redacted by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    /// The response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<String>,
}

/// SHA-256 of `data` (for `prompt_sha256` and `response_sha256`).
#[must_use]
pub fn sha256(data: &[u8]) -> Hash {
    Sha256::digest(data).into()
}

impl AuditEntry {
    /// The canonical bytes of the entry (see the [module documentation](self)).
    ///
    /// # Errors
    /// [`EntryError::TooLarge`] past [`MAX_ENTRY_BYTES`].
    pub fn canonical_bytes(&self) -> Result<Vec<u8>, EntryError> {
        let out = self.encode_canonical()?;
        if out.len() > MAX_ENTRY_BYTES {
            return Err(EntryError::TooLarge {
                size: out.len(),
                max: MAX_ENTRY_BYTES,
            });
        }
        Ok(out)
    }

    /// The Merkle leaf hash: `SHA-256(0x00 || canonical bytes)`.
    ///
    /// # Errors
    /// As [`AuditEntry::canonical_bytes`].
    pub fn leaf_hash(&self) -> Result<Hash, EntryError> {
        Ok(Rfc9162Hasher::hash_leaf(&self.canonical_bytes()?))
    }

    /// Parses canonical bytes back into an entry, and checks that they *are* canonical.
    ///
    /// # Errors
    /// [`EntryError::Json`] for bytes that are not an entry, [`EntryError::NotCanonical`]
    /// for an entry not written in canonical form.
    pub fn from_canonical_bytes(bytes: &[u8]) -> Result<Self, EntryError> {
        if bytes.len() > MAX_ENTRY_BYTES {
            return Err(EntryError::TooLarge {
                size: bytes.len(),
                max: MAX_ENTRY_BYTES,
            });
        }
        let entry: Self = serde_json::from_slice(bytes)?;
        if entry.canonical_bytes()? != bytes {
            return Err(EntryError::NotCanonical);
        }
        Ok(entry)
    }

    /// Fills in missing body hashes from `bodies` and checks present ones against them.
    ///
    /// # Errors
    /// [`EntryError::BodyHashMismatch`] when a given hash differs from its body's.
    pub fn bind_bodies(&mut self, bodies: &Bodies) -> Result<(), EntryError> {
        for (which, body, slot) in [
            ("prompt", &bodies.prompt, &mut self.prompt_sha256),
            ("response", &bodies.response, &mut self.response_sha256),
        ] {
            if let Some(body) = body {
                let h = sha256(body.as_bytes());
                match slot {
                    Some(existing) if *existing != h => {
                        return Err(EntryError::BodyHashMismatch { which })
                    }
                    _ => *slot = Some(h),
                }
            }
        }
        Ok(())
    }
}

impl AuditEntry {
    /// The canonical object written field by field, keys in code-point order, without
    /// building a JSON tree first (the ledger writes one per request). Strings go
    /// through serde_json's string writer, whose escaping is the JCS one described in
    /// the module documentation; a test compares this with [`write_canonical`] over
    /// the serde tree for many generated entries.
    fn encode_canonical(&self) -> Result<Vec<u8>, EntryError> {
        fn key(out: &mut Vec<u8>, first: bool, name: &str) {
            if !first {
                out.push(b',');
            }
            out.push(b'"');
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b"\":");
        }
        fn string(out: &mut Vec<u8>, s: &str) -> Result<(), EntryError> {
            serde_json::to_writer(&mut *out, s)?;
            Ok(())
        }
        fn hash(out: &mut Vec<u8>, h: &Hash) {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push(b'"');
            for b in h {
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 15)]);
            }
            out.push(b'"');
        }
        fn number(out: &mut Vec<u8>, n: u64) {
            let mut digits = [0u8; 20];
            let mut i = digits.len();
            let mut n = n;
            loop {
                i -= 1;
                // n % 10 < 10: the cast keeps every value
                digits[i] = b'0' + (n % 10) as u8;
                n /= 10;
                if n == 0 {
                    break;
                }
            }
            out.extend_from_slice(&digits[i..]);
        }
        let strings: usize = [
            &self.request_id,
            &self.principal,
            &self.tenant,
            &self.route,
            &self.model,
            &self.upstream,
        ]
        .iter()
        .map(|s| s.len())
        .sum::<usize>()
            + self.rules.iter().map(|r| r.len() + 3).sum::<usize>();
        let mut out = Vec::with_capacity(strings + 384);
        out.push(b'{');
        // keys in code-point order: decision, model, principal, prompt_sha256,
        // request_id, response_sha256, route, rules, tenant, time, tokens_in,
        // tokens_out, upstream
        key(&mut out, true, "decision");
        out.push(b'"');
        out.extend_from_slice(self.decision.as_str().as_bytes());
        out.push(b'"');
        key(&mut out, false, "model");
        string(&mut out, &self.model)?;
        key(&mut out, false, "principal");
        string(&mut out, &self.principal)?;
        if let Some(h) = &self.prompt_sha256 {
            key(&mut out, false, "prompt_sha256");
            hash(&mut out, h);
        }
        key(&mut out, false, "request_id");
        string(&mut out, &self.request_id)?;
        if let Some(h) = &self.response_sha256 {
            key(&mut out, false, "response_sha256");
            hash(&mut out, h);
        }
        key(&mut out, false, "route");
        string(&mut out, &self.route)?;
        key(&mut out, false, "rules");
        out.push(b'[');
        for (i, r) in self.rules.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            string(&mut out, r)?;
        }
        out.push(b']');
        key(&mut out, false, "tenant");
        string(&mut out, &self.tenant)?;
        key(&mut out, false, "time");
        {
            use std::io::Write;
            out.push(b'"');
            write!(out, "{}", self.time).map_err(|e| EntryError::Json(serde_json::Error::io(e)))?;
            out.push(b'"');
        }
        key(&mut out, false, "tokens_in");
        number(&mut out, self.tokens_in);
        key(&mut out, false, "tokens_out");
        number(&mut out, self.tokens_out);
        key(&mut out, false, "upstream");
        string(&mut out, &self.upstream)?;
        out.push(b'}');
        Ok(out)
    }
}

/// The canonical form of any JSON value (the reference the typed encoder is tested
/// against).
#[cfg(test)]
fn write_canonical(v: &serde_json::Value, out: &mut Vec<u8>) -> Result<(), EntryError> {
    use serde_json::Value;
    match v {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Number(n) => match n.as_u64() {
            Some(u) => out.extend_from_slice(u.to_string().as_bytes()),
            None => {
                // The entry schema has only unsigned integers.
                return Err(EntryError::Json(serde::ser::Error::custom(
                    "canonical form admits only unsigned integers",
                )));
            }
        },
        Value::String(s) => serde_json::to_writer(&mut *out, s)?,
        Value::Array(a) => {
            out.push(b'[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(x, out)?;
            }
            out.push(b']');
        }
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push(b'{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                serde_json::to_writer(&mut *out, k)?;
                out.push(b':');
                if let Some(x) = m.get(k) {
                    write_canonical(x, out)?;
                }
            }
            out.push(b'}');
        }
    }
    Ok(())
}

/// Lowercase hex of an optional hash, for display.
#[must_use]
pub fn hash_hex(h: &Option<Hash>) -> String {
    h.as_ref().map(::hex::encode).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn sample() -> AuditEntry {
        AuditEntry {
            time: Timestamp::parse("2026-07-01T12:34:56.789Z").unwrap(),
            request_id: "req-0001".into(),
            principal: "key_live_42".into(),
            tenant: "acme".into(),
            route: "/v1/chat/completions".into(),
            model: "gpt-4o-mini".into(),
            upstream: "https://api.example.com".into(),
            decision: Decision::Redact,
            rules: vec!["PII001".into(), "SEC003".into()],
            tokens_in: 123,
            tokens_out: 45,
            prompt_sha256: Some(sha256(b"hello")),
            response_sha256: None,
        }
    }

    #[test]
    fn canonical_bytes_and_leaf_hash_are_fixed() {
        let e = sample();
        let bytes = e.canonical_bytes().unwrap();
        let want = concat!(
            r#"{"decision":"redact","model":"gpt-4o-mini","principal":"key_live_42","#,
            r#""prompt_sha256":"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824","#,
            r#""request_id":"req-0001","route":"/v1/chat/completions","rules":["PII001","SEC003"],"#,
            r#""tenant":"acme","time":"2026-07-01T12:34:56.789Z","tokens_in":123,"tokens_out":45,"#,
            r#""upstream":"https://api.example.com"}"#
        );
        assert_eq!(String::from_utf8(bytes.clone()).unwrap(), want);
        let mut pre = vec![0u8];
        pre.extend_from_slice(want.as_bytes());
        assert_eq!(e.leaf_hash().unwrap(), sha256(&pre));
        // Cross-checked with Python: json.dumps(d, sort_keys=True, separators=(",", ":"),
        // ensure_ascii=False), then sha256(b"\0" + s).
        assert_eq!(
            ::hex::encode(e.leaf_hash().unwrap()),
            "8d858ac66ea2d95b3450490e4608dee89f432940956605813bbd17ef27c0e5d9"
        );
        assert_eq!(AuditEntry::from_canonical_bytes(&bytes).unwrap(), e);
    }

    #[test]
    fn escaping_is_jcs() {
        let mut e = sample();
        e.request_id = "a\"b\\c\n\u{1}\u{7f}é/€".into();
        let s = String::from_utf8(e.canonical_bytes().unwrap()).unwrap();
        assert!(s.contains(r#""request_id":"a\"b\\c\n\u0001"#), "{s}");
        assert!(s.contains("\u{7f}é/€\""), "{s}");
    }

    #[test]
    fn non_canonical_and_unknown_fields_are_rejected() {
        let bytes = sample().canonical_bytes().unwrap();
        let spaced = String::from_utf8(bytes.clone()).unwrap().replace(",", ", ");
        assert!(matches!(
            AuditEntry::from_canonical_bytes(spaced.as_bytes()),
            Err(EntryError::NotCanonical)
        ));
        let extra = String::from_utf8(bytes)
            .unwrap()
            .replacen('{', r#"{"x":1,"#, 1);
        assert!(matches!(
            AuditEntry::from_canonical_bytes(extra.as_bytes()),
            Err(EntryError::Json(_))
        ));
    }

    #[test]
    fn timestamps() {
        for (input, want) in [
            ("2026-07-01T12:34:56Z", "2026-07-01T12:34:56.000Z"),
            ("2026-07-01t12:34:56.1z", "2026-07-01T12:34:56.100Z"),
            (
                "2026-07-01 12:34:56.123456789+02:00",
                "2026-07-01T10:34:56.123Z",
            ),
            ("2024-02-29T23:59:60Z", "2024-02-29T23:59:59.999Z"),
            ("1969-12-31T23:59:59.999Z", "1969-12-31T23:59:59.999Z"),
            ("0000-01-01T00:00:00Z", "0000-01-01T00:00:00.000Z"),
            ("9999-12-31T23:59:59.999-00:00", "9999-12-31T23:59:59.999Z"),
        ] {
            assert_eq!(
                Timestamp::parse(input).unwrap().to_string(),
                want,
                "{input}"
            );
        }
        for bad in [
            "",
            "2026-07-01",
            "2026-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-07-01T24:00:00Z",
            "2026-07-01T12:34:56",
            "2026-07-01T12:34:56.Z",
            "2026-07-01T12:34:56.1234567890Z",
            "2026-07-01T12:34:56+0200",
            "9999-12-31T23:59:59-01:00",
            "２026-07-01T12:34:56Z",
        ] {
            assert!(Timestamp::parse(bad).is_err(), "{bad}");
        }
        let now = Timestamp::now();
        assert_eq!(Timestamp::parse(&now.to_string()).unwrap(), now);
        assert_eq!(
            Timestamp::from_unix_millis(0).unwrap().to_string(),
            "1970-01-01T00:00:00.000Z"
        );
    }

    #[test]
    fn bodies_bind_to_hashes() {
        let mut e = sample();
        let b = Bodies {
            prompt: Some("hello".into()),
            response: Some("world".into()),
        };
        e.bind_bodies(&b).unwrap();
        assert_eq!(e.response_sha256, Some(sha256(b"world")));
        let wrong = Bodies {
            prompt: Some("other".into()),
            response: None,
        };
        assert!(matches!(
            e.bind_bodies(&wrong),
            Err(EntryError::BodyHashMismatch { which: "prompt" })
        ));
    }

    /// The canonical form as it was first defined: the entry turned into a serde
    /// tree, then written with sorted keys (what `canonical_bytes` did before it
    /// wrote the fields directly).
    fn via_tree(e: &AuditEntry) -> Vec<u8> {
        let value = serde_json::to_value(e).unwrap();
        let mut out = Vec::new();
        write_canonical(&value, &mut out).unwrap();
        out
    }

    fn text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        // control characters, quotes, backslashes, DEL, non-ASCII (2, 3 and 4
        // bytes), the slash, and plain text
        prop::collection::vec(
            prop_oneof![
                (0u32..0x20).prop_map(|c| char::from_u32(c).unwrap()),
                prop::sample::select(vec![
                    '"', '\\', '/', '\u{7f}', 'é', '€', '\u{2028}', '😀', '\u{fffd}'
                ]),
                any::<char>(),
                prop::char::range('a', 'z'),
            ],
            0..24,
        )
        .prop_map(|chars| chars.into_iter().collect())
    }

    fn entry() -> impl proptest::strategy::Strategy<Value = AuditEntry> {
        use proptest::prelude::*;
        let strings = (text(), text(), text(), text(), text(), text());
        let hash = prop::option::of(prop::array::uniform32(any::<u8>()));
        (
            strings,
            prop::collection::vec(text(), 0..4),
            (
                any::<u64>(),
                prop_oneof![Just(0u64), 0..1000u64, Just(u64::MAX)],
            ),
            (hash.clone(), hash),
            (MIN_MILLIS..=MAX_MILLIS, 0usize..4),
        )
            .prop_map(
                |(
                    (request_id, principal, tenant, route, model, upstream),
                    rules,
                    (tin, tout),
                    (p, r),
                    (ms, d),
                )| {
                    AuditEntry {
                        time: Timestamp::from_unix_millis(ms).unwrap(),
                        request_id,
                        principal,
                        tenant,
                        route,
                        model,
                        upstream,
                        decision: Decision::ALL[d],
                        rules,
                        tokens_in: tin,
                        tokens_out: tout,
                        prompt_sha256: p,
                        response_sha256: r,
                    }
                },
            )
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, failure_persistence: None, ..proptest::prelude::ProptestConfig::default() })]

        /// The typed encoder writes exactly the bytes of the serde-tree encoding, for
        /// any field contents: every committed leaf hash stays the same.
        #[test]
        fn the_typed_encoding_is_the_tree_encoding(e in entry()) {
            let bytes = e.canonical_bytes().unwrap();
            proptest::prop_assert_eq!(&bytes, &via_tree(&e));
            proptest::prop_assert_eq!(AuditEntry::from_canonical_bytes(&bytes).unwrap(), e);
        }
    }
}
