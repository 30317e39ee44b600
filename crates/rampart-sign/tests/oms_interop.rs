//! Interoperability with the reference `model-signing` package: every bundle it
//! produced (scripts/oms/gen_fixtures.py, see tests/fixtures/oms/MANIFEST.md) verifies
//! under rampart, and rampart's own bundles round-trip. Tampering of each kind is
//! rejected with a message naming what differs.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::fs;
use std::path::{Path, PathBuf};

use rampart_sign::error::Error;
use rampart_sign::keys::{SigningKey, VerifyingKey};
use rampart_sign::manifest::{HashingConfig, Method};
use rampart_sign::{
    read_certificate_files, sign_model, verify_model, SignOptions, Trust, VerifyOptions,
};

fn fx() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/oms")
}

fn public(name: &str) -> Trust {
    Trust::Key(VerifyingKey::from_file(&fx().join("keys").join(name)).unwrap())
}

fn private(name: &str) -> SigningKey {
    SigningKey::from_file(&fx().join("keys").join(name), None).unwrap()
}

fn verify(model: &str, sig: &str, trust: &Trust) -> Result<rampart_sign::Verified, Error> {
    verify_model(
        &fx().join(model),
        &fx().join(sig),
        trust,
        &VerifyOptions::default(),
    )
}

#[test]
fn every_reference_bundle_verifies() {
    let cases = [
        ("models/tiny", "sigs/tiny-p256.sig", "p256.pub.pem"),
        ("models/tiny", "sigs/tiny-p384.sig", "p384.pub.pem"),
        ("models/tiny", "sigs/tiny-p521.sig", "p521.pub.pem"),
        ("models/tiny", "sigs/tiny-p256-sec1.sig", "p256.pub.pem"),
        ("models/tiny", "sigs/tiny-p256-enc.sig", "p256.pub.pem"),
        ("models/tiny", "sigs/tiny-ignore-p256.sig", "p256.pub.pem"),
        ("models/tiny", "sigs/tiny-nogit-p256.sig", "p256.pub.pem"),
        ("models/tiny", "sigs/tiny-blake2-p256.sig", "p256.pub.pem"),
        ("models/tiny", "sigs/tiny-blake3-p256.sig", "p256.pub.pem"),
        (
            "models/with-symlink",
            "sigs/symlink-p256.sig",
            "p256.pub.pem",
        ),
        (
            "models/tiny/model.safetensors",
            "sigs/single-file-p256.sig",
            "p256.pub.pem",
        ),
        (
            "models/with-sig",
            "models/with-sig/model.sig",
            "p256.pub.pem",
        ),
        ("models/sharded", "sigs/sharded-p256.sig", "p256.pub.pem"),
        (
            "models/sharded",
            "sigs/sharded-files-p256.sig",
            "p256.pub.pem",
        ),
        (
            "models/sharded",
            "sigs/sharded-blake2-p256.sig",
            "p256.pub.pem",
        ),
        ("models/ordering", "sigs/ordering-p256.sig", "p256.pub.pem"),
        (
            "models/ordering",
            "sigs/ordering-shards-p256.sig",
            "p256.pub.pem",
        ),
    ];
    for (model, sig, key) in cases {
        let v = verify(model, sig, &public(key)).unwrap_or_else(|e| panic!("{sig}: {e}"));
        assert!(v.checked > 0, "{sig}");
    }
}

#[test]
fn certificate_bundle_verifies_against_its_root_only() {
    let roots = read_certificate_files(&[fx().join("keys/ca/root.pem")]).unwrap();
    let v = verify(
        "models/tiny",
        "sigs/tiny-cert-p256.sig",
        &Trust::Roots(roots),
    )
    .unwrap();
    assert!(v.signer.contains("certificate"), "{}", v.signer);
    let other = read_certificate_files(&[fx().join("keys/ca/other-root.pem")]).unwrap();
    let err = verify(
        "models/tiny",
        "sigs/tiny-cert-p256.sig",
        &Trust::Roots(other),
    )
    .unwrap_err();
    assert!(matches!(err, Error::Chain(_)), "{err}");
    let only_intermediate =
        read_certificate_files(&[fx().join("keys/ca/intermediate.pem")]).unwrap();
    assert!(verify(
        "models/tiny",
        "sigs/tiny-cert-p256.sig",
        &Trust::Roots(only_intermediate)
    )
    .is_err());
    // A certificate signature offered a bare key, and the reverse, are refused.
    assert!(verify(
        "models/tiny",
        "sigs/tiny-cert-p256.sig",
        &public("p256.pub.pem")
    )
    .is_err());
}

