//! The `[guard]` table of `rampart.toml` applied to a pipeline and a policy, and what
//! it weakens against the secure defaults (listed by `rampart config check`).

use rampart_core::system::GuardSettings;

use crate::{Action, Category, GuardError, PipelineConfig, Policy, DETECTORS};

/// The default score at or above which a finding decides.
const DEFAULT_MIN_SCORE: f32 = 0.6;

/// Applies a `[guard]` table: its allow-list and disabled detectors go into `cfg`, and
/// the policy it describes (the default policy with its overrides) is returned. An
/// unknown category or detector code, a score outside 0..=1 or a host that is not a
/// bare host name is an error, so a typo never turns a control off silently.
pub fn apply(settings: &GuardSettings, cfg: &mut PipelineConfig) -> Result<Policy, GuardError> {
    let mut policy = Policy::default();
    if let Some(m) = settings.min_score {
        if !(0.0..=1.0).contains(&m) {
            return Err(GuardError::Config(format!(
                "guard.min_score = {m} is not between 0 and 1"
            )));
        }
        policy.min_score = m;
    }
    for (key, action) in &settings.actions {
        let action = *action;
        match Category::parse(key) {
            Some(c) => {
                policy.categories.insert(c, action);
            }
            None => {
                known_code(key, "guard.actions")?;
                policy.codes.insert(key.clone(), action);
            }
        }
    }
    for code in &settings.disabled {
        known_code(code, "guard.disabled")?;
        cfg.disabled.push(code.clone());
    }
    for host in &settings.allowed_hosts {
        let bare = host.trim_start_matches("*.");
        if bare.is_empty()
            || !bare
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
        {
            return Err(GuardError::Config(format!(
                "guard.allowed_hosts: {host:?} is not a host name (write `example.com`, \
                 without scheme, port or path)"
            )));
        }
        cfg.allowed_hosts.push(host.to_ascii_lowercase());
    }
    Ok(policy)
}

/// What a `[guard]` table weakens against the secure defaults, as (setting, what it
/// means): detectors turned off, actions milder than the default for the findings
/// they cover, and a higher `min_score`.
pub fn weakenings(settings: &GuardSettings) -> Vec<(String, String)> {
    let defaults = Policy::default();
    let mut out = Vec::new();
    for code in &settings.disabled {
        out.push((
            "guard.disabled".to_owned(),
            format!("detector {code} is turned off"),
        ));
    }
    if let Some(m) = settings.min_score.filter(|m| *m > DEFAULT_MIN_SCORE) {
        out.push((
            "guard.min_score".to_owned(),
            format!("findings scoring from {DEFAULT_MIN_SCORE} up to {m} no longer decide"),
        ));
    }
    for (key, action) in &settings.actions {
        let action = *action;
        // the default action of the findings the key covers: its category's, or the
        // mildest of the categories of the detectors it names
        let default = match Category::parse(key) {
            Some(c) => defaults.categories.get(&c).copied(),
            None => DETECTORS
                .iter()
                .filter(|d| d.meta.code.starts_with(key.as_str()))
                .filter_map(|d| defaults.categories.get(&d.category).copied())
                .min(),
        };
        if let Some(default) = default.filter(|d| action < *d) {
            out.push((
                format!("guard.actions.{key}"),
                format!(
                    "{key} findings are {} instead of {}",
                    past(action),
                    past(default)
                ),
            ));
        }
    }
    out
}

fn past(a: Action) -> &'static str {
    match a {
        Action::Allow => "allowed",
        Action::Flag => "flagged",
        Action::Redact => "redacted",
        Action::Block => "blocked",
    }
}

/// `key` is a detector code or the prefix of one (`PII`).
fn known_code(key: &str, setting: &str) -> Result<(), GuardError> {
    if !key.is_empty() && DETECTORS.iter().any(|d| d.meta.code.starts_with(key)) {
        return Ok(());
    }
    Err(GuardError::Config(format!(
        "{setting}: {key:?} is neither a category ({}) nor a detector code or prefix \
         (`rampart rules` lists them)",
        Category::ALL.map(Category::as_str).join(", ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rampart_core::Decision;
    use std::collections::BTreeMap;

    fn settings(actions: &[(&str, Decision)]) -> GuardSettings {
        GuardSettings {
            actions: actions
                .iter()
                .map(|(k, a)| ((*k).to_owned(), *a))
                .collect::<BTreeMap<_, _>>(),
            ..GuardSettings::default()
        }
    }

    #[test]
    fn typos_are_errors() {
        let mut cfg = PipelineConfig::default();
        for bad in [
            settings(&[("piii", Decision::Flag)]),
            settings(&[("XYZ001", Decision::Flag)]),
            GuardSettings {
                disabled: vec!["OOD9".into()],
                ..GuardSettings::default()
            },
            GuardSettings {
                min_score: Some(1.5),
                ..GuardSettings::default()
            },
            GuardSettings {
                allowed_hosts: vec!["https://example.com/".into()],
                ..GuardSettings::default()
            },
        ] {
            assert!(apply(&bad, &mut cfg).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn categories_codes_and_prefixes_set_the_policy() {
        let mut cfg = PipelineConfig::default();
        let s = GuardSettings {
            allowed_hosts: vec!["Docs.Example.com".into()],
            disabled: vec!["OOD004".into()],
            min_score: Some(0.5),
            ..settings(&[
                ("pii", Decision::Flag),
                ("SEC", Decision::Block),
                ("EXF003", Decision::Flag),
            ])
        };
        let p = apply(&s, &mut cfg).unwrap();
        assert_eq!(p.categories.get(&Category::Pii), Some(&Action::Flag));
        assert_eq!(p.codes.get("SEC"), Some(&Action::Block));
        assert_eq!(p.min_score, 0.5);
        assert_eq!(cfg.disabled, ["OOD004"]);
        assert_eq!(cfg.allowed_hosts, ["docs.example.com"]);
    }

    #[test]
    fn milder_actions_and_turned_off_detectors_are_weakenings() {
        let s = GuardSettings {
            disabled: vec!["INJ001".into()],
            min_score: Some(0.8),
            ..settings(&[
                ("injection", Decision::Flag),
                ("pii", Decision::Block),
                ("EXF003", Decision::Allow),
                ("OOD", Decision::Flag),
            ])
        };
        let w: Vec<String> = weakenings(&s).into_iter().map(|(k, _)| k).collect();
        assert_eq!(
            w,
            [
                "guard.disabled",
                "guard.min_score",
                "guard.actions.EXF003",
                "guard.actions.injection"
            ]
        );
        // stricter settings weaken nothing
        let strict = GuardSettings {
            min_score: Some(0.4),
            ..settings(&[("pii", Decision::Block), ("OBF", Decision::Block)])
        };
        assert!(weakenings(&strict).is_empty());
    }
}
