//! The detector registry.
//!
//! One file per detector: its metadata (stable code, name, severity, guideline IDs)
//! with the documentation as its doc comment, its category, the roles it applies to,
//! and either the phrase patterns it contributes to the one-pass phrase engine, the
//! token grammar and validator it contributes to the token engine, or (for detectors
//! that need the whole text or the configuration) a function the pipeline calls.
//! [`DETECTORS`] lists them all in code order.

use rampart_core::RuleMeta;

use crate::types::{Category, Role};

pub(crate) mod cls001_injection_classifier;
pub(crate) mod cls002_onnx_classifier;
pub(crate) mod exf001_exfiltration_request;
pub(crate) mod exf002_markdown_image_exfiltration;
pub(crate) mod exf003_link_outside_allow_list;
pub(crate) mod inj001_instruction_override;
pub(crate) mod inj002_chat_template_token;
pub(crate) mod inj003_indirect_injection_framing;
pub(crate) mod inj004_system_prompt_extraction;
pub(crate) mod inj005_agent_directive_in_data;
pub(crate) mod inj006_authority_bypass;
pub(crate) mod inj007_payload_assembly;
pub(crate) mod jbk001_persona_jailbreak;
pub(crate) mod jbk002_restriction_removal;
pub(crate) mod jbk003_fictional_framing;
pub(crate) mod lek001_canary_token;
pub(crate) mod lek002_system_prompt_overlap;
pub(crate) mod obf001_invisible_characters;
pub(crate) mod obf002_lookalike_characters;
pub(crate) mod obf003_encoded_payload;
pub(crate) mod ood001_gibberish;
pub(crate) mod ood002_extreme_length;
pub(crate) mod ood003_script_mix;
pub(crate) mod ood004_repetition;
pub(crate) mod out001_active_content;
pub(crate) mod pii001_email;
pub(crate) mod pii002_phone;
pub(crate) mod pii003_payment_card;
pub(crate) mod pii004_iban;
pub(crate) mod pii005_us_ssn;
pub(crate) mod pii006_uk_nino;
pub(crate) mod pii007_ip_address;
pub(crate) mod pii008_de_tax_id;
pub(crate) mod pii009_de_id_card_number;
pub(crate) mod pii010_fr_nir;
pub(crate) mod pii011_es_dni_nie;
pub(crate) mod pii012_it_codice_fiscale;
pub(crate) mod pii013_pt_nif;
pub(crate) mod pii014_br_cpf;
pub(crate) mod pii015_nl_bsn;
pub(crate) mod pii016_postal_address;
pub(crate) mod pii017_date_of_birth;
pub(crate) mod pii018_person_name;
pub(crate) mod pii019_record_field;
pub(crate) mod pii020_licence_plate;
pub(crate) mod pii021_table_of_people;
pub(crate) mod sec001_aws_access_key_id;
pub(crate) mod sec002_aws_secret_key;
pub(crate) mod sec003_github_token;
pub(crate) mod sec004_github_fine_grained;
pub(crate) mod sec005_gitlab_token;
pub(crate) mod sec006_slack_token;
pub(crate) mod sec007_stripe_key;
pub(crate) mod sec008_openai_key;
pub(crate) mod sec009_anthropic_key;
pub(crate) mod sec010_google_api_key;
pub(crate) mod sec011_jwt;
pub(crate) mod sec012_private_key;
pub(crate) mod sec013_generic_secret;
pub(crate) mod sec014_bearer_token;
pub(crate) mod sec015_secret_in_prose;
pub(crate) mod sec016_azure_storage_credential;
pub(crate) mod sec017_stripe_webhook_secret;
pub(crate) mod sec018_huggingface_token;
pub(crate) mod sec019_pypi_token;
pub(crate) mod sec020_docker_hub_token;
pub(crate) mod sec021_sendgrid_key;
pub(crate) mod sec022_telegram_bot_token;
pub(crate) mod sec023_shopify_token;
pub(crate) mod sec024_discord_token;
pub(crate) mod sec025_mailgun_key;
pub(crate) mod sec026_basic_auth_credentials;
pub(crate) mod sec027_password_on_command_line;
pub(crate) mod sec028_recovery_codes;
pub(crate) mod sec029_vendor_prefixed_token;
pub(crate) mod sec030_access_code;
pub(crate) mod sec031_recovery_phrase;
pub(crate) mod sec032_token_in_link;
pub(crate) mod sec033_app_password;
pub(crate) mod sec034_authenticator_key;
pub(crate) mod sec035_bitlocker_recovery_key;
pub(crate) mod sec036_session_cookie;
pub(crate) mod util;

