//! The assessment as a signed in-toto statement (DSSE envelope, the same PAE and ECDSA
//! keys as `rampart sign`): subject = the system's artefacts (rampart.toml, models,
//! datasets, prompts) with their SHA-256; predicate = the assessment and the SHA-256
//! of the exact JSON bytes written. [`verify`] checks the signature and that the
//! assessment file still has that digest, so any changed byte fails.

use std::path::Path;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use rampart_core::system::SystemDescription;
use rampart_sign::keys::{SigningKey, VerifyingKey};
use rampart_sign::oms::{key_hint, pae, PAYLOAD_TYPE, STATEMENT_TYPE};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The predicate type of an assessment statement.
pub const PREDICATE_TYPE: &str = "https://example.invalid/rampart/assessment/v1";

/// Largest envelope read by [`verify`].
pub const MAX_ENVELOPE_BYTES: usize = 64 << 20;

/// The in-toto statement of an assessment whose JSON is `assessment_json`.
pub fn statement(dir: &Path, system: &SystemDescription, assessment_json: &[u8]) -> Value {
    let mut paths: Vec<String> = vec!["rampart.toml".into()];
    paths.extend(system.models.iter().filter_map(|m| m.path.clone()));
    paths.extend(system.datasets.iter().filter_map(|d| d.path.clone()));
    paths.extend(system.prompts.iter().map(|p| p.path.clone()));
    paths.sort();
    paths.dedup();
    let subject: Vec<Value> = paths
        .iter()
        .filter_map(|p| {
            crate::checks::sha256_file(&dir.join(p))
                .map(|h| json!({"name": p, "digest": {"sha256": h}}))
        })
        .collect();
    let assessment: Value = serde_json::from_slice(assessment_json).unwrap_or(Value::Null);
    json!({
        "_type": STATEMENT_TYPE,
        "subject": subject,
        "predicateType": PREDICATE_TYPE,
        "predicate": {
            "assessment_sha256": hex::encode(Sha256::digest(assessment_json)),
            "assessment": assessment,
        },
    })
}

/// Signs a statement into a DSSE envelope (JSON).
///
/// # Errors
/// When the key's public half cannot be encoded.
pub fn sign(statement: &Value, key: &SigningKey) -> Result<Value, String> {
    let payload = serde_json::to_vec(statement).map_err(|e| e.to_string())?;
    let sig = key.sign_der(&pae(&payload));
    let keyid = key_hint(&key.verifying_key()).map_err(|e| e.to_string())?;
    Ok(json!({
        "payloadType": PAYLOAD_TYPE,
        "payload": B64.encode(&payload),
        "signatures": [{"keyid": keyid, "sig": B64.encode(sig)}],
    }))
}

/// Verifies an envelope against `key` and the assessment file's bytes; returns the
/// statement.
///
/// # Errors
/// What does not verify: the envelope's form, the signature, the predicate type, or
/// the assessment's digest.
pub fn verify(
    envelope: &[u8],
    assessment_json: &[u8],
    key: &VerifyingKey,
) -> Result<Value, String> {
    if envelope.len() > MAX_ENVELOPE_BYTES {
        return Err(format!("envelope larger than {MAX_ENVELOPE_BYTES} bytes"));
    }
    let env: Value =
        serde_json::from_slice(envelope).map_err(|e| format!("envelope is not JSON: {e}"))?;
    if env["payloadType"] != PAYLOAD_TYPE {
        return Err(format!("payloadType is not {PAYLOAD_TYPE}"));
    }
    let field = |v: &Value, what: &str| -> Result<Vec<u8>, String> {
        v.as_str()
            .and_then(|s| B64.decode(s).ok())
            .ok_or_else(|| format!("{what} is not base64"))
    };
    let payload = field(&env["payload"], "payload")?;
    let sigs = env["signatures"].as_array().ok_or("no signatures")?;
    let message = pae(&payload);
    let good = sigs
        .iter()
        .filter_map(|s| field(&s["sig"], "sig").ok())
        .any(|sig| key.verify(&message, &sig).is_ok());
    if !good {
        return Err("no signature verifies with this key".into());
    }
    let statement: Value =
        serde_json::from_slice(&payload).map_err(|e| format!("payload is not JSON: {e}"))?;
    if statement["_type"] != STATEMENT_TYPE || statement["predicateType"] != PREDICATE_TYPE {
        return Err("not a rampart assessment statement".into());
    }
    let digest = hex::encode(Sha256::digest(assessment_json));
    if statement["predicate"]["assessment_sha256"] != digest.as_str() {
        return Err(format!(
            "the assessment's SHA-256 {digest} is not the one signed"
        ));
    }
    Ok(statement)
}
