use rampart_core::declare_rule;

use super::util::floor_boundary;
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a PEM private key block (`-----BEGIN [RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP ]PRIVATE KEY-----`)
    /// followed by a base-64 body. The reported span runs to the matching `END` line.
    /// Also a PuTTY key file (`PuTTY-User-Key-File-2:` or `-3:`) with its
    /// `Private-Lines:`, reported from its first line to its `Private-MAC:` line.
    ///
    /// ## Why is this dangerous?
    /// A private key signs, decrypts and authenticates as its owner (TLS servers, SSH,
    /// code signing).
    ///
    /// ## Example
    /// ```text
    /// -----BEGIN OPENSSH PRIVATE KEY-----
    /// b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW...
    /// ```
    ///
    /// ## Remediation
    /// Redact; replace the key pair and revoke any certificate issued for it.
    ///
    /// ## False positives
    /// Public keys (`BEGIN PUBLIC KEY`, `ssh-ed25519 AAAA…`) and certificates
    /// (`BEGIN CERTIFICATE`) are not reported, nor a header with no base-64 body
    /// (`-----BEGIN PRIVATE KEY-----\n...`).
    ///
    /// ## References
    /// RFC 7468 (textual encodings of PKIX structures); guidelines SD-3, DP-2.
    pub(crate) static RULE = {
        code: "SEC012",
        name: "private-key",
        severity: Critical,
        guidelines: [Sd3, Dp2],
        summary: "PEM private key",
    }
}

static RULES: &[TokenRule] = &[
    TokenRule {
        re: r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP |SSH2 ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----",
        validate,
    },
    TokenRule {
        re: r"PuTTY-User-Key-File-[0-9]:",
        validate: validate_putty,
    },
];

/// How far a PuTTY key file's private lines and MAC may stand from its first line.
const PUTTY_WINDOW: usize = 16 * 1024;

/// A PuTTY key file (`.ppk`): the private part is the base-64 lines counted by
/// `Private-Lines: N`; the file ends with `Private-MAC: <hex>`. A file cut before
/// its MAC is reported up to its last private line.
fn validate_putty(text: &str, s: usize, e: usize) -> Option<Hit> {
    let rest = text.get(e..)?;
    let window = rest
        .get(..floor_boundary(rest, PUTTY_WINDOW))
        .unwrap_or(rest);
    let at = window.find("Private-Lines:")?;
    let after = &window[at..];
    let mut lines = after.split_inclusive('\n');
    let header = lines.next()?;
    let count: usize = header
        .trim()
        .strip_prefix("Private-Lines:")?
        .trim()
        .parse()
        .ok()?;
    let b64 = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=');
    let mut end = e + at + header.trim_end().len();
    let mut pos = e + at + header.len();
    let mut body = 0;
    for line in lines.by_ref().take(count.min(256)) {
        let t = line.trim();
        if t.is_empty() || !t.bytes().all(b64) {
            break;
        }
        body += t.len();
        end = pos + line.trim_end().len();
        pos += line.len();
    }
    if body < 16 {
        return None;
    }
    // the MAC line, if it follows at once
    if let Some(line) = text.get(pos..).and_then(|t| t.split_inclusive('\n').next()) {
        if line.trim_start().starts_with("Private-MAC:") {
            end = pos + line.trim_end().len();
        }
    }
    Some((0.99, s, end))
}

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let rest = text.get(e..)?;
    // A key inside a JSON or YAML string (a service-account file): one line, with `\n`
    // escapes for line breaks, so the line-by-line reading below finds no body. Up to
    // its END marker it is base 64 and escapes.
    if rest.starts_with("\\n") || rest.starts_with("\\r\\n") {
        let window = rest.get(..rest.len().min(16 * 1024)).unwrap_or(rest);
        if let Some(i) = window.find("-----END ") {
            let body = window.get(..i)?.replace("\\n", "").replace("\\r", "");
            let b64 = body
                .bytes()
                .filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
                .count();
            let end = window
                .get(i + 9..)
                .and_then(|t| t.find("-----"))
                .map(|j| e + i + 9 + j + 5);
            if let (true, Some(end)) = (b64 >= 40, end) {
                // the string's last line break is the key file's, so the whole JSON
                // value (`"-----BEGIN …-----END PRIVATE KEY-----\n"`) is hidden
                let tail = text.get(end..).unwrap_or("");
                let end = end
                    + ["\\r\\n", "\\n"]
                        .iter()
                        .find(|nl| tail.starts_with(**nl))
                        .map_or(0, |nl| nl.len());
                return Some((0.99, s, end));
            }
        }
    }
    // Skip RFC 1421 headers (Proc-Type, DEK-Info) and count base64 characters of the body.
    let body: String = rest
        .lines()
        .skip_while(|l| l.trim().is_empty())
        .filter(|l| !l.contains(':'))
        .take(3)
        .collect();
    let b64 = body
        .bytes()
        .take_while(|&b| b != b'-')
        .filter(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/')
        .count();
    if b64 < 40 {
        return None;
    }
    let end = rest
        .get(..rest.len().min(16 * 1024))
        .and_then(|r| r.find("-----END "))
        .and_then(|i| {
            rest.get(i + 9..)
                .and_then(|t| t.find("-----"))
                .map(|j| e + i + 9 + j + 5)
        })
        .unwrap_or_else(|| e + body_end(rest));
    Some((0.99, s, end))
}

/// Without an `END` line (a truncated key, or one still streaming), the finding runs
/// over the body: header lines (`Proc-Type: ...`) and lines of base-64, up to the
/// first line that is neither, or the end of the text (at most 16 KiB).
fn body_end(rest: &str) -> usize {
    let limit = rest.len().min(16 * 1024);
    let b64 = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=');
    let (mut pos, mut end) = (0, 0);
    for line in rest.split_inclusive('\n') {
        if pos + line.len() > limit {
            break;
        }
        let t = line.trim();
        let body = !t.is_empty() && (t.contains(':') || t.bytes().all(b64));
        // the rest of the BEGIN line, and blank lines before the body
        let gap = end == 0 && t.is_empty();
        if !(body || gap) {
            break;
        }
        if body {
            end = pos + line.trim_end().len();
        }
        pos += line.len();
    }
    end
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Secret,
    placeholder: "PRIVATE_KEY",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
