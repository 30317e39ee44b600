//! Helpers shared by the gateway's integration tests.

#![allow(dead_code, clippy::unwrap_used)]

use std::path::Path;
use std::sync::Arc;

use rampart_core::system::SystemDescription;
use rampart_gateway::server::{self, Gateway};
use serde_json::json;

/// A gateway serving on a free loopback port, and its admin listener on another.
pub struct Running {
    /// `http://ADDR` of the API listener.
    pub api: String,
    /// `http://ADDR` of the admin listener.
    pub admin: String,
    pub gw: Arc<Gateway>,
}

/// Builds the gateway of `toml` (paths relative to `dir`) and serves its API and
/// admin listeners until the test ends.
pub async fn start(dir: &Path, toml: &str) -> Running {
    let system = SystemDescription::parse(toml).unwrap();
    let gw = rampart_gateway::app::build(dir, &system, toml).unwrap();
    let admin = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let admin_addr = admin.local_addr().unwrap();
    let g = Arc::clone(&gw);
    tokio::spawn(
        async move { rampart_gateway::admin::serve(g, admin, std::future::pending()).await },
    );
    Running {
        api: serve(&gw).await,
        admin: format!("http://{admin_addr}"),
        gw,
    }
}

/// Serves `gw`'s API on a free loopback port until the test ends; returns its URL.
pub async fn serve(gw: &Arc<Gateway>) -> String {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    let g = Arc::clone(gw);
    tokio::spawn(async move { server::serve(g, l, std::future::pending()).await });
    url
}

/// A key of tenant `acme` for the model `tinychat`.
pub fn user_key(gw: &Gateway) -> String {
    gw.keys
        .as_ref()
        .unwrap()
        .create("acme", &["tinychat".into()], 100_000, 0)
        .unwrap()
        .1
}

/// One chat completion from `key` to `tinychat`; returns the status.
pub async fn chat(url: &str, key: &str, text: &str) -> u16 {
    reqwest::Client::new()
        .post(format!("{url}/v1/chat/completions"))
        .bearer_auth(key)
        .json(&json!({"model": "tinychat", "messages": [{"role": "user", "content": text}]}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// A key with the admin scope: it may read `/metrics` and nothing else.
pub fn admin_key(gw: &Gateway) -> String {
    gw.keys
        .as_ref()
        .unwrap()
        .create_spec(&rampart_gateway::keys::KeySpec {
            tenant: "ops".into(),
            models: Vec::new(),
            tools: Vec::new(),
            routes: vec!["/metrics".into()],
            rpm: 10_000,
            tpm: 0,
            expires: 0,
        })
        .unwrap()
        .1
}