/// Roles a detector applies to.
pub(crate) const INPUT: &[Role] = &[Role::User, Role::Tool];
/// Tool results and retrieved documents only: words that are the user's own
/// instructions in a user turn are an injection in data.
pub(crate) const DATA: &[Role] = &[Role::Tool];
pub(crate) const UNTRUSTED: &[Role] = &[Role::User, Role::Tool, Role::Assistant];
pub(crate) const ALL: &[Role] = &[Role::System, Role::User, Role::Tool, Role::Assistant];
pub(crate) const OUTPUT: &[Role] = &[Role::Assistant];

/// A phrase pattern for the one-pass phrase engine. Patterns are matched against the
/// lowercase normalised text; `\b` means an ASCII word boundary.
#[derive(Debug)]
pub(crate) struct Phrase {
    /// Regular expression (lowercase).
    pub(crate) re: &'static str,
    /// Evidence weight in `0..1`; weights of distinct patterns in one sentence combine
    /// as `1 - Π(1 - w)`.
    pub(crate) weight: f32,
}

/// A validated token match: score and the byte range to report.
pub(crate) type Hit = (f32, usize, usize);

/// Validates a token match. Receives the whole (normalised, case-preserved) text and
/// the byte range of the value (the `v` capture group, or the whole match); returns the
/// score and the byte range to report, or `None` for a look-alike.
pub(crate) type Validate = fn(&str, usize, usize) -> Option<Hit>;

/// A token grammar for the token engine.
#[derive(Debug)]
pub(crate) struct TokenRule {
    /// Regular expression (case-sensitive unless it says `(?i)`); an optional named
    /// group `v` is the value.
    pub(crate) re: &'static str,
    /// Checksum, context and look-alike checks.
    pub(crate) validate: Validate,
}

