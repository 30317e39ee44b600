//! JSON output laid out exactly as Python's `json.dumps(obj, indent=2, ensure_ascii=True)`
//! (what `model-signing` signs), with keys in the order given. serde_json's pretty
//! printer differs (it does not escape non-ASCII, and orders map keys), so the few
//! dozen lines here are written by hand.

/// An ordered JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// A string.
    Str(String),
    /// A boolean.
    Bool(bool),
    /// A number, already rendered (e.g. `1048576.0`).
    Num(String),
    /// An array.
    Array(Vec<Json>),
    /// An object with keys in this order.
    Object(Vec<(String, Json)>),
}

/// `json.dumps(value, indent=2)`: two-space indentation, `": "` and `","`, non-ASCII
/// escaped as `\uXXXX`, no trailing newline.
pub fn dumps_indent2(value: &Json) -> String {
    let mut out = String::new();
    write(value, 0, &mut out);
    out
}

/// Compact `json.dumps(value, separators=(",", ":"))` with non-ASCII escaped.
pub fn dumps_compact(value: &Json) -> String {
    let mut out = String::new();
    write_compact(value, &mut out);
    out
}

fn escape_into(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7f => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn indent(level: usize, out: &mut String) {
    out.push('\n');
    for _ in 0..level {
        out.push_str("  ");
    }
}

fn write(value: &Json, level: usize, out: &mut String) {
    match value {
        Json::Str(s) => escape_into(s, out),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Num(n) => out.push_str(n),
        Json::Array(items) if items.is_empty() => out.push_str("[]"),
        Json::Object(items) if items.is_empty() => out.push_str("{}"),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                indent(level + 1, out);
                write(item, level + 1, out);
            }
            indent(level, out);
            out.push(']');
        }
        Json::Object(items) => {
            out.push('{');
            for (i, (k, v)) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                indent(level + 1, out);
                escape_into(k, out);
                out.push_str(": ");
                write(v, level + 1, out);
            }
            indent(level, out);
            out.push('}');
        }
    }
}

fn write_compact(value: &Json, out: &mut String) {
    match value {
        Json::Str(s) => escape_into(s, out),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Num(n) => out.push_str(n),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_compact(item, out);
            }
            out.push(']');
        }
        Json::Object(items) => {
            out.push('{');
            for (i, (k, v)) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                escape_into(k, out);
                out.push(':');
                write_compact(v, out);
            }
            out.push('}');
        }
    }
}

/// Shorthand for an object.
pub fn obj(items: Vec<(&str, Json)>) -> Json {
    Json::Object(items.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// Shorthand for a string.
pub fn s(v: impl Into<String>) -> Json {
    Json::Str(v.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_python_layout() {
        let v = obj(vec![
            ("a", s("donn\u{e9}es \u{1F600}")),
            ("b", Json::Array(vec![])),
            (
                "c",
                Json::Array(vec![obj(vec![("x", Json::Num("1.0".into()))])]),
            ),
            ("d", Json::Bool(false)),
        ]);
        // python3 -c 'import json; print(json.dumps({"a": "données 😀", "b": [], "c": [{"x": 1.0}], "d": False}, indent=2))'
        let expected = "{\n  \"a\": \"donn\\u00e9es \\ud83d\\ude00\",\n  \"b\": [],\n  \"c\": [\n    {\n      \"x\": 1.0\n    }\n  ],\n  \"d\": false\n}";
        assert_eq!(dumps_indent2(&v), expected);
        assert_eq!(
            dumps_compact(&obj(vec![("k", s("v\"/"))])),
            "{\"k\":\"v\\\"/\"}"
        );
    }
}
