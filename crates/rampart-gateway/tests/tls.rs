//! TLS on the gateway's listener, with client certificates: a client with a
//! certificate from the configured CA is served; one without a certificate, with one
//! from another CA, or speaking plain HTTP is not. Certificates come from
//! `scripts/fixtures/gateway-tls.sh`.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rampart_core::system::SystemDescription;
use rampart_gateway::config::Config;
use rampart_gateway::mock;
use rampart_gateway::server::{self, Gateway};

fn pki() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tls")
}

fn description(mock_addr: &str, listen: &str, client_ca: bool) -> String {
    let dir = pki();
    let ca = if client_ca {
        format!("client_ca = \"{}\"\n", dir.join("ca.pem").display())
    } else {
        String::new()
    };
    format!(
        "schema_version = 1\n[system]\nname = \"t\"\n[gateway]\nlisten = \"{listen}\"\nkeys = \"keys.sqlite\"\n[gateway.tls]\ncert = \"{}\"\nkey = \"{}\"\n{ca}[[gateway.upstreams]]\nname = \"primary\"\nurl = \"http://{mock_addr}/v1\"\nmodels = [\"tinychat\"]\n[ledger]\npath = \"ledger.sqlite\"\n",
        dir.join("server.pem").display(),
        dir.join("server.key").display(),
    )
}

async fn start(client_ca: bool) -> (String, Arc<Gateway>, String, tempfile::TempDir) {
    let (mock_addr, _mock, _t) = mock::serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let toml = description(&mock_addr.to_string(), "127.0.0.1:0", client_ca);
    let system = SystemDescription::parse(&toml).unwrap();
    let gw = rampart_gateway::app::build(dir.path(), &system, &toml).unwrap();
    assert!(gw.tls.is_some());
    let (_, key) = gw
        .keys
        .as_ref()
        .unwrap()
        .create("acme", &["tinychat".into()], 10_000, 0)
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let gw2 = Arc::clone(&gw);
    tokio::spawn(async move { server::serve(gw2, listener, std::future::pending()).await });
    (format!("127.0.0.1:{port}"), gw, key, dir)
}

fn client(identity: Option<&str>) -> reqwest::Client {
    let ca = std::fs::read(pki().join("ca.pem")).unwrap();
    let mut b = reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(&ca).unwrap());
    if let Some(name) = identity {
        let mut pem = std::fs::read(pki().join(format!("{name}.pem"))).unwrap();
        pem.extend(std::fs::read(pki().join(format!("{name}.key"))).unwrap());
        b = b.identity(reqwest::Identity::from_pem(&pem).unwrap());
    }
    b.build().unwrap()
}

async fn models(c: &reqwest::Client, url: &str, key: &str) -> Result<u16, reqwest::Error> {
    let r = c
        .get(format!("{url}/v1/models"))
        .bearer_auth(key)
        .send()
        .await?;
    Ok(r.status().as_u16())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_serves_clients_that_trust_the_certificate() {
    let (addr, _gw, key, _dir) = start(false).await;
    let url = format!("https://{addr}");
    assert_eq!(models(&client(None), &url, &key).await.unwrap(), 200);
    // The API key is still required over TLS.
    assert_eq!(models(&client(None), &url, "rk_bogus").await.unwrap(), 401);
    // A client that does not trust the certificate refuses it.
    let untrusting = reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .build()
        .unwrap();
    assert!(models(&untrusting, &url, &key).await.is_err());
    // Plain HTTP to the TLS port gets no HTTP answer.
    let plain = reqwest::Client::new();
    assert!(models(&plain, &format!("http://{addr}"), &key)
        .await
        .is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_certificates_are_required_when_a_client_ca_is_set() {
    let (addr, _gw, key, _dir) = start(true).await;
    let url = format!("https://{addr}");
    assert_eq!(
        models(&client(Some("client")), &url, &key).await.unwrap(),
        200
    );
    assert!(
        models(&client(None), &url, &key).await.is_err(),
        "no client certificate"
    );
    assert!(
        models(&client(Some("stranger")), &url, &key).await.is_err(),
        "a certificate from a CA the gateway does not trust"
    );
}

#[test]
fn tls_removes_the_plain_http_weakening_and_bad_files_are_named() {
    let toml = description("127.0.0.1:9", "0.0.0.0:8443", true);
    let system = SystemDescription::parse(&toml).unwrap();
    let config = Config::from_system(&system).unwrap();
    assert!(
        !config
            .weakenings(&toml)
            .iter()
            .any(|w| w.setting == "gateway.listen"),
        "a TLS listener on a public address is not plain HTTP"
    );
    config.enforce(&toml).unwrap();

    // The same listener without TLS is refused unless plain HTTP is opted into.
    let start = toml.find("[gateway.tls]").unwrap();
    let end = toml.find("[[gateway.upstreams]]").unwrap();
    let plain = format!("{}{}", &toml[..start], &toml[end..]);
    let config = Config::from_system(&SystemDescription::parse(&plain).unwrap()).unwrap();
    assert!(config.enforce(&plain).is_err());

    let broken = toml.replace("server.key", "missing.key");
    let system = SystemDescription::parse(&broken).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let err = match rampart_gateway::app::build(dir.path(), &system, &broken) {
        Ok(_) => panic!("a missing key file must stop the gateway"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("missing.key"), "{err}");
}
