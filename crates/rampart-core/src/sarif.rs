//! SARIF 2.1.0 output: converts a finished [`Report`] and the rule registry into a log
//! that GitHub code scanning and other SARIF consumers load.
//!
//! Binary artefacts have no lines, so every result carries `startLine: 1` (which GitHub
//! requires to place a result) plus, where known, the byte offset and the archive member
//! as a logical location.

use serde_json::{json, Map, Value};

use crate::{Report, RuleMeta, Severity};

/// The `$schema` written into every log.
pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// SARIF `level` for a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` score (0.0–10.0) for a severity.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

/// Percent-encodes a relative path into a URI reference (forward slashes kept).
fn path_to_uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.replace('\\', "/").bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(char::from(byte));
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Builds the SARIF log for `report`. `rules` is the registry the findings come from;
/// every rule is listed in `tool.driver.rules` so that consumers can show its help.
pub fn to_sarif(report: &Report, rules: &[&RuleMeta]) -> Value {
    let rule_index = |code: &str| rules.iter().position(|r| r.code == code);
    let driver_rules: Vec<Value> = rules
        .iter()
        .map(|rule| {
            let tags: Vec<&str> = std::iter::once("security")
                .chain(rule.guidelines.iter().map(|g| g.id()))
                .collect();
            json!({
                "id": rule.code,
                "name": rule.name,
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": rule.summary},
                "help": {"text": rule.doc, "markdown": rule.doc},
                "defaultConfiguration": {"level": level(rule.severity)},
                "properties": {
                    "tags": tags,
                    "security-severity": security_severity(rule.severity),
                    "severity": rule.severity.as_str(),
                },
            })
        })
        .collect();

    let mut results = Vec::new();
    for file in &report.files {
        for finding in &file.findings {
            let mut region = Map::new();
            region.insert("startLine".into(), json!(1));
            if let Some(offset) = finding.location.offset {
                if finding.location.member.is_none() {
                    region.insert("byteOffset".into(), json!(offset));
                }
            }
            let mut location = json!({
                "physicalLocation": {
                    "artifactLocation": {"uri": path_to_uri(&file.path)},
                    "region": Value::Object(region),
                }
            });
            let mut logical = Vec::new();
            if let Some(member) = &finding.location.member {
                logical.push(json!({"fullyQualifiedName": member, "kind": "member"}));
            }
            if let Some(item) = &finding.location.item {
                logical.push(json!({"name": item, "kind": "element"}));
            }
            if !logical.is_empty() {
                location["logicalLocations"] = Value::Array(logical);
            }
            let mut result = json!({
                "ruleId": finding.rule,
                "level": level(finding.severity),
                "message": {"text": finding.message},
                "locations": [location],
                "properties": {
                    "severity": finding.severity.as_str(),
                    "guidelines": finding.guidelines,
                    "format": file.format,
                },
            });
            if let Some(offset) = finding.location.offset {
                result["properties"]["byteOffset"] = json!(offset);
            }
            if let Some(index) = rule_index(finding.rule) {
                result["ruleIndex"] = json!(index);
            }
            results.push(result);
        }
    }

    json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": report.tool.name,
                    "version": report.tool.version,
                    "semanticVersion": report.tool.version,
                    "rules": driver_rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(path_to_uri("models/a b.pt"), "models/a%20b.pt");
        assert_eq!(path_to_uri("dir\\x#.bin"), "dir/x%23.bin");
    }
}
