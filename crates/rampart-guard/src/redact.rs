//! Redaction with typed placeholders, reversible within one request.

use std::collections::HashMap;

use crate::policy::{Action, Policy};
use crate::types::Finding;

const PREFIX: &str = "[REDACTED:";

/// The placeholders issued during one request and the values they stand for.
///
/// Keep one `Redactions` per request (never share it across users): redact the
/// prompt with it, send the redacted prompt to the model, then [`Redactions::restore`]
/// the response so that the user sees their own values again. The same value always
/// gets the same placeholder within a request, so the model can refer to it.
#[derive(Debug, Default, Clone)]
pub struct Redactions {
    by_value: HashMap<String, String>,
    by_placeholder: HashMap<String, String>,
    counters: HashMap<&'static str, usize>,
}

impl Redactions {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of distinct values redacted.
    pub fn len(&self) -> usize {
        self.by_value.len()
    }

    /// Whether nothing was redacted.
    pub fn is_empty(&self) -> bool {
        self.by_value.is_empty()
    }

    /// The placeholder for `value`, issuing `[REDACTED:LABEL_n]` the first time.
    pub fn placeholder(&mut self, label: &'static str, value: &str) -> String {
        if let Some(p) = self.by_value.get(value) {
            return p.clone();
        }
        let n = self.counters.entry(label).or_insert(0);
        *n += 1;
        let p = format!("{PREFIX}{label}_{n}]");
        self.by_value.insert(value.to_owned(), p.clone());
        self.by_placeholder.insert(p.clone(), value.to_owned());
        p
    }

    /// The original value of a placeholder issued by this map.
    pub fn original(&self, placeholder: &str) -> Option<&str> {
        self.by_placeholder.get(placeholder).map(String::as_str)
    }

    /// Replaces every placeholder this map issued with its original value. Unknown
    /// placeholders (made up by the model, or from another request) stay as they are.
    pub fn restore(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(i) = rest.find(PREFIX) {
            let (head, tail) = rest.split_at(i);
            out.push_str(head);
            match tail.find(']').and_then(|j| tail.get(..=j)) {
                Some(p) if self.by_placeholder.contains_key(p) => {
                    out.push_str(self.original(p).unwrap_or(p));
                    rest = tail.get(p.len()..).unwrap_or("");
                }
                _ => {
                    out.push_str(PREFIX);
                    rest = tail.get(PREFIX.len()..).unwrap_or("");
                }
            }
        }
        out.push_str(rest);
        out
    }
}

/// Replaces the spans of the findings that `policy` redacts (score at least
/// `min_score`, action [`Action::Redact`]) with placeholders from `map`. Overlapping
/// spans are merged; the first finding names the placeholder.
pub fn redact(text: &str, findings: &[Finding], policy: &Policy, map: &mut Redactions) -> String {
    let mut spans: Vec<(usize, usize, &'static str)> = findings
        .iter()
        .filter(|f| policy.counts(f) && policy.action_for(f) == Action::Redact)
        .map(|f| {
            (
                f.span.0,
                f.span.1,
                f.detector().map_or("DATA", |d| d.placeholder),
            )
        })
        .collect();
    redact_spans(text, &mut spans, map)
}

/// Redacts every finding regardless of policy.
pub fn redact_all(text: &str, findings: &[Finding], map: &mut Redactions) -> String {
    let mut spans: Vec<(usize, usize, &'static str)> = findings
        .iter()
        .map(|f| {
            (
                f.span.0,
                f.span.1,
                f.detector().map_or("DATA", |d| d.placeholder),
            )
        })
        .collect();
    redact_spans(text, &mut spans, map)
}

fn redact_spans(
    text: &str,
    spans: &mut Vec<(usize, usize, &'static str)>,
    map: &mut Redactions,
) -> String {
    if spans.is_empty() {
        return text.to_owned();
    }
    spans.sort_by_key(|s| (s.0, std::cmp::Reverse(s.1)));
    let mut merged: Vec<(usize, usize, &'static str)> = Vec::new();
    for &(s, e, l) in spans.iter() {
        match merged.last_mut() {
            Some(last) if s < last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e, l)),
        }
    }
    // char index -> byte index
    let offsets: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect();
    let byte = |c: usize| offsets.get(c).copied().unwrap_or(text.len());
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for (s, e, label) in merged {
        let (bs, be) = (byte(s), byte(e));
        if bs < pos || be < bs {
            continue;
        }
        out.push_str(text.get(pos..bs).unwrap_or(""));
        let value = text.get(bs..be).unwrap_or("");
        out.push_str(&map.placeholder(label, value));
        pos = be;
    }
    out.push_str(text.get(pos..).unwrap_or(""));
    out
}
