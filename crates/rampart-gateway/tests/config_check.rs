//! The validator `rampart config check` and the gateway's start share
//! (`validate::check`): weak or broken configurations, each refused by both.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use rampart_core::system::SystemDescription;
use rampart_gateway::validate::{check, check_with_env, Report};

const BASE: &str = "schema_version = 1\n[system]\nname = \"t\"\n[ledger]\npath = \"l.sqlite\"\n";

/// A variable no test environment sets.
const UNSET: &str = "RAMPART_CONFIG_CHECK_TEST_UNSET_9F2C";

fn upstream(url: &str, extra: &str) -> String {
    format!("[gateway]\n[[gateway.upstreams]]\nname = \"u\"\nurl = \"{url}\"\nmodels = [\"*\"]\n{extra}")
}

fn report(root: &Path, text: &str, env: &dyn Fn(&str) -> Option<String>) -> Report {
    let system = SystemDescription::parse(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    check_with_env(root, &system, text, env).unwrap()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// A problem (broken setting) naming the setting.
    Problem,
    /// A weakening without opt-in.
    Refused,
}

/// Every case is refused by `config check`'s validator with an entry naming the
/// setting (and the guideline), and the gateway refuses to start on it.
#[test]
fn weak_and_broken_configurations_are_refused_by_check_and_by_the_gateway() {
    let cases: Vec<(&str, String, &str, Expect, &str)> = vec![
        // upstream URLs
        ("upper-case plain HTTP scheme", upstream("HTTP://api.example.com/v1", ""), "gateway.upstreams[u].url", Expect::Refused, "plain HTTP"),
        ("plain HTTP to a name that starts like loopback", upstream("http://127.0.0.1.nip.io/v1", ""), "gateway.upstreams[u].url", Expect::Refused, "plain HTTP"),
        ("loopback-looking userinfo before the real host", upstream("http://127.0.0.1@evil.example/v1", ""), "gateway.upstreams[u].url", Expect::Refused, "plain HTTP"),
        ("credentials in the URL", upstream("https://user:pass@api.example.com/v1", ""), "gateway.upstreams[u].url", Expect::Refused, "credentials"),
        ("a user name in the URL", upstream("https://sk-live-123@api.example.com/v1", ""), "gateway.upstreams[u].url", Expect::Refused, "credentials"),
        ("not a URL", upstream("not a url", ""), "gateway.upstreams[u].url", Expect::Problem, "upstream u"),
        ("a scheme other than http(s)", upstream("ftp://api.example.com/v1", ""), "gateway.upstreams[u].url", Expect::Problem, "scheme"),
        ("a file URL", upstream("file:///etc/passwd", ""), "gateway.upstreams[u].url", Expect::Problem, "scheme"),
        // the upstream's key
        ("an unset api_key_env on an external upstream", upstream("https://api.example.com/v1", &format!("api_key_env = \"{UNSET}\"\nexternal = true\n")), "gateway.upstreams[u].api_key_env", Expect::Problem, UNSET),
        ("an unset api_key_env on an internal upstream", upstream("https://llm.internal.example/v1", &format!("api_key_env = \"{UNSET}\"\n")), "gateway.upstreams[u].api_key_env", Expect::Problem, UNSET),
        // trusted proxies
        ("two /1 ranges cover IPv4", "[gateway]\ntrusted_proxies = [\"0.0.0.0/1\", \"128.0.0.0/1\"]\n".into(), "gateway.trusted_proxies", Expect::Refused, "any address"),
        ("four /2 ranges cover IPv4", "[gateway]\ntrusted_proxies = [\"0.0.0.0/2\", \"64.0.0.0/2\", \"128.0.0.0/2\", \"192.0.0.0/2\"]\n".into(), "gateway.trusted_proxies", Expect::Refused, "any address"),
        ("two /1 ranges cover IPv6", "[gateway]\ntrusted_proxies = [\"::/1\", \"8000::/1\"]\n".into(), "gateway.trusted_proxies", Expect::Refused, "any address"),
        ("::/0", "[gateway]\ntrusted_proxies = [\"::/0\"]\n".into(), "gateway.trusted_proxies", Expect::Refused, "any address"),
        ("a trusted proxy that is not an address", "[gateway]\ntrusted_proxies = [\"lb.example\"]\n".into(), "gateway.trusted_proxies", Expect::Problem, "lb.example"),
        // limits
        ("no stream hold-back", "[gateway]\nstream_holdback = 0\n".into(), "gateway.stream_holdback", Expect::Refused, "before the guard"),
        ("bodies larger than the guard's scan window", "[gateway]\nmax_body_bytes = 1048577\n".into(), "gateway.max_body_bytes", Expect::Refused, "unjudged"),
        ("a zero body limit", "[gateway]\nmax_body_bytes = 0\n".into(), "gateway.max_body_bytes", Expect::Problem, "every request"),
        ("a zero body timeout", "[gateway]\nbody_timeout_secs = 0\n".into(), "gateway.body_timeout_secs", Expect::Problem, "every request"),
        ("no connection allowed", "[gateway]\nmax_connections = 0\n".into(), "gateway.max_connections", Expect::Problem, "every request"),
        ("a zero answer cap", "[gateway]\nmax_answer_bytes = 0\n".into(), "gateway.max_answer_bytes", Expect::Problem, "every request"),
        ("an invalid listen address", "[gateway]\nlisten = \"localhost:http\"\n".into(), "gateway.listen", Expect::Problem, "listen"),
        // the guard table, as the gateway applies it
        ("min_score above 1", "[gateway]\n[guard]\nmin_score = 1.5\n".into(), "guard", Expect::Problem, "min_score"),
        ("an unknown action key", "[gateway]\n[guard.actions]\npiii = \"flag\"\n".into(), "guard", Expect::Problem, "piii"),
        ("an empty disabled prefix (every detector)", "[gateway]\n[guard]\ndisabled = [\"\"]\n".into(), "guard", Expect::Problem, "guard.disabled"),
        ("an empty action key", "[gateway]\n[guard.actions]\n\"\" = \"allow\"\n".into(), "guard", Expect::Problem, "guard.actions"),
        // TLS files, loaded as the gateway loads them
        ("missing TLS files", "[gateway]\n[gateway.tls]\ncert = \"missing.crt\"\nkey = \"missing.key\"\n".into(), "gateway.tls", Expect::Problem, "missing.crt"),
        ("a TLS file that holds no certificate", "[gateway]\n[gateway.tls]\ncert = \"garbage.pem\"\nkey = \"garbage.pem\"\n".into(), "gateway.tls", Expect::Problem, "garbage.pem"),
        // environment variables the gateway needs
        ("an unset Redis URL variable", format!("[gateway]\nredis_url_env = \"{UNSET}\"\n"), "gateway.redis_url_env", Expect::Problem, UNSET),
        // monitoring and alerts
        ("a monitor retention that is not a duration", "[gateway]\n[gateway.monitor]\nretention = \"2 weeks\"\n".into(), "gateway.monitor.retention", Expect::Problem, "ISO 8601"),
        ("an admin listener that is no address", "[gateway]\n[gateway.monitor]\nadmin_listen = \"admin\"\n".into(), "gateway.monitor.admin_listen", Expect::Problem, "address"),
        ("a plain-HTTP admin listener off loopback", "[gateway]\n[gateway.monitor]\nadmin_listen = \"0.0.0.0:9090\"\n".into(), "gateway.monitor.admin_listen", Expect::Refused, "plain HTTP"),
        ("an alert on an unknown metric", "[gateway]\n[gateway.monitor]\n[[alerts]]\nname = \"a\"\nmetric = \"blockz\"\nabove = 1\nwindow = \"PT5M\"\n".into(), "alerts[a].metric", Expect::Problem, "unknown metric"),
        ("an alert with a bad window", "[gateway]\n[gateway.monitor]\n[[alerts]]\nname = \"a\"\nmetric = \"blocks\"\nabove = 1\nwindow = \"5 minutes\"\n".into(), "alerts[a].window", Expect::Problem, "ISO 8601"),
        ("an alert with a malformed webhook", "[gateway]\n[gateway.monitor]\n[[alerts]]\nname = \"a\"\nmetric = \"blocks\"\nabove = 1\nwindow = \"PT5M\"\nsinks = [{kind = \"webhook\", url = \"gopher://x\"}]\n".into(), "alerts[a].sinks[0]", Expect::Problem, "http(s)"),
        ("an alert webhook whose URL variable is unset", format!("[gateway]\n[gateway.monitor]\n[[alerts]]\nname = \"a\"\nmetric = \"blocks\"\nabove = 1\nwindow = \"PT5M\"\nsinks = [{{kind = \"webhook\", url_env = \"{UNSET}\"}}]\n"), "alerts[a].sinks[0]", Expect::Problem, UNSET),
        ("an OTLP endpoint that is no URL", "[gateway]\n[gateway.monitor]\n[gateway.monitor.otlp]\nendpoint = \"collector:4318\"\n".into(), "gateway.monitor.otlp.endpoint", Expect::Problem, "http(s)"),
        ("an OTLP endpoint with credentials", "[gateway]\n[gateway.monitor]\n[gateway.monitor.otlp]\nendpoint = \"http://u:p@127.0.0.1:4318\"\n".into(), "gateway.monitor.otlp.endpoint", Expect::Problem, "credentials"),
        ("an OTLP interval of zero", "[gateway]\n[gateway.monitor]\n[gateway.monitor.otlp]\nendpoint = \"http://127.0.0.1:4318\"\ninterval_secs = 0\n".into(), "gateway.monitor.otlp.interval_secs", Expect::Problem, "outside"),
        ("a shared series without a PostgreSQL ledger", "[gateway]\n[gateway.monitor]\nshared_series = true\n".into(), "gateway.monitor.shared_series", Expect::Problem, "url_env"),
        ("an empty instance name", "[gateway]\n[gateway.monitor]\ninstance = \" \"\n".into(), "gateway.monitor.instance", Expect::Problem, "characters"),
        ("alerts without monitoring", "[gateway]\n[[alerts]]\nname = \"a\"\nmetric = \"blocks\"\nabove = 1\nwindow = \"PT5M\"\n".into(), "alerts", Expect::Problem, "[gateway.monitor]"),
        ("a tool schema that is not JSON", "[gateway]\n[[tools]]\nname = \"t\"\narguments_schema = \"{\"\n".into(), "tools", Expect::Problem, "tool t"),
    ];
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("garbage.pem"), "not PEM\n").unwrap();
    let no_env = |_: &str| None;
    for (name, extra, setting, expect, needle) in cases {
        let text = format!("{BASE}{extra}");
        let r = report(dir.path(), &text, &no_env);
        assert!(r.refused(), "{name}: not refused: {r:?}");
        let messages: Vec<&str> = match expect {
            Expect::Problem => r
                .problems
                .iter()
                .filter(|p| p.setting == setting)
                .map(|p| p.message.as_str())
                .collect(),
            Expect::Refused => r
                .weakenings
                .iter()
                .filter(|w| w.setting == setting && !w.opted_in)
                .map(|w| w.message.as_str())
                .collect(),
        };
        assert!(
            messages.iter().any(|m| m.contains(needle)),
            "{name}: no {expect:?} for {setting} saying {needle:?}: {r:?}"
        );

        // The gateway refuses to start on the same configuration, naming the setting.
        let system = SystemDescription::parse(&text).unwrap();
        let err = match rampart_gateway::app::build(dir.path(), &system, &text) {
            Ok(_) => panic!("{name}: the gateway started"),
            Err(e) => e.to_string(),
        };
        assert!(err.contains(setting), "{name}: {err}");
    }
    assert!(
        !dir.path().join("rampart-keys.sqlite").exists(),
        "a refused start creates nothing"
    );
}