#[test]
fn wrong_key_is_named() {
    let err = verify(
        "models/tiny",
        "sigs/tiny-p256.sig",
        &public("other-p256.pub.pem"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("wrong key"), "{err}");
    let err = verify("models/tiny", "sigs/tiny-p256.sig", &public("p384.pub.pem")).unwrap_err();
    assert!(err.to_string().contains("wrong key"), "{err}");
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        let ft = entry.file_type().unwrap();
        if ft.is_symlink() {
            std::os::unix::fs::symlink(fs::read_link(entry.path()).unwrap(), &target).unwrap();
        } else if ft.is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn mismatch(err: Error) -> Vec<String> {
    match err {
        Error::Mismatch(d) => d,
        other => panic!("expected a mismatch, got {other}"),
    }
}

#[test]
fn tampering_is_rejected_with_what_differs() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("tiny");
    copy_dir(&fx().join("models/tiny"), &model);
    let sig = fx().join("sigs/tiny-p256.sig");
    let key = public("p256.pub.pem");
    let opts = VerifyOptions::default();
    verify_model(&model, &sig, &key, &opts).unwrap();

    // A changed byte.
    let config = model.join("config.json");
    let original = fs::read(&config).unwrap();
    let mut changed = original.clone();
    changed[0] ^= 1;
    fs::write(&config, &changed).unwrap();
    let d = mismatch(verify_model(&model, &sig, &key, &opts).unwrap_err());
    assert!(
        d.iter()
            .any(|m| m.starts_with("config.json: content changed")),
        "{d:?}"
    );
    fs::write(&config, &original).unwrap();

    // An added file.
    fs::write(model.join("extra.bin"), b"x").unwrap();
    let d = mismatch(verify_model(&model, &sig, &key, &opts).unwrap_err());
    assert_eq!(d, ["extra.bin: not in the signature (added after signing)"]);
    fs::remove_file(model.join("extra.bin")).unwrap();

    // A removed file.
    let vocab = model.join("tokenizer/vocab.txt");
    let vocab_bytes = fs::read(&vocab).unwrap();
    fs::remove_file(&vocab).unwrap();
    let d = mismatch(verify_model(&model, &sig, &key, &opts).unwrap_err());
    assert_eq!(
        d,
        ["tokenizer/vocab.txt: signed, but missing from the model"]
    );

    // A renamed file.
    fs::write(model.join("tokenizer/vocab.renamed"), &vocab_bytes).unwrap();
    let d = mismatch(verify_model(&model, &sig, &key, &opts).unwrap_err());
    assert_eq!(
        d,
        ["tokenizer/vocab.txt: renamed to tokenizer/vocab.renamed"]
    );
    fs::rename(model.join("tokenizer/vocab.renamed"), &vocab).unwrap();

    // A changed ignore list: excluding a signed file on the verifier side.
    let ignoring = VerifyOptions {
        ignore_paths: vec!["tokenizer".into()],
        ..VerifyOptions::default()
    };
    let d = mismatch(verify_model(&model, &sig, &key, &ignoring).unwrap_err());
    assert_eq!(
        d,
        ["tokenizer/vocab.txt: signed, but excluded by --ignore-paths"]
    );

    // ... and on the signer side: editing ignore_paths in the payload breaks the signature.
    let text = fs::read_to_string(&sig).unwrap();
    let bundle: serde_json::Value = serde_json::from_str(&text).unwrap();
    let payload_b64 = bundle["dsseEnvelope"]["payload"].as_str().unwrap();
    use base64::Engine;
    let payload = base64::engine::general_purpose::STANDARD
        .decode(payload_b64)
        .unwrap();
    let edited = String::from_utf8(payload)
        .unwrap()
        .replace("\".gitignore\"", "\"config.json\"");
    let edited_b64 = base64::engine::general_purpose::STANDARD.encode(edited);
    let forged = dir.path().join("forged.sig");
    fs::write(&forged, text.replace(payload_b64, &edited_b64)).unwrap();
    let err = verify_model(&model, &forged, &key, &opts).unwrap_err();
    assert!(
        err.to_string()
            .contains("does not verify over the signed payload"),
        "{err}"
    );
}

#[test]
fn changed_shard_is_named_by_byte_range() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("sharded");
    copy_dir(&fx().join("models/sharded"), &model);
    let weights = model.join("weights.bin");
    let mut bytes = fs::read(&weights).unwrap();
    bytes[1_500_000] ^= 0xff;
    fs::write(&weights, &bytes).unwrap();
    let d = mismatch(
        verify_model(
            &model,
            &fx().join("sigs/sharded-p256.sig"),
            &public("p256.pub.pem"),
            &VerifyOptions::default(),
        )
        .unwrap_err(),
    );
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].starts_with("weights.bin (bytes 1048576..2097152): content changed"),
        "{d:?}"
    );
}

