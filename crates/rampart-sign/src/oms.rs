//! OpenSSF Model Signing v1.0: the in-toto statement over a manifest, its DSSE
//! envelope, and the Sigstore bundle v0.3 file (`model.sig`). Byte-compatible with
//! the `model-signing` Python package in both directions (see `docs/oms-format.md`).

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::hashing::HashAlgorithm;
use crate::keys::VerifyingKey;
use crate::manifest::{root_digest, Manifest, Method, Resource};
use crate::pyjson::{dumps_compact, dumps_indent2, obj, s, Json};

/// in-toto statement type.
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
/// OMS predicate type.
pub const PREDICATE_TYPE: &str = "https://model_signing/signature/v1.0";
/// DSSE payload type.
pub const PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";
/// Sigstore bundle media type.
pub const BUNDLE_MEDIA_TYPE: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";

/// The statement bytes `model-signing` would sign for `manifest`: Python's
/// `json.dumps(indent=2)` layout with a fixed key order.
pub fn statement_bytes(manifest: &Manifest) -> Vec<u8> {
    let mut serialization = vec![
        (
            "method",
            s(match manifest.method {
                Method::Files => "files",
                Method::Shards(_) => "shards",
            }),
        ),
        ("hash_type", s(manifest.algorithm.name())),
    ];
    if let Method::Shards(size) = manifest.method {
        serialization.push(("shard_size", Json::Num(format!("{size}.0"))));
    }
    serialization.push(("allow_symlinks", Json::Bool(manifest.allow_symlinks)));
    if !manifest.ignore_paths.is_empty() {
        serialization.push((
            "ignore_paths",
            Json::Array(manifest.ignore_paths.iter().map(|p| s(p.clone())).collect()),
        ));
    }
    let resources = manifest
        .resources
        .iter()
        .map(|r| {
            obj(vec![
                ("name", s(r.name.clone())),
                ("algorithm", s(r.algorithm.clone())),
                ("digest", s(hex::encode(&r.digest))),
            ])
        })
        .collect();
    let statement = obj(vec![
        ("_type", s(STATEMENT_TYPE)),
        (
            "subject",
            Json::Array(vec![obj(vec![
                ("name", s(manifest.model_name.clone())),
                (
                    "digest",
                    obj(vec![("sha256", s(hex::encode(manifest.root_digest())))]),
                ),
            ])]),
        ),
        ("predicateType", s(PREDICATE_TYPE)),
        (
            "predicate",
            obj(vec![
                ("serialization", obj(serialization)),
                ("resources", Json::Array(resources)),
            ]),
        ),
    ]);
    dumps_indent2(&statement).into_bytes()
}

/// DSSE pre-authentication encoding of an in-toto payload.
pub fn pae(payload: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {} {} ",
        PAYLOAD_TYPE.len(),
        PAYLOAD_TYPE,
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(payload);
    out
}

/// The key hint upstream writes: lowercase hex SHA-256 of the SubjectPublicKeyInfo
/// PEM text (64-column lines, `\n` line ends).
pub fn key_hint(key: &VerifyingKey) -> Result<String> {
    Ok(hex::encode(
        HashAlgorithm::Sha256.digest(key.to_pem()?.as_bytes()),
    ))
}

/// How the signer is identified in the bundle.
pub enum Material<'a> {
    /// A public key, by hint.
    PublicKey(&'a VerifyingKey),
    /// A certificate chain: DER leaf first, then the rest as given.
    Certificates(&'a [Vec<u8>]),
}

/// Builds the `model.sig` bundle JSON.
pub fn bundle_json(
    payload: &[u8],
    signature_der: &[u8],
    material: &Material<'_>,
) -> Result<String> {
    let verification = match material {
        Material::PublicKey(key) => obj(vec![
            ("publicKey", obj(vec![("hint", s(key_hint(key)?))])),
            ("tlogEntries", Json::Array(vec![])),
        ]),
        Material::Certificates(certs) => obj(vec![
            (
                "x509CertificateChain",
                obj(vec![(
                    "certificates",
                    Json::Array(
                        certs
                            .iter()
                            .map(|c| obj(vec![("rawBytes", s(B64.encode(c)))]))
                            .collect(),
                    ),
                )]),
            ),
            ("tlogEntries", Json::Array(vec![])),
        ]),
    };
    let bundle = obj(vec![
        ("mediaType", s(BUNDLE_MEDIA_TYPE)),
        ("verificationMaterial", verification),
        (
            "dsseEnvelope",
            obj(vec![
                ("payload", s(B64.encode(payload))),
                ("payloadType", s(PAYLOAD_TYPE)),
                (
                    "signatures",
                    Json::Array(vec![obj(vec![
                        ("sig", s(B64.encode(signature_der))),
                        ("keyid", s("")),
                    ])]),
                ),
            ]),
        ),
    ]);
    Ok(dumps_compact(&bundle))
}

/// A bundle read from disk, before its signature is checked.
#[derive(Debug, Clone)]
pub struct Bundle {
    /// The exact payload bytes.
    pub payload: Vec<u8>,
    /// The envelope's payload type.
    pub payload_type: String,
    /// The first signature (DER).
    pub signature: Vec<u8>,
    /// The key hint, when the bundle names a public key.
    pub hint: Option<String>,
    /// DER certificates, leaf first, when the bundle carries a chain.
    pub certificates: Vec<Vec<u8>>,
}

fn field<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, k| v.get(*k))
}

fn b64(v: Option<&Value>, what: &str) -> Result<Vec<u8>> {
    let text = v
        .and_then(Value::as_str)
        .ok_or_else(|| Error::Format(format!("{what} is missing")))?;
    B64.decode(text.trim())
        .map_err(|e| Error::Format(format!("{what} is not base64: {e}")))
}