/// Loopback upstreams over plain HTTP (how the tests and a local model run), https
/// upstreams, narrow proxy ranges and a set key variable all pass.
#[test]
fn sound_configurations_pass() {
    let dir = tempfile::tempdir().unwrap();
    let env = |var: &str| (var == "RAMPART_TEST_KEY").then(|| "sk-test".to_string());
    for extra in [
        upstream("http://127.0.0.1:8081/v1", "external = true\n"),
        upstream("http://127.9.9.9:8081/v1", ""),
        upstream("http://localhost:8081/v1", ""),
        upstream("http://LOCALHOST:8081/v1", ""),
        upstream("http://[::1]:8081/v1", ""),
        upstream("HTTPS://api.example.com/v1", ""),
        upstream(
            "https://api.example.com/v1",
            "api_key_env = \"RAMPART_TEST_KEY\"\nexternal = true\n",
        ),
        "[gateway]\ntrusted_proxies = [\"0.0.0.0/1\", \"10.0.0.0/8\", \"::1\"]\n".into(),
        "[gateway]\nstream_holdback = 1\nmax_body_bytes = 1048576\n".into(),
        "[gateway]\n[guard]\nmin_score = 1.0\ndisabled = [\"OOD004\"]\n".into(),
    ] {
        let text = format!("{BASE}{extra}");
        let r = report(dir.path(), &text, &env);
        assert!(!r.refused(), "{extra}: {:?}", r.refusals());
        assert!(r.problems.is_empty(), "{extra}: {r:?}");
    }
    // An empty variable is as good as unset.
    let text = format!(
        "{BASE}{}",
        upstream(
            "https://api.example.com/v1",
            "api_key_env = \"RAMPART_TEST_KEY\"\nexternal = true\n"
        )
    );
    let r = report(dir.path(), &text, &|_| Some("  ".into()));
    assert_eq!(r.problems.len(), 1, "{r:?}");
}

