//! Helpers shared by the gateway's integration tests.

#![allow(dead_code, clippy::unwrap_used)]

use rampart_gateway::server::Gateway;

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
