//! The `rampart.toml` key reference (`docs/rampart-toml-reference.md`), rendered from
//! the JSON schema that the [`crate::system::SystemDescription`] types generate, so
//! the reference lists every key the parser accepts and cannot drift from it. A test
//! fails when the committed file is stale (regenerate with `UPDATE_SCHEMAS=1 cargo
//! test -p rampart-core`).

use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::system::SystemDescription;

/// The reference as Markdown.
#[must_use]
pub fn rampart_toml_reference() -> String {
    let schema = SystemDescription::json_schema();
    let mut out = String::from(
        "# `rampart.toml` key reference\n\n\
         Generated from the parser's own types by `cargo test -p rampart-core` \
         (`UPDATE_SCHEMAS=1` rewrites it); do not edit by hand. What the tables are for, \
         with examples: [rampart-toml.md](rampart-toml.md). The same keys as a JSON \
         schema: [schemas/rampart-toml.schema.json](schemas/rampart-toml.schema.json). \
         Unknown keys are refused.\n",
    );
    let r = Renderer { schema: &schema };
    r.table(&mut out, "", &schema, 0);
    out
}

struct Renderer<'a> {
    schema: &'a Value,
}

impl Renderer<'_> {
    /// Follows a local `$ref` (`#/$defs/Name`).
    fn resolve<'v>(&'v self, v: &'v Value) -> &'v Value {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => r
                .strip_prefix("#/$defs/")
                .and_then(|name| self.schema.get("$defs")?.get(name))
                .unwrap_or(v),
            None => v,
        }
    }

    /// The non-null alternative of an optional value (`anyOf: [X, null]`).
    fn unwrap_optional<'v>(&'v self, v: &'v Value) -> &'v Value {
        match v.get("anyOf").and_then(Value::as_array) {
            Some(alts) => alts
                .iter()
                .find(|a| a.get("type").and_then(Value::as_str) != Some("null"))
                .map_or(v, |a| self.resolve(a)),
            None => self.resolve(v),
        }
    }

    /// The struct a property opens as a sub-table, and whether it is an array of them.
    fn sub_table<'v>(&'v self, prop: &'v Value) -> Option<(&'v Value, bool)> {
        let inner = self.unwrap_optional(prop);
        if inner.get("properties").is_some() {
            return Some((inner, false));
        }
        if inner.get("type").and_then(Value::as_str) == Some("array") {
            let item = self.resolve(inner.get("items")?);
            if item.get("properties").is_some() {
                return Some((item, true));
            }
        }
        None
    }

    fn table(&self, out: &mut String, path: &str, table: &Value, depth: usize) {
        let Some(props) = table.get("properties").and_then(Value::as_object) else {
            return;
        };
        let required: Vec<&str> = table
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let leaves: Vec<(&String, &Value)> = props
            .iter()
            .filter(|(_, p)| self.sub_table(p).is_none())
            .collect();
        if !leaves.is_empty() {
            out.push_str("\n| key | type | | description |\n|---|---|---|---|\n");
            for (name, prop) in leaves {
                let need = if required.contains(&name.as_str()) {
                    "required".to_string()
                } else {
                    match prop.get("default") {
                        Some(d) if !d.is_null() => format!("default `{d}`"),
                        _ => "optional".to_string(),
                    }
                };
                let _ = writeln!(
                    out,
                    "| `{name}` | {} | {need} | {} |",
                    self.type_name(prop),
                    cell(&description(prop))
                );
            }
        }
        for (name, prop) in props {
            let Some((sub, many)) = self.sub_table(prop) else {
                continue;
            };
            let full = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            };
            let header = if many {
                format!("[[{full}]]")
            } else {
                format!("[{full}]")
            };
            let level = "#".repeat((depth + 2).min(6));
            let _ = writeln!(out, "\n{level} `{header}`\n");
            let text = description(prop);
            let own = description(sub);
            if !text.is_empty() {
                let _ = writeln!(out, "{text}");
            }
            if !own.is_empty() && own != text {
                let _ = writeln!(out, "\n{own}");
            }
            self.table(out, &full, sub, depth + 1);
        }
    }

    fn type_name(&self, prop: &Value) -> String {
        let inner = self.unwrap_optional(prop);
        if let Some(alts) = inner.get("oneOf").and_then(Value::as_array) {
            let consts: Vec<String> = alts
                .iter()
                .filter_map(|a| a.get("const").or_else(|| a.get("enum")?.get(0)))
                .map(|c| format!("`{}`", c.as_str().unwrap_or_default()))
                .collect();
            if !consts.is_empty() {
                return format!("one of {}", consts.join(", "));
            }
        }
        if let Some(values) = inner.get("enum").and_then(Value::as_array) {
            let names: Vec<String> = values
                .iter()
                .filter_map(Value::as_str)
                .map(|c| format!("`{c}`"))
                .collect();
            return format!("one of {}", names.join(", "));
        }
        let ty = match inner.get("type") {
            Some(Value::String(t)) => t.clone(),
            Some(Value::Array(ts)) => ts
                .iter()
                .filter_map(Value::as_str)
                .find(|t| *t != "null")
                .unwrap_or("value")
                .to_string(),
            _ => "value".to_string(),
        };
        match ty.as_str() {
            "array" => match inner.get("items") {
                Some(item) => format!("list of {}", self.type_name(item)),
                None => "list".to_string(),
            },
            "object" => match inner.get("additionalProperties") {
                Some(v @ Value::Object(_)) => format!("table of {}", self.type_name(v)),
                _ => "table".to_string(),
            },
            "integer" => {
                let unsigned = inner
                    .get("format")
                    .and_then(Value::as_str)
                    .is_some_and(|f| f.starts_with("uint"));
                if unsigned {
                    "integer ≥ 0".to_string()
                } else {
                    "integer".to_string()
                }
            }
            "number" => "number".to_string(),
            "boolean" => "boolean".to_string(),
            "string" => "string".to_string(),
            other => other.to_string(),
        }
    }
}