/// Opted-in weakenings are listed but not refused; a file without `[gateway]` is an
/// error, not a report.
#[test]
fn opt_ins_are_listed_and_a_missing_gateway_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{BASE}[gateway]\nallow_anonymous = true\nfail_open = true\n");
    let r = report(dir.path(), &text, &|_| None);
    assert!(!r.refused());
    assert_eq!(r.weakenings.len(), 2, "{r:?}");
    assert!(r.weakenings.iter().all(|w| w.opted_in));
    assert!(r.enforce().is_ok());

    let system = SystemDescription::parse(BASE).unwrap();
    assert!(check(dir.path(), &system, BASE).is_err());
}

/// The bundled example passes once its external upstream's key is in the
/// environment, and names the variable when it is not.
#[test]
fn the_bundled_example_checks_clean_with_its_key_set() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/support-bot/rampart.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let root = path.parent().unwrap();
    let system = SystemDescription::parse(&text).unwrap();
    let hosted = system
        .gateway
        .as_ref()
        .unwrap()
        .upstreams
        .iter()
        .find(|u| u.name == "hosted")
        .unwrap();
    assert!(
        hosted.external,
        "the hosted API is outside the organisation"
    );
    let r = check_with_env(root, &system, &text, &|v| {
        (v == "EXAMPLE_AI_API_KEY").then(|| "sk-example".into())
    })
    .unwrap();
    assert!(!r.refused(), "{:?}", r.refusals());
    let r = check_with_env(root, &system, &text, &|_| None).unwrap();
    assert_eq!(r.problems.len(), 1, "{r:?}");
    assert!(r.problems[0].message.contains("EXAMPLE_AI_API_KEY"));
}