/// How a detector runs.
#[derive(Debug)]
pub(crate) enum Engine {
    /// Phrase patterns (injection, jailbreak, exfiltration requests).
    Phrases(&'static [Phrase]),
    /// Token grammars (secrets, personal data, exfiltration links).
    Tokens(&'static [TokenRule]),
    /// Custom code in the pipeline (normalisation, output checks, OOD, classifier).
    Custom,
}

/// One registered detector.
#[derive(Debug)]
pub struct Detector {
    /// Metadata and documentation.
    pub meta: &'static RuleMeta,
    /// Risk category of its findings.
    pub category: Category,
    /// Label used in redaction placeholders, e.g. `EMAIL` in `[REDACTED:EMAIL_1]`.
    pub placeholder: &'static str,
    /// Roles whose text the detector examines.
    pub roles: &'static [Role],
    /// A weak detector's findings are dropped where they overlap a stronger finding of
    /// the same category (a generic secret inside a typed key, a phone number inside a
    /// card number).
    pub weak: bool,
    pub(crate) engine: Engine,
}

/// Every detector, in code order.
pub static DETECTORS: &[&Detector] = &[
    &cls001_injection_classifier::DETECTOR,
    &cls002_onnx_classifier::DETECTOR,
    &exf001_exfiltration_request::DETECTOR,
    &exf002_markdown_image_exfiltration::DETECTOR,
    &exf003_link_outside_allow_list::DETECTOR,
    &inj001_instruction_override::DETECTOR,
    &inj002_chat_template_token::DETECTOR,
    &inj003_indirect_injection_framing::DETECTOR,
    &inj004_system_prompt_extraction::DETECTOR,
    &inj005_agent_directive_in_data::DETECTOR,
    &inj006_authority_bypass::DETECTOR,
    &inj007_payload_assembly::DETECTOR,
    &jbk001_persona_jailbreak::DETECTOR,
    &jbk002_restriction_removal::DETECTOR,
    &jbk003_fictional_framing::DETECTOR,
    &lek001_canary_token::DETECTOR,
    &lek002_system_prompt_overlap::DETECTOR,
    &obf001_invisible_characters::DETECTOR,
    &obf002_lookalike_characters::DETECTOR,
    &obf003_encoded_payload::DETECTOR,
    &ood001_gibberish::DETECTOR,
    &ood002_extreme_length::DETECTOR,
    &ood003_script_mix::DETECTOR,
    &ood004_repetition::DETECTOR,
    &out001_active_content::DETECTOR,
    &pii001_email::DETECTOR,
    &pii002_phone::DETECTOR,
    &pii003_payment_card::DETECTOR,
    &pii004_iban::DETECTOR,
    &pii005_us_ssn::DETECTOR,
    &pii006_uk_nino::DETECTOR,
    &pii007_ip_address::DETECTOR,
    &pii008_de_tax_id::DETECTOR,
    &pii009_de_id_card_number::DETECTOR,
    &pii010_fr_nir::DETECTOR,
    &pii011_es_dni_nie::DETECTOR,
    &pii012_it_codice_fiscale::DETECTOR,
    &pii013_pt_nif::DETECTOR,
    &pii014_br_cpf::DETECTOR,
    &pii015_nl_bsn::DETECTOR,
    &pii016_postal_address::DETECTOR,
    &pii017_date_of_birth::DETECTOR,
    &pii018_person_name::DETECTOR,
    &pii019_record_field::DETECTOR,
    &pii020_licence_plate::DETECTOR,
    &pii021_table_of_people::DETECTOR,
    &sec001_aws_access_key_id::DETECTOR,
    &sec002_aws_secret_key::DETECTOR,
    &sec003_github_token::DETECTOR,
    &sec004_github_fine_grained::DETECTOR,
    &sec005_gitlab_token::DETECTOR,
    &sec006_slack_token::DETECTOR,
    &sec007_stripe_key::DETECTOR,
    &sec008_openai_key::DETECTOR,
    &sec009_anthropic_key::DETECTOR,
    &sec010_google_api_key::DETECTOR,
    &sec011_jwt::DETECTOR,
    &sec012_private_key::DETECTOR,
    &sec013_generic_secret::DETECTOR,
    &sec014_bearer_token::DETECTOR,
    &sec015_secret_in_prose::DETECTOR,
    &sec016_azure_storage_credential::DETECTOR,
    &sec017_stripe_webhook_secret::DETECTOR,
    &sec018_huggingface_token::DETECTOR,
    &sec019_pypi_token::DETECTOR,
    &sec020_docker_hub_token::DETECTOR,
    &sec021_sendgrid_key::DETECTOR,
    &sec022_telegram_bot_token::DETECTOR,
    &sec023_shopify_token::DETECTOR,
    &sec024_discord_token::DETECTOR,
    &sec025_mailgun_key::DETECTOR,
    &sec026_basic_auth_credentials::DETECTOR,
    &sec027_password_on_command_line::DETECTOR,
    &sec028_recovery_codes::DETECTOR,
    &sec029_vendor_prefixed_token::DETECTOR,
    &sec030_access_code::DETECTOR,
    &sec031_recovery_phrase::DETECTOR,
    &sec032_token_in_link::DETECTOR,
    &sec033_app_password::DETECTOR,
    &sec034_authenticator_key::DETECTOR,
    &sec035_bitlocker_recovery_key::DETECTOR,
    &sec036_session_cookie::DETECTOR,
];

/// The detector with this code.
pub fn by_code(code: &str) -> Option<&'static Detector> {
    DETECTORS.iter().copied().find(|d| d.meta.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_invariants() {
        let metas: Vec<&RuleMeta> = DETECTORS.iter().map(|d| d.meta).collect();
        let problems = rampart_core::rule::registry_problems(&metas, &[]);
        assert!(problems.is_empty(), "{problems:#?}");
        assert!(DETECTORS.iter().all(|d| !d.placeholder.is_empty()));
    }
}
