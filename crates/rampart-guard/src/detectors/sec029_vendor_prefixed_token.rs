use rampart_core::declare_rule;

use super::util::random_tail;
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports an API token of a service whose tokens begin with a fixed prefix and
    /// that has no rule of its own: Dropbox (`sl.`), age (`AGE-SECRET-KEY-1`),
    /// Contentful (`CFPAT-`), Sentry (`sntrys_`, `sntryu_`), Grafana (`glc_`, `glsa_`),
    /// Atlassian and Bitbucket (`ATATT3`, `ATCTT3`), Brevo (`xkeysib-`, `xsmtpsib-`),
    /// DigitalOcean (`dop_v1_`, `doo_v1_`, `dor_v1_`), HashiCorp Vault (`hvs.`, `hvb.`),
    /// Pulumi (`pul-`), Doppler (`dp.st.`, `dp.pt.`, `dp.sa.`), Netlify (`nfp_`),
    /// Tailscale (`tskey-auth-`, `tskey-api-`), Linear (`lin_api_`), Postman (`PMAK-`),
    /// Figma (`figd_`), Notion (`ntn_`), Databricks (`dapi`), Square (`sq0atp-`,
    /// `sq0csp-`, `EAAA`), Groq (`gsk_`), Replicate (`r8_`), OpenRouter (`sk-or-v1-`),
    /// Google OAuth (`ya29.` access tokens, `4/0A` authorisation codes), Firebase Cloud
    /// Messaging server keys (`AAAA…:APA91b…`), Airtable (`pat….…`), New Relic
    /// (`NRAK-`), Dynatrace (`dt0c01.`), 1Password service accounts (`ops_`),
    /// PlanetScale (`pscale_pw_`, `pscale_tkn_`), RubyGems (`rubygems_`), JFrog
    /// (`AKCp`), SonarQube (`sqp_`, `squ_`, `sqa_`), CircleCI (`CCIPAT_`), Buildkite
    /// (`bkua_`), Heroku (`HRKU-`), Supabase (`sbp_`), Mollie (`live_`), Mercado
    /// Pago (`APP_USR-`), LaunchDarkly SDK keys (`sdk-`/`mob-` and a UUID), Asana
    /// personal access tokens (`2/<id>/<id>:<32 hex>`) and Microsoft Entra ID (Azure
    /// AD) client secrets (`…8Q~…`, 40 characters) and Adyen API keys (`AQE` and at
    /// least 90 more characters).
    ///
    /// ## Why is this dangerous?
    /// Each of these tokens acts as its owner on the service: reads its data, spends
    /// its money, deploys its code.
    ///
    /// ## Example
    /// ```text
    /// contentful space export --management-token CFPAT-<43 random characters>
    /// ```
    ///
    /// ## Remediation
    /// Redact; revoke the token in the service's settings.
    ///
    /// ## False positives
    /// The part after the prefix must be as long as the service's tokens and look
    /// random (placeholders such as `glc_xxxxxxxx…` or `sl.YOUR_TOKEN` are ignored),
    /// and the token must stand alone, not inside a longer word.
    ///
    /// ## References
    /// The services' token-format documentation; guidelines SD-3, DP-2.
    pub(crate) static RULE = {
        code: "SEC029",
        name: "vendor-prefixed-token",
        severity: High,
        guidelines: [Sd3, Dp2],
        summary: "API token of a service with a fixed token prefix (Dropbox, Sentry, Grafana, Atlassian, Vault, …)",
    }
}

/// Each prefix with the shortest tail the service's tokens have.
const PREFIXES: &[(&str, usize)] = &[
    ("AGE-SECRET-KEY-1", 50),
    ("pscale_tkn_", 32),
    ("tskey-auth-", 20),
    ("pscale_pw_", 32),
    ("tskey-api-", 20),
    ("sk-or-v1-", 48),
    ("xsmtpsib-", 48),
    ("rubygems_", 40),
    ("xkeysib-", 48),
    ("APP_USR-", 40),
    ("lin_api_", 32),
    ("sntrys_", 60),
    ("sntryu_", 40),
    ("dop_v1_", 60),
    ("doo_v1_", 60),
    ("dor_v1_", 60),
    ("sq0atp-", 20),
    ("sq0csp-", 40),
    ("dt0c01.", 60),
    ("CCIPAT_", 30),
    ("ATATT3", 100),
    ("ATCTT3", 100),
    ("CFPAT-", 40),
    ("dp.st.", 36),
    ("dp.pt.", 36),
    ("dp.sa.", 36),
    ("PMAK-", 50),
    ("NRAK-", 27),
    ("HRKU-", 36),
    ("glsa_", 32),
    ("figd_", 36),
    ("live_", 30),
    ("bkua_", 36),
    ("glc_", 40),
    ("hvs.", 24),
    ("hvb.", 24),
    ("pul-", 40),
    ("nfp_", 36),
    ("ntn_", 40),
    ("dapi", 32),
    ("EAAA", 60),
    ("gsk_", 48),
    ("ya29.", 60),
    ("4/0A", 50),
    ("ops_", 50),
    ("AKCp", 60),
    ("sqp_", 40),
    ("squ_", 40),
    ("sqa_", 40),
    ("sbp_", 40),
    ("r8_", 36),
    ("sl.", 60),
    ("AQE", 90),
];