#[test]
fn unsealed_bodies_and_a_bad_retention_are_problems() {
    let dir = tempfile::tempdir().unwrap();
    for (ledger, setting, says) in [
        ("store_bodies = true\n", "ledger.store_bodies", "body_key"),
        ("retention = \"30 days\"\n", "ledger.retention", "ISO 8601"),
    ] {
        let text = format!(
            "schema_version = 1\n[system]\nname = \"t\"\n[ledger]\npath = \"l.sqlite\"\n{ledger}[gateway]\n"
        );
        let r = report(dir.path(), &text, &|_| None);
        assert!(
            r.problems
                .iter()
                .any(|p| p.setting == setting && p.message.contains(says)),
            "{setting}: {r:?}"
        );
    }
    let sealed = "schema_version = 1\n[system]\nname = \"t\"\n[ledger]\npath = \"l.sqlite\"\nstore_bodies = true\nbody_key = \"b.key\"\nretention = \"P7D\"\n[gateway]\n";
    assert!(report(dir.path(), sealed, &|_| None).problems.is_empty());
}

/// `[gateway.monitor.otlp] headers_env`: an unset variable and a malformed one are
/// problems naming the setting and the variable, never the value; a good one passes.
#[test]
fn otlp_headers_come_from_a_variable_that_must_be_set_and_well_formed() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{BASE}[gateway]\n[gateway.monitor]\n[gateway.monitor.otlp]\nendpoint = \"http://127.0.0.1:4318\"\nheaders_env = \"OTLP_HDRS\"\n"
    );
    let at = |r: &Report| {
        r.problems
            .iter()
            .find(|p| p.setting == "gateway.monitor.otlp.headers_env")
            .map(|p| p.message.clone())
    };
    let unset = report(dir.path(), &text, &|_| None);
    assert!(
        at(&unset).is_some_and(|m| m.contains("OTLP_HDRS") && m.contains("not set")),
        "{unset:?}"
    );
    for bad in [
        "Authorization",
        "Authori zation=Basic%20c2VjcmV0dG9rZW4",
        "authorization=Basic%0Ac2VjcmV0dG9rZW4",
        "content-type=text/plain",
    ] {
        let r = report(dir.path(), &text, &|v| {
            (v == "OTLP_HDRS").then(|| bad.to_string())
        });
        let m = at(&r).unwrap_or_else(|| panic!("{bad}: {r:?}"));
        assert!(m.contains("OTLP_HDRS"), "{m}");
        assert!(
            !m.contains("c2VjcmV0dG9rZW4"),
            "the value is not shown: {m}"
        );
    }
    let good = report(dir.path(), &text, &|v| {
        (v == "OTLP_HDRS")
            .then(|| "Authorization=Basic%20c2VjcmV0dG9rZW4, X-Scope-OrgID = t1".to_string())
    });
    assert_eq!(at(&good), None, "{good:?}");
}
