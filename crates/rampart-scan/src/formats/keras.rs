//! Keras model configs (`config.json` in `.keras` archives, the `model_config`
//! attribute of legacy `.h5` files): every serialised object names a class, a module
//! to import it from, and for `Lambda` layers a function — base64 of marshalled Python
//! bytecode that Keras rebuilds and runs. The analysis walks the JSON, collects every
//! object reference and every Lambda, and extracts the names the bytecode uses without
//! executing or unmarshalling it.

use base64_decode::decode as b64decode;
use serde_json::Value;

use crate::blob::Blob;
use crate::context::Ctx;
use crate::rules::{self, scn001_malformed_file as scn001, scn002_resource_limit as scn002};

/// A `Lambda` layer.
#[derive(Debug, Clone)]
pub struct LambdaLayer {
    /// Layer name.
    pub layer: String,
    /// Names found in the function's bytecode (empty when it is not bytecode).
    pub names: Vec<String>,
    /// True when the function is given as bytecode (rather than a name).
    pub bytecode: bool,
}

/// A serialised object reference: `{"module": …, "class_name": …}`.
#[derive(Debug, Clone)]
pub struct ObjectRef {
    /// The module Keras imports.
    pub module: String,
    /// The class or function name.
    pub class_name: String,
    /// The `registered_name`, when present.
    pub registered_name: Option<String>,
    /// Where in the config (JSON path).
    pub path: String,
}

/// What a Keras config references.
#[derive(Debug, Default)]
pub struct KerasIr {
    /// Lambda layers.
    pub lambdas: Vec<LambdaLayer>,
    /// Every object reference with a module.
    pub objects: Vec<ObjectRef>,
    /// Registered names of custom objects (`package>Name`).
    pub registered: Vec<(String, String)>,
    /// Function references given by name (e.g. `"activation": "keras.utils.get_file"`).
    pub function_names: Vec<(String, String)>,
}

/// True for a JSON document shaped like a Keras model config.
pub fn looks_like_config(doc: &Value) -> bool {
    doc.get("class_name").is_some_and(Value::is_string) && doc.get("config").is_some()
}

/// Module prefixes that belong to Keras itself.
const KERAS_MODULES: &[&str] = &[
    "keras",
    "tf_keras",
    "tensorflow",
    "keras_hub",
    "keras_nlp",
    "keras_cv",
];

/// True when `module` is Keras's own.
pub fn is_keras_module(module: &str) -> bool {
    KERAS_MODULES
        .iter()
        .any(|p| module == *p || module.starts_with(&format!("{p}.")))
}

/// Keras-internal functions that turn a config into a file download, an arbitrary
/// file read/write, or disable safe mode.
pub const GADGETS: &[&str] = &[
    "get_file",
    "enable_unsafe_deserialization",
    "load_model",
    "load_weights",
    "save_model",
    "load_img",
    "save_img",
    "set_random_seed",
    "import_module",
];

/// True when a function/class name is a Keras gadget.
pub fn is_gadget(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or(name);
    GADGETS.contains(&last)
}

const MAX_NAMES: usize = 4096;

/// Extracts identifier-like strings from marshalled bytecode by walking its string
/// records (types `z`, `Z`, `a`, `A`, `u`, `t`, `s`, with or without the reference
/// flag). This is version-independent and never builds a code object.
pub fn marshal_names(data: &[u8]) -> Vec<String> {
    let mut names = Vec::new();
    let mut i = 0usize;
    while i < data.len() && names.len() < MAX_NAMES {
        let ty = data.get(i).copied().unwrap_or(0) & 0x7f;
        let (len, header) = match ty {
            b'z' | b'Z' => (data.get(i + 1).map(|&b| usize::from(b)), 2),
            b'a' | b'A' | b'u' | b't' | b's' => (
                data.get(i + 1..i + 5)
                    .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize),
                5,
            ),
            _ => (None, 1),
        };
        if let Some(len) = len {
            if let Some(bytes) = data.get(i + header..i + header + len) {
                if let Ok(s) = std::str::from_utf8(bytes) {
                    if !s.is_empty()
                        && s.len() <= 256
                        && s.chars()
                            .next()
                            .is_some_and(|c| c.is_alphabetic() || c == '_')
                        && s.chars()
                            .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
                    {
                        names.push(s.to_string());
                        i += header + len;
                        continue;
                    }
                }
            }
        }
        i += 1;
    }
    names.sort();
    names.dedup();
    names
}

fn lambda_code(config: &Value) -> Option<String> {
    let function = config.get("function")?;
    match function {
        // Keras 3: {"class_name": "__lambda__", "config": {"code": "<base64>", …}}
        Value::Object(o) => o
            .get("config")
            .and_then(|c| c.get("code"))
            .and_then(Value::as_str)
            .map(str::to_string),
        // Keras 2: ["<base64>", defaults, closure] with function_type "lambda"
        Value::Array(items) => items.first().and_then(Value::as_str).map(str::to_string),
        Value::String(s)
            if config.get("function_type").and_then(Value::as_str) == Some("lambda") =>
        {
            Some(s.clone())
        }
        _ => None,
    }
}