#[test]
fn rampart_bundles_round_trip_for_every_curve_and_mode() {
    let dir = tempfile::tempdir().unwrap();
    for (key, public_key) in [
        ("p256.pem", "p256.pub.pem"),
        ("p384.pem", "p384.pub.pem"),
        ("p521.pem", "p521.pub.pem"),
    ] {
        for method in [Method::Files, Method::Shards(1_048_576)] {
            let sig = dir.path().join(format!("{key}-{method:?}.sig"));
            let options = SignOptions {
                hashing: HashingConfig {
                    method,
                    ..HashingConfig::default()
                },
                ..SignOptions::default()
            };
            let m =
                sign_model(&fx().join("models/sharded"), &sig, &private(key), &options).unwrap();
            assert_eq!(m.manifest.method, method);
            verify_model(
                &fx().join("models/sharded"),
                &sig,
                &public(public_key),
                &VerifyOptions::default(),
            )
            .unwrap();
        }
    }
}

#[test]
fn rampart_manifest_equals_the_reference_manifest() {
    // Same model, same options: rampart's resources and root digest equal those in
    // the bundle model-signing wrote.
    let dir = tempfile::tempdir().unwrap();
    for (model, reference, method) in [
        ("models/ordering", "sigs/ordering-p256.sig", Method::Files),
        (
            "models/ordering",
            "sigs/ordering-shards-p256.sig",
            Method::Shards(100),
        ),
        (
            "models/sharded",
            "sigs/sharded-p256.sig",
            Method::Shards(1_048_576),
        ),
    ] {
        let ours = dir.path().join("ours.sig");
        let options = SignOptions {
            hashing: HashingConfig {
                method,
                ..HashingConfig::default()
            },
            ..SignOptions::default()
        };
        let mine = sign_model(&fx().join(model), &ours, &private("p256.pem"), &options)
            .unwrap()
            .manifest;
        let (theirs, _) =
            rampart_sign::check_bundle(&fx().join(reference), &public("p256.pub.pem")).unwrap();
        assert_eq!(mine.resources, theirs.resources, "{reference}");
        assert_eq!(mine.root_digest(), theirs.root_digest(), "{reference}");
        assert_eq!(mine.ignore_paths, theirs.ignore_paths, "{reference}");
    }
}

#[test]
fn keys_load_in_every_supported_form() {
    let pass = fs::read(fx().join("keys/passphrase.txt")).unwrap();
    let pass = String::from_utf8(pass).unwrap();
    let a = private("p256.pem");
    let b = SigningKey::from_file(&fx().join("keys/p256-sec1.pem"), None).unwrap();
    let c = SigningKey::from_file(
        &fx().join("keys/p256-enc.pem"),
        Some(pass.trim().as_bytes()),
    )
    .unwrap();
    assert_eq!(a.verifying_key(), b.verifying_key());
    assert_eq!(a.verifying_key(), c.verifying_key());
    let err = SigningKey::from_file(&fx().join("keys/p256-enc.pem"), None).unwrap_err();
    assert!(err.to_string().contains("passphrase"), "{err}");
    assert!(SigningKey::from_file(&fx().join("keys/p256-enc.pem"), Some(b"wrong")).is_err());
    // The hint upstream computes for keys/p256.pub.pem (docs/oms-format.md §6).
    let hint = rampart_sign::oms::key_hint(&a.verifying_key()).unwrap();
    assert_eq!(
        hint,
        "9997594371a33f37a0816bdd67919040d4d31cd7c9e017616e696e08dbf92e71"
    );
}

#[test]
fn generated_private_keys_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let private = dir.path().join("k.pem");
    let public = dir.path().join("k.pub.pem");
    rampart_sign::keys::generate_key_pair(rampart_sign::keys::Curve::P384, &private, &public)
        .unwrap();
    let mode = fs::metadata(&private).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert!(rampart_sign::keys::generate_key_pair(
        rampart_sign::keys::Curve::P384,
        &private,
        &public
    )
    .is_err());
    let k = SigningKey::from_file(&private, None).unwrap();
    assert_eq!(k.verifying_key(), VerifyingKey::from_file(&public).unwrap());
}

