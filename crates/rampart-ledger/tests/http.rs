//! The HTTP API over a real socket: appends need the token, and what a customer
//! fetches (checkpoint, evidence, proofs) verifies offline with the verifier key.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use rampart_ledger::http::{self, Api};
use rampart_ledger::merkle::{verify_consistency, verify_inclusion};
use rampart_ledger::{AuditEntry, NoteSigner, SqliteConfig, SqliteLedger, Storage};
use serde_json::{json, Value};

const TOKEN: &str = "append-token-for-tests";

async fn start(dir: &std::path::Path) -> (String, NoteSigner) {
    let ledger: Arc<dyn Storage> =
        Arc::new(SqliteLedger::open(SqliteConfig::new(dir.join("l.sqlite"))).unwrap());
    let signer = NoteSigner::generate("ledger.test/http").unwrap();
    let copy = NoteSigner::from_secret_string(&signer.to_secret_string()).unwrap();
    let api = Arc::new(Api::new(ledger, Some(copy), Some(TOKEN)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(http::serve(api, listener, std::future::pending()));
    (url, signer)
}

async fn get_status(c: &reqwest::Client, url: String) -> u16 {
    c.get(url).send().await.unwrap().status().as_u16()
}

async fn get_json(c: &reqwest::Client, url: String) -> Value {
    c.get(url).send().await.unwrap().json().await.unwrap()
}

fn hashes(v: &Value) -> Vec<Vec<u8>> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|h| hex::decode(h.as_str().unwrap()).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn append_needs_the_token_and_proofs_verify_offline() {
    let dir = tempfile::tempdir().unwrap();
    let (url, signer) = start(dir.path()).await;
    let c = reqwest::Client::new();
    let body = serde_json::to_value(common::entry(0)).unwrap();

    let r = c
        .post(format!("{url}/v1/entries"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401, "no token");
    let r = c
        .post(format!("{url}/v1/entries"))
        .bearer_auth("wrong")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401, "wrong token");
    let r = c
        .post(format!("{url}/v1/entries"))
        .bearer_auth(TOKEN)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);

    for i in 0..5u64 {
        let mut e = serde_json::to_value(common::entry(i)).unwrap();
        e["bodies"] = json!({"prompt": format!("prompt {i}")});
        let r: Value = c
            .post(format!("{url}/v1/entries"))
            .bearer_auth(TOKEN)
            .json(&e)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(r["index"], i);
    }
    let old_head: Value = get_json(&c, format!("{url}/v1/head")).await;
    assert_eq!(old_head["size"], 5);
    for i in 5..9u64 {
        let e = serde_json::to_value(common::entry(i)).unwrap();
        let r = c
            .post(format!("{url}/v1/entries"))
            .bearer_auth(TOKEN)
            .json(&e)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 201);
    }

    // The signed checkpoint verifies with the verifier key alone.
    let note = c
        .get(format!("{url}/v1/checkpoint"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let verifier = signer.verifier();
    let cp = verifier
        .verify_checkpoint(&note, "ledger.test/http")
        .unwrap();
    assert_eq!(cp.size, 9);

    // Evidence for entry 3: entry, leaf hash recomputed from it, proof to the root.
    let ev: Value = get_json(&c, format!("{url}/v1/evidence/3")).await;
    assert_eq!(ev["format"], rampart_ledger::evidence::EVIDENCE_FORMAT);
    let cp = verifier
        .verify_checkpoint(ev["checkpoint"].as_str().unwrap(), "ledger.test/http")
        .unwrap();
    let e = &ev["entries"][0];
    let entry: AuditEntry = serde_json::from_value(e["entry"].clone()).unwrap();
    let leaf = entry.leaf_hash().unwrap();
    assert_eq!(hex::encode(leaf), e["leaf_hash"].as_str().unwrap());
    verify_inclusion(3, cp.size, &leaf, &hashes(&e["inclusion_proof"]), &cp.root).unwrap();
    assert_eq!(get_status(&c, format!("{url}/v1/evidence/99")).await, 404);

    // Inclusion in an older tree, and consistency from it to now.
    let p: Value = get_json(&c, format!("{url}/v1/proof/inclusion?index=2&size=5")).await;
    let old_root = hex::decode(old_head["root"].as_str().unwrap()).unwrap();
    let leaf = hex::decode(p["leaf_hash"].as_str().unwrap()).unwrap();
    verify_inclusion(2, 5, &leaf, &hashes(&p["proof"]), &old_root).unwrap();
    let p: Value = get_json(&c, format!("{url}/v1/proof/consistency?old=5")).await;
    assert_eq!(p["new"], 9);
    verify_consistency(5, 9, &old_root, &cp.root, &hashes(&p["proof"])).unwrap();
    assert_eq!(
        get_status(&c, format!("{url}/v1/proof/consistency?old=10&new=9")).await,
        400
    );
    assert_eq!(
        get_status(&c, format!("{url}/v1/proof/inclusion?index=9")).await,
        404
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_token_appends_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let ledger: Arc<dyn Storage> =
        Arc::new(SqliteLedger::open(SqliteConfig::new(dir.path().join("l.sqlite"))).unwrap());
    let api = Arc::new(Api::new(ledger, None, None));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(http::serve(api, listener, std::future::pending()));
    let c = reqwest::Client::new();
    let body = serde_json::to_value(common::entry(0)).unwrap();
    let r = c
        .post(format!("{url}/v1/entries"))
        .bearer_auth("")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert_eq!(
        get_status(&c, format!("{url}/v1/checkpoint")).await,
        404,
        "no checkpoint key"
    );
}
