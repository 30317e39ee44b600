use rampart_core::system::parse_date;
use rampart_core::{declare_rule, Finding};

use super::{at, CheckInput};

declare_rule! {
    /// ## What it does
    /// Reports review dates that have passed: models' and prompts' `next_review`,
    /// risk decisions' and technical-debt items' `review_by`. Dates that are not
    /// `YYYY-MM-DD` are reported too.
    ///
    /// ## Why is this dangerous?
    /// Risk decisions and debt are accepted for a time, under assumptions that age;
    /// the guidelines ask for regular reassessment as threats evolve.
    ///
    /// ## Example
    /// `review_by = "2025-01-31"` on an accepted risk, checked in 2026.
    ///
    /// ## Remediation
    /// Review the item, record the outcome and set the next date.
    ///
    /// ## False positives
    /// None: a passed date is a passed date.
    ///
    /// ## References
    /// Guidelines DV-4 (manage technical debt), SD-2 (threat model review), DV-3.
    pub(crate) static RULE = {
        code: "BOM003",
        name: "overdue-review",
        severity: Medium,
        guidelines: [Dv4, Sd2, Dv3],
        summary: "A review date has passed",
    }
}

pub(crate) fn check(input: &CheckInput<'_>, out: &mut Vec<Finding>) {
    let s = input.system;
    let dated = s
        .models
        .iter()
        .map(|m| {
            (
                format!("models[{}].next_review", m.id),
                m.next_review.as_deref(),
            )
        })
        .chain(s.prompts.iter().map(|p| {
            (
                format!("prompts[{}].next_review", p.id),
                p.next_review.as_deref(),
            )
        }))
        .chain(
            s.risks
                .iter()
                .map(|r| (format!("risks[{}].review_by", r.id), r.review_by.as_deref())),
        )
        .chain(
            s.debt
                .iter()
                .map(|d| (format!("debt[{}].review_by", d.id), d.review_by.as_deref())),
        );
    for (item, date) in dated {
        let Some(date) = date else { continue };
        match parse_date(date) {
            Some(d) if d < input.today => {
                let (y, m, dd) = input.today;
                out.push(Finding::new(
                    &RULE,
                    format!("{item} was {date}; today is {y:04}-{m:02}-{dd:02}"),
                    at(item),
                ));
            }
            Some(_) => {}
            None => out.push(Finding::new(
                &RULE,
                format!("{item} is {date:?}, not a YYYY-MM-DD date"),
                at(item),
            )),
        }
    }
}
