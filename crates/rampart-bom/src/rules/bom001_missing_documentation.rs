use rampart_core::system::ModelSource;
use rampart_core::{declare_rule, Finding};

use super::{at, CheckInput};

declare_rule! {
    /// ## What it does
    /// Reports documentation the guidelines ask for that `rampart.toml` leaves empty:
    /// for models their provider, licence, intended scope, limitations, guardrails,
    /// failure modes, retention and review frequency; for datasets their provenance,
    /// licence, data classes and retention; the system's owner.
    ///
    /// ## Why is this dangerous?
    /// Undocumented models and data cannot be assessed, reviewed or recalled: nobody
    /// knows what a model was meant for, what it must not do, or which personal data a
    /// dataset holds and when it must be deleted.
    ///
    /// ## Example
    /// A `[[models]]` entry with no `card.limitations` and no `review_frequency`.
    ///
    /// ## Remediation
    /// Fill in the named fields; `rampart init` writes the skeleton.
    ///
    /// ## False positives
    /// Fields that do not apply (write `none` to record that deliberately).
    ///
    /// ## References
    /// Guidelines DV-3 (document your data, models and prompts), SD-4.
    pub(crate) static RULE = {
        code: "BOM001",
        name: "missing-documentation",
        severity: Medium,
        guidelines: [Dv3, Sd4],
        summary: "A documentation field the guidelines ask for is empty",
    }
}

pub(crate) fn check(input: &CheckInput<'_>, out: &mut Vec<Finding>) {
    let mut missing = |item: String, what: &str| {
        out.push(Finding::new(
            &RULE,
            format!("{item} has no {what}"),
            at(item),
        ));
    };
    if input.system.system.owner.is_none() {
        missing("system".into(), "owner");
    }
    for m in &input.system.models {
        let item = format!("models[{}]", m.id);
        let card = &m.card;
        if m.provider.is_none() {
            missing(item.clone(), "provider");
        }
        if m.license.is_none() && m.source != ModelSource::ExternalApi {
            missing(item.clone(), "license");
        }
        if card.intended_use.is_none() {
            missing(item.clone(), "card.intended_use (intended scope)");
        }
        if card.limitations.is_empty() {
            missing(item.clone(), "card.limitations");
        }
        if card.guardrails.is_empty() {
            missing(item.clone(), "card.guardrails");
        }
        if card.failure_modes.is_empty() {
            missing(item.clone(), "card.failure_modes");
        }
        if m.retention.is_none() {
            missing(item.clone(), "retention");
        }
        if m.review_frequency.is_none() {
            missing(item.clone(), "review_frequency");
        }
    }
    for d in &input.system.datasets {
        let item = format!("datasets[{}]", d.id);
        if d.provenance.is_none() {
            missing(item.clone(), "provenance");
        }
        if d.license.is_none() {
            missing(item.clone(), "license");
        }
        if d.data_classes.is_empty() {
            missing(item.clone(), "data_classes");
        }
        if d.retention.is_none() {
            missing(item.clone(), "retention");
        }
    }
}
