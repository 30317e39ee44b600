//! The codes the gateway records in the ledger, logs and metrics, one rule per file:
//! its own refusals (GW), tool-call control (TOOL) and model-extraction signals (EXT).
//! `rampart explain CODE` prints each one's documentation.

use rampart_core::RuleMeta;

pub(crate) mod ext001_request_volume;
pub(crate) mod ext002_prompt_breadth;
pub(crate) mod ext003_systematic_probing;
pub(crate) mod ext004_logprob_harvesting;
pub(crate) mod gw001_detector_failure;
pub(crate) mod gw002_rate_limited;
pub(crate) mod gw003_model_outside_scope;
pub(crate) mod gw004_rate_limiter_unavailable;
pub(crate) mod gw005_token_quota_exceeded;
pub(crate) mod gw006_route_outside_scope;
pub(crate) mod gw007_upstream_unavailable;
pub(crate) mod gw008_answer_not_judged;
pub(crate) mod gw009_request_not_accepted;
pub(crate) mod tool001_tool_not_granted;
pub(crate) mod tool002_high_risk_tool_without_grant;
pub(crate) mod tool003_tool_arguments_invalid;

/// Every gateway rule, in code order.
pub static RULES: &[&RuleMeta] = &[
    &gw001_detector_failure::RULE,
    &gw002_rate_limited::RULE,
    &gw003_model_outside_scope::RULE,
    &gw004_rate_limiter_unavailable::RULE,
    &gw005_token_quota_exceeded::RULE,
    &gw006_route_outside_scope::RULE,
    &gw007_upstream_unavailable::RULE,
    &gw008_answer_not_judged::RULE,
    &gw009_request_not_accepted::RULE,
    &tool001_tool_not_granted::RULE,
    &tool002_high_risk_tool_without_grant::RULE,
    &tool003_tool_arguments_invalid::RULE,
    &ext001_request_volume::RULE,
    &ext002_prompt_breadth::RULE,
    &ext003_systematic_probing::RULE,
    &ext004_logprob_harvesting::RULE,
];

/// Metadata of every gateway rule.
pub fn all() -> Vec<&'static RuleMeta> {
    RULES.to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server;

    #[test]
    fn registry_holds_the_shared_invariants() {
        let problems = rampart_core::rule::registry_problems(RULES, &["GW", "TOOL", "EXT"]);
        assert!(problems.is_empty(), "{problems:#?}");
    }

    /// The codes the server records are the registry's.
    #[test]
    fn server_codes_are_registered() {
        let recorded = [
            server::DETECTOR_ERROR_RULE,
            server::RATE_LIMITED_RULE,
            server::SCOPE_RULE,
            server::LIMITER_ERROR_RULE,
            server::TOKEN_QUOTA_RULE,
            server::ROUTE_SCOPE_RULE,
            server::NO_UPSTREAM_RULE,
            server::UNJUDGED_ANSWER_RULE,
            server::BAD_REQUEST_RULE,
        ];
        let gw: Vec<&str> = RULES
            .iter()
            .map(|r| r.code)
            .filter(|c| c.starts_with("GW"))
            .collect();
        assert_eq!(recorded.as_slice(), gw.as_slice());
    }
}
