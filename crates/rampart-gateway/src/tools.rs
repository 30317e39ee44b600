//! Action control: which tools the model may call on a key's behalf, and with what
//! arguments. A key names its tools (or `*` for every declared tool that is not
//! high-risk); high-risk tools need to be named explicitly (an opt-in, DP-5); a tool
//! with an `arguments_schema` in rampart.toml only passes calls whose arguments
//! satisfy it. Calls that break these rules are stripped from the response and logged.

use std::collections::HashMap;

use rampart_core::system::SystemDescription;
use serde_json::Value;

use crate::keys::KeyRecord;
use crate::rules;

struct ToolRule {
    high_risk: bool,
    schema: Option<jsonschema::Validator>,
}

/// The declared tools.
#[derive(Default)]
pub struct ToolPolicy {
    tools: HashMap<String, ToolRule>,
}

/// Why a call was refused: a rule code and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// `TOOL001` not allowed for the key, `TOOL002` high-risk without opt-in,
    /// `TOOL003` arguments violate the schema.
    pub rule: &'static str,
    /// What was refused.
    pub message: String,
}

impl ToolPolicy {
    /// Compiles the tools of a system description.
    pub fn from_system(system: &SystemDescription) -> Result<ToolPolicy, String> {
        let mut tools = HashMap::new();
        for t in &system.tools {
            let schema =
                match &t.arguments_schema {
                    Some(text) => {
                        let value: Value = serde_json::from_str(text).map_err(|e| {
                            format!("tool {}: arguments_schema is not JSON: {e}", t.name)
                        })?;
                        Some(jsonschema::validator_for(&value).map_err(|e| {
                            format!("tool {}: invalid arguments_schema: {e}", t.name)
                        })?)
                    }
                    None => None,
                };
            tools.insert(
                t.name.clone(),
                ToolRule {
                    high_risk: t.high_risk,
                    schema,
                },
            );
        }
        Ok(ToolPolicy { tools })
    }

    /// Judges one call by the model on behalf of `key`.
    pub fn judge(
        &self,
        key: Option<&KeyRecord>,
        name: &str,
        arguments: &str,
    ) -> Result<(), Refusal> {
        let granted = key.map_or(&[][..], |k| k.tools.as_slice());
        let named = granted.iter().any(|t| t == name);
        let wildcard = granted.iter().any(|t| t == "*");
        let rule = self.tools.get(name);
        match rule {
            Some(r) if r.high_risk && !named => {
                return Err(Refusal {
                    rule: rules::tool002_high_risk_tool_without_grant::RULE.code,
                    message: format!("high-risk tool {name:?} needs an explicit grant on the key"),
                })
            }
            Some(_) if named || wildcard => {}
            None if named => {}
            _ => {
                return Err(Refusal {
                    rule: rules::tool001_tool_not_granted::RULE.code,
                    message: format!("tool {name:?} is not allowed for this key"),
                });
            }
        }
        if let Some(schema) = rule.and_then(|r| r.schema.as_ref()) {
            let args: Value = serde_json::from_str(arguments).map_err(|_| Refusal {
                rule: rules::tool003_tool_arguments_invalid::RULE.code,
                message: format!("arguments of {name:?} are not JSON"),
            })?;
            let first = schema.iter_errors(&args).next().map(|e| e.to_string());
            if let Some(e) = first {
                return Err(Refusal {
                    rule: rules::tool003_tool_arguments_invalid::RULE.code,
                    message: format!("arguments of {name:?} violate its schema: {e}"),
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(tools: &[&str]) -> KeyRecord {
        KeyRecord {
            id: "k".into(),
            tenant: "t".into(),
            models: vec!["*".into()],
            rpm: 0,
            tools: tools.iter().map(|s| s.to_string()).collect(),
            routes: Vec::new(),
            tpm: 0,
            expires: 0,
            revoked: false,
        }
    }

    #[test]
    fn grants_high_risk_and_schemas() {
        let system = SystemDescription::parse(
            r#"schema_version = 1
[system]
name = "s"
[[tools]]
name = "lookup_order"
arguments_schema = '{"type": "object", "properties": {"order": {"type": "string", "pattern": "^[0-9]{5}$"}}, "required": ["order"], "additionalProperties": false}'
[[tools]]
name = "issue_refund"
high_risk = true
"#,
        )
        .unwrap();
        let p = ToolPolicy::from_system(&system).unwrap();
        assert!(p
            .judge(Some(&key(&["*"])), "lookup_order", r#"{"order": "55123"}"#)
            .is_ok());
        assert_eq!(
            p.judge(
                Some(&key(&["*"])),
                "lookup_order",
                r#"{"order": "55123; DROP"}"#
            )
            .unwrap_err()
            .rule,
            "TOOL003"
        );
        assert_eq!(
            p.judge(Some(&key(&["*"])), "issue_refund", "{}")
                .unwrap_err()
                .rule,
            "TOOL002"
        );
        assert!(p
            .judge(Some(&key(&["issue_refund"])), "issue_refund", "{}")
            .is_ok());
        assert_eq!(
            p.judge(Some(&key(&[])), "lookup_order", "{}")
                .unwrap_err()
                .rule,
            "TOOL001"
        );
        assert_eq!(
            p.judge(None, "lookup_order", "{}").unwrap_err().rule,
            "TOOL001"
        );
        assert_eq!(
            p.judge(Some(&key(&["*"])), "undeclared", "{}")
                .unwrap_err()
                .rule,
            "TOOL001"
        );
    }
}