#[test]
fn resigning_reuses_unchanged_files_and_only_trusts_matching_caches() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("sharded");
    copy_dir(&fx().join("models/sharded"), &model);
    let sig = dir.path().join("model.sig");
    let key = private("p256.pem");
    let first = sign_model(&model, &sig, &key, &SignOptions::default()).unwrap();
    assert_eq!(first.stats.reused_files, 0);
    assert_eq!(first.stats.hashed_files, 3);

    // Touch one file: only it is rehashed.
    fs::write(model.join("config.json"), b"{\"changed\": true}").unwrap();
    let options = SignOptions {
        reuse: Some(sig.clone()),
        ..SignOptions::default()
    };
    let sig2 = dir.path().join("model2.sig");
    let second = sign_model(&model, &sig2, &key, &options).unwrap();
    assert_eq!(
        (second.stats.reused_files, second.stats.hashed_files),
        (2, 1),
        "{:?}",
        second.reuse_refused
    );
    assert_eq!(second.stats.hashed_bytes, 17);
    verify_model(
        &model,
        &sig2,
        &public("p256.pub.pem"),
        &VerifyOptions::default(),
    )
    .unwrap();

    // A cache edited behind the signature's back is refused, and everything is rehashed.
    let cache = rampart_sign::manifest_path_for(&sig2);
    let text = fs::read_to_string(&cache).unwrap();
    let first_digest = text.split("\"digest\": \"").nth(1).unwrap()[..64].to_string();
    fs::write(&cache, text.replacen(&first_digest, &"0".repeat(64), 1)).unwrap();
    let options = SignOptions {
        reuse: Some(sig2.clone()),
        ..SignOptions::default()
    };
    let third = sign_model(&model, &dir.path().join("model3.sig"), &key, &options).unwrap();
    assert!(third.reuse_refused.is_some());
    assert_eq!(third.stats.reused_files, 0);

    // A signature by another key cannot seed the cache either.
    let other = SigningKey::from_file(&fx().join("keys/other-p256.pem"), None).unwrap();
    let options = SignOptions {
        reuse: Some(sig.clone()),
        ..SignOptions::default()
    };
    let fourth = sign_model(&model, &dir.path().join("model4.sig"), &other, &options).unwrap();
    assert!(fourth
        .reuse_refused
        .unwrap()
        .contains("not signed by this key"));
}

#[test]
fn partial_verification_checks_only_the_named_files() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("tiny");
    copy_dir(&fx().join("models/tiny"), &model);
    fs::write(model.join("config.json"), b"tampered").unwrap();
    let sig = fx().join("sigs/tiny-p256.sig");
    let key = public("p256.pub.pem");
    let only = |files: &[&str]| VerifyOptions {
        files: Some(files.iter().map(|s| s.to_string()).collect()),
        ..VerifyOptions::default()
    };
    let v = verify_model(
        &model,
        &sig,
        &key,
        &only(&["model.safetensors", "tokenizer/vocab.txt"]),
    )
    .unwrap();
    assert_eq!(v.checked, 2);
    let d = mismatch(verify_model(&model, &sig, &key, &only(&["config.json"])).unwrap_err());
    assert!(d[0].starts_with("config.json: content changed"), "{d:?}");
    let d = mismatch(verify_model(&model, &sig, &key, &only(&["nope.bin"])).unwrap_err());
    assert_eq!(d, ["nope.bin: not covered by the signature"]);
}

#[test]
fn restore_brings_back_exactly_the_signed_state() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("tiny");
    let backup = dir.path().join("backup");
    copy_dir(&fx().join("models/tiny"), &model);
    copy_dir(&fx().join("models/tiny"), &backup);
    let sig = fx().join("sigs/tiny-p256.sig");
    let key = public("p256.pub.pem");
    fs::write(model.join("config.json"), b"tampered").unwrap();
    fs::remove_file(model.join("tokenizer/vocab.txt")).unwrap();
    fs::write(model.join("dropped.bin"), b"?").unwrap();
    // The backup's model.safetensors is damaged too: it must not be used.
    fs::write(model.join("model.safetensors"), b"bad").unwrap();
    fs::write(backup.join("model.safetensors"), b"also bad").unwrap();
    let report = rampart_sign::restore_model(&model, &sig, &key, &backup).unwrap();
    assert_eq!(report.restored, ["config.json", "tokenizer/vocab.txt"]);
    assert_eq!(report.unrecoverable, ["model.safetensors"]);
    assert_eq!(report.unsigned, ["dropped.bin"]);
    assert_eq!(
        fs::read(model.join("config.json")).unwrap(),
        fs::read(fx().join("models/tiny/config.json")).unwrap()
    );
}