static RULES: &[TokenRule] = &[
    TokenRule {
        re: r"(?:AGE-SECRET-KEY-1|pscale_(?:tkn|pw)_|tskey-(?:auth|api)-|sk-or-v1-|xsmtpsib-|rubygems_|xkeysib-|APP_USR-|lin_api_|sntry[su]_|do[por]_v1_|sq0(?:atp|csp)-|dt0c01\.|CCIPAT_|AT[AC]TT3|CFPAT-|dp\.(?:st|pt|sa)\.|PMAK-|NRAK-|HRKU-|glsa_|figd_|live_|bkua_|glc_|hv[sb]\.|pul-|nfp_|ntn_|dapi|EAAA|gsk_|ya29\.|4/0A|ops_|AKCp|sq[pua]_|sbp_|r8_|sl\.|AQE)[A-Za-z0-9_\-.=+/]{20,400}",
        validate,
    },
    // Firebase Cloud Messaging's legacy server key: `AAAA` and 7 characters, a colon,
    // then `APA91b` and the key
    TokenRule {
        re: r"AAAA[A-Za-z0-9_\-]{7}:APA91b[A-Za-z0-9_\-]{100,200}",
        validate: validate_fcm,
    },
    // Airtable's personal access token: `pat`, 14 characters, a dot, 64 hex digits
    TokenRule {
        re: r"pat[A-Za-z0-9]{14}\.[0-9a-f]{64}",
        validate: validate_airtable,
    },
    // a Microsoft Entra ID (Azure AD) client secret: three characters, a digit, `Q~`,
    // then 31 to 34 more
    TokenRule {
        re: r"(?-u:\b)[A-Za-z0-9_.\-]{3}[0-9]Q~[A-Za-z0-9_~.\-]{31,34}",
        validate: validate_entra,
    },
    // Asana's personal access token: `1/` or `2/`, two ids, a colon, 32 hex digits
    TokenRule {
        re: r"(?-u:\b)[12]/[0-9]{13,19}/[0-9]{13,19}:[0-9a-f]{32}(?-u:\b)",
        validate: validate_asana,
    },
    // LaunchDarkly's server-side and mobile SDK keys: `sdk-` or `mob-` and a UUID
    TokenRule {
        re: r"(?-u:\b)(?:sdk|mob)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?-u:\b)",
        validate: validate_launchdarkly,
    },
];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    // a sentence's closing punctuation is not part of the token
    let v = v.trim_end_matches(['.', '/', '=']);
    let e = s + v.len();
    let &(prefix, min) = PREFIXES.iter().find(|(p, _)| v.starts_with(p))?;
    let tail = v.get(prefix.len()..)?;
    if tail.len() < min {
        return None;
    }
    random_tail(text, s, e, prefix, 3.5, 2)?;
    Some((0.9, s, e))
}

fn validate_fcm(text: &str, s: usize, e: usize) -> Option<Hit> {
    random_tail(text, s, e, "AAAA", 4.0, 3)?;
    Some((0.95, s, e))
}

fn validate_airtable(text: &str, s: usize, e: usize) -> Option<Hit> {
    random_tail(text, s, e, "pat", 3.5, 3)?;
    Some((0.95, s, e))
}

fn validate_entra(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    random_tail(text, s, e, v.get(..6)?, 3.5, 3)?;
    Some((0.9, s, e))
}

fn validate_asana(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    let (_, hex) = v.rsplit_once(':')?;
    // not a run of one digit (`0000…`): a placeholder
    (super::util::entropy(hex) >= 3.0).then_some((0.9, s, e))
}

fn validate_launchdarkly(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    let uuid = v.get(4..)?;
    (!super::util::is_placeholder(uuid) && super::util::entropy(uuid) >= 3.0)
        .then_some((0.85, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Secret,
    placeholder: "API_TOKEN",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