fn description(v: &Value) -> String {
    v.get("description")
        .and_then(Value::as_str)
        .map(|d| d.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// Text safe inside a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// Every dotted key path the reference documents (for tests).
#[must_use]
pub fn documented_keys() -> Vec<String> {
    let schema = SystemDescription::json_schema();
    let r = Renderer { schema: &schema };
    let mut keys = Vec::new();
    collect(&r, "", &schema, &mut keys);
    keys
}

fn collect(r: &Renderer<'_>, path: &str, table: &Value, keys: &mut Vec<String>) {
    let empty = Map::new();
    let props = table
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    for (name, prop) in props {
        let full = if path.is_empty() {
            name.clone()
        } else {
            format!("{path}.{name}")
        };
        match r.sub_table(prop) {
            Some((sub, _)) => collect(r, &full, sub, keys),
            None => keys.push(full),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The committed reference is what the types generate.
    #[test]
    fn committed_reference_is_current() {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rampart-toml-reference.md");
        let checked = crate::generated::check(
            &path,
            &rampart_toml_reference(),
            "UPDATE_SCHEMAS",
            "UPDATE_SCHEMAS=1 cargo test -p rampart-core",
        );
        assert_eq!(checked, Ok(()));
    }

    /// Every key the parser knows appears in the reference, including the gateway keys
    /// the hand-written page once left out.
    #[test]
    fn every_key_is_in_the_reference() {
        let text = rampart_toml_reference();
        let keys = documented_keys();
        for must in [
            "gateway.allow_anonymous",
            "gateway.allow_plain_http",
            "gateway.default_rpm",
            "gateway.fail_open",
            "gateway.keys",
            "gateway.max_body_bytes",
            "gateway.stream_holdback",
            "gateway.upstream_timeout_secs",
            "gateway.upstreams.external",
            "guard.actions",
        ] {
            assert!(keys.iter().any(|k| k == must), "{must} not collected");
        }
        for key in &keys {
            let leaf = key.rsplit('.').next().unwrap_or(key);
            assert!(
                text.contains(&format!("| `{leaf}` |")),
                "{key} is not documented"
            );
        }
    }
}