fn walk(value: &Value, path: &str, ir: &mut KerasIr, budget: &mut usize) {
    if *budget == 0 {
        return;
    }
    *budget -= 1;
    match value {
        Value::Object(map) => {
            let class_name = map.get("class_name").and_then(Value::as_str);
            if let Some(class_name) = class_name {
                if let Some(module) = map.get("module").and_then(Value::as_str) {
                    // Keras 3 serialises functions as
                    // {"class_name": "function", "config": "<name>", "module": "<module>"}.
                    let target = match (class_name, map.get("config")) {
                        ("function" | "__function__", Some(Value::String(f))) => f.as_str(),
                        _ => class_name,
                    };
                    ir.objects.push(ObjectRef {
                        module: module.to_string(),
                        class_name: target.to_string(),
                        registered_name: map
                            .get("registered_name")
                            .and_then(Value::as_str)
                            .map(str::to_string),
                        path: path.to_string(),
                    });
                }
                if let Some(reg) = map.get("registered_name").and_then(Value::as_str) {
                    if let Some((package, _)) = reg.split_once('>') {
                        if !is_keras_module(package) {
                            ir.registered.push((reg.to_string(), path.to_string()));
                        }
                    }
                }
                if class_name == "Lambda" {
                    let config = map.get("config").cloned().unwrap_or(Value::Null);
                    let layer = config
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or(path)
                        .to_string();
                    let code = lambda_code(&config);
                    let names = code
                        .as_deref()
                        .and_then(b64decode)
                        .map(|bytes| marshal_names(&bytes))
                        .unwrap_or_default();
                    ir.lambdas.push(LambdaLayer {
                        layer,
                        bytecode: code.is_some(),
                        names,
                    });
                }
            }
            for (k, v) in map {
                if let Value::String(s) = v {
                    if s.contains('.')
                        && is_gadget(s)
                        && (s.starts_with("keras") || s.starts_with("tf"))
                    {
                        ir.function_names.push((s.clone(), format!("{path}/{k}")));
                    }
                }
                walk(v, &format!("{path}/{k}"), ir, budget);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                walk(v, &format!("{path}/{i}"), ir, budget);
            }
        }
        _ => {}
    }
}

/// Analyses a parsed config.
pub fn analyze(doc: &Value) -> KerasIr {
    let mut ir = KerasIr::default();
    let mut budget = 1_000_000usize;
    walk(doc, "", &mut ir, &mut budget);
    ir
}

/// Analyses a config and runs the Keras rules.
pub fn scan_config(doc: &Value, ctx: &mut Ctx<'_>) {
    rules::run_keras(&analyze(doc), ctx);
}

/// Reads, parses and judges a `config.json` member.
pub fn scan_config_blob(blob: &dyn Blob, ctx: &mut Ctx<'_>) {
    if blob.len() > ctx.limits.document_bytes {
        ctx.report(
            &scn002::RULE,
            "Keras config exceeds the document size cap; not judged",
            None,
            None,
        );
        ctx.mark_incomplete();
        return;
    }
    let parsed = blob
        .read_vec(0, usize::try_from(blob.len()).unwrap_or(0))
        .map_err(|e| e.to_string())
        .and_then(|data| serde_json::from_slice::<Value>(&data).map_err(|e| e.to_string()));
    match parsed {
        Ok(doc) => scan_config(&doc, ctx),
        Err(e) => {
            ctx.report(
                &scn001::RULE,
                format!("Keras config is not valid JSON: {e}"),
                None,
                None,
            );
            ctx.mark_incomplete();
        }
    }
}

/// Judges a config given as text (the `model_config` attribute of `.h5` files).
pub fn scan_config_text(text: &str, ctx: &mut Ctx<'_>) {
    match serde_json::from_str::<Value>(text) {
        Ok(doc) => scan_config(&doc, ctx),
        Err(e) => {
            ctx.report(
                &scn001::RULE,
                format!("model_config is not valid JSON: {e}"),
                None,
                None,
            );
            ctx.mark_incomplete();
        }
    }
}

/// Standard base64 (with or without padding, newlines ignored), as Keras writes
/// bytecode. Hand-written: a dozen lines do not justify a dependency.
mod base64_decode {
    pub(super) fn decode(text: &str) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(text.len() / 4 * 3);
        let mut acc = 0u32;
        let mut bits = 0u32;
        for c in text.bytes() {
            let v = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' | b'-' => 62,
                b'/' | b'_' => 63,
                b'=' | b'\n' | b'\r' | b' ' => continue,
                _ => return None,
            };
            acc = (acc << 6) | u32::from(v);
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push(((acc >> bits) & 0xff) as u8);
            }
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_and_marshal_names() {
        assert_eq!(
            base64_decode::decode("aGVsbG8=").as_deref(),
            Some(&b"hello"[..])
        );
        assert_eq!(
            base64_decode::decode("aGVsbG8").as_deref(),
            Some(&b"hello"[..])
        );
        assert!(base64_decode::decode("***").is_none());
        // z-type short strings as CPython 3.11 writes them (with and without FLAG_REF)
        let data = b"\xe3\x00\xda\x02os\xda\x06system\x5a\x0a__import__\x00";
        assert_eq!(marshal_names(data), vec!["__import__", "os", "system"]);
    }

    #[test]
    fn finds_lambdas_modules_and_gadgets() {
        let doc: Value = serde_json::from_str(
            r#"{"class_name": "Sequential", "config": {"layers": [
                {"module": "keras.layers", "class_name": "Lambda", "config": {"name": "l", "function": {"class_name": "__lambda__", "config": {"code": "2gJvcw=="}}}},
                {"module": "os", "class_name": "system", "config": {}},
                {"module": "mypkg.layers", "class_name": "Custom", "registered_name": "MyPkg>Custom", "config": {}},
                {"module": "keras.utils", "class_name": "get_file", "config": {}}
            ]}}"#,
        )
        .unwrap();
        let ir = analyze(&doc);
        assert_eq!(ir.lambdas.len(), 1);
        assert_eq!(ir.lambdas[0].names, vec!["os"]);
        assert_eq!(ir.objects.len(), 4);
        assert_eq!(ir.registered.len(), 1);
    }
}
