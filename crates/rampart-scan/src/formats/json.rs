//! JSON documents that carry code paths: Hugging Face `tokenizer_config.json` (chat
//! templates) and standalone Keras model configs.

use serde_json::Value;

use crate::blob::Blob;
use crate::context::Ctx;
use crate::format::Format;
use crate::formats::{keras, template::TemplateIr};
use crate::rules::{self, scn002_resource_limit as scn002};

/// Chat templates in a tokenizer config: a string, or a list of `{name, template}`.
pub fn chat_templates(doc: &Value) -> Option<Vec<(String, String)>> {
    match doc.get("chat_template")? {
        Value::String(s) => Some(vec![("chat_template".to_string(), s.clone())]),
        Value::Array(list) => Some(
            list.iter()
                .filter_map(|t| {
                    let name = t.get("name").and_then(Value::as_str).unwrap_or("default");
                    let text = t.get("template").and_then(Value::as_str)?;
                    Some((format!("chat_template.{name}"), text.to_string()))
                })
                .collect(),
        ),
        _ => None,
    }
}

/// Scans a blob that starts like a JSON object. Returns `None` when it is not one of
/// the JSON documents judged here.
pub fn scan(head: &[u8], blob: &dyn Blob, ctx: &mut Ctx<'_>) -> Option<Format> {
    let first = head
        .iter()
        .copied()
        .find(|b| !b.is_ascii_whitespace() && *b != 0xef && *b != 0xbb && *b != 0xbf)?;
    if first != b'{' {
        return None;
    }
    if blob.len() > ctx.limits.document_bytes {
        ctx.report(
            &scn002::RULE,
            format!(
                "JSON document of {} bytes exceeds the {}-byte cap; not judged",
                blob.len(),
                ctx.limits.document_bytes
            ),
            None,
            None,
        );
        ctx.mark_incomplete();
        return Some(Format::Unknown);
    }
    let data = blob.read_vec(0, usize::try_from(blob.len()).ok()?).ok()?;
    let text = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&data);
    let doc: Value = serde_json::from_slice(text).ok()?;
    if let Some(templates) = chat_templates(&doc) {
        rules::run_template(&TemplateIr::from_templates(templates), ctx);
        return Some(Format::HfTokenizerConfig);
    }
    if keras::looks_like_config(&doc) {
        keras::scan_config(&doc, ctx);
        return Some(Format::KerasConfig);
    }
    None
}