/// Parses a Sigstore bundle v0.3 (key or certificate material, DSSE envelope).
pub fn parse_bundle(text: &str) -> Result<Bundle> {
    let v: Value =
        serde_json::from_str(text).map_err(|e| Error::Format(format!("not JSON: {e}")))?;
    let media = v
        .get("mediaType")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if media != BUNDLE_MEDIA_TYPE && media != "application/vnd.dev.sigstore.bundle+json;version=0.3"
    {
        return Err(Error::Format(format!(
            "media type {media:?} is not a Sigstore bundle v0.3 ({BUNDLE_MEDIA_TYPE})"
        )));
    }
    let env = v
        .get("dsseEnvelope")
        .ok_or_else(|| Error::Format("no dsseEnvelope: not an OMS signature".into()))?;
    let payload = b64(env.get("payload"), "dsseEnvelope.payload")?;
    let payload_type = env
        .get("payloadType")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let sig = env
        .get("signatures")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .ok_or_else(|| Error::Format("dsseEnvelope has no signature".into()))?;
    let signature = b64(sig.get("sig"), "dsseEnvelope.signatures[0].sig")?;
    let material = v
        .get("verificationMaterial")
        .ok_or_else(|| Error::Format("no verificationMaterial".into()))?;
    let hint = field(material, &["publicKey", "hint"])
        .and_then(Value::as_str)
        .map(str::to_string);
    let mut certificates = Vec::new();
    if let Some(list) =
        field(material, &["x509CertificateChain", "certificates"]).and_then(Value::as_array)
    {
        for (i, c) in list.iter().enumerate() {
            certificates.push(b64(c.get("rawBytes"), &format!("certificate {i}"))?);
        }
    } else if let Some(c) = material.get("certificate") {
        certificates.push(b64(c.get("rawBytes"), "certificate")?);
    }
    Ok(Bundle {
        payload,
        payload_type,
        signature,
        hint,
        certificates,
    })
}

/// A statement's manifest, parsed leniently (any key order, `shard_size` integer or
/// float) after its signature was verified.
pub fn parse_statement(payload: &[u8]) -> Result<Manifest> {
    let v: Value = serde_json::from_slice(payload)
        .map_err(|e| Error::Format(format!("payload is not JSON: {e}")))?;
    let want = |key: &str, expected: &str| -> Result<()> {
        let got = v.get(key).and_then(Value::as_str).unwrap_or_default();
        if got == expected {
            Ok(())
        } else {
            Err(Error::Format(format!(
                "payload {key} is {got:?}, expected {expected:?}"
            )))
        }
    };
    want("_type", STATEMENT_TYPE)?;
    want("predicateType", PREDICATE_TYPE)?;
    let subjects = v
        .get("subject")
        .and_then(Value::as_array)
        .ok_or_else(|| Error::Format("payload has no subject".into()))?;
    let [subject] = subjects.as_slice() else {
        return Err(Error::Format(format!(
            "payload has {} subjects, expected one",
            subjects.len()
        )));
    };
    let name = subject
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let root = field(subject, &["digest", "sha256"])
        .and_then(Value::as_str)
        .and_then(|h| hex::decode(h).ok())
        .ok_or_else(|| Error::Format("subject has no sha256 digest".into()))?;
    let ser = field(&v, &["predicate", "serialization"])
        .ok_or_else(|| Error::Format("predicate has no serialization".into()))?;
    let hash_type = ser
        .get("hash_type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let algorithm = HashAlgorithm::parse(hash_type)
        .ok_or_else(|| Error::Format(format!("unsupported hash_type {hash_type:?}")))?;
    let method = match ser.get("method").and_then(Value::as_str) {
        Some("files") => Method::Files,
        Some("shards") => {
            let size = ser
                .get("shard_size")
                .and_then(|n| {
                    n.as_u64().or_else(|| {
                        n.as_f64()
                            .filter(|f| f.fract() == 0.0 && *f >= 1.0 && *f < 1.8e19)
                            .map(|f| f as u64)
                    })
                })
                .ok_or_else(|| {
                    Error::Format("shards serialization without a valid shard_size".into())
                })?;
            Method::Shards(size)
        }
        other => {
            return Err(Error::Format(format!(
                "unsupported serialization method {other:?}"
            )))
        }
    };
    let allow_symlinks = ser
        .get("allow_symlinks")
        .and_then(Value::as_bool)
        .ok_or_else(|| Error::Format("serialization has no allow_symlinks".into()))?;
    let mut ignore_paths: Vec<String> = ser
        .get("ignore_paths")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    ignore_paths.sort();
    ignore_paths.dedup();
    let list = field(&v, &["predicate", "resources"])
        .and_then(Value::as_array)
        .ok_or_else(|| Error::Format("predicate has no resources".into()))?;
    let mut resources = Vec::with_capacity(list.len());
    for (i, r) in list.iter().enumerate() {
        let get = |k: &str| {
            r.get(k)
                .and_then(Value::as_str)
                .ok_or_else(|| Error::Format(format!("resource {i} has no {k}")))
        };
        resources.push(Resource {
            name: get("name")?.to_string(),
            algorithm: get("algorithm")?.to_string(),
            digest: hex::decode(get("digest")?)
                .ok()
                .ok_or_else(|| Error::Format(format!("resource {i} digest is not hex")))?,
        });
    }
    let recomputed = root_digest(&resources);
    if recomputed != root {
        return Err(Error::Format(format!(
            "manifest is inconsistent: root digest is {}, but the listed resources hash to {}",
            hex::encode(&root),
            hex::encode(&recomputed)
        )));
    }
    Ok(Manifest {
        model_name: name,
        algorithm,
        method,
        allow_symlinks,
        ignore_paths,
        resources,
    })
}
