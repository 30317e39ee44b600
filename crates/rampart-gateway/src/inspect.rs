//! What the gateway asks of the guard: judge inbound messages, judge outbound text,
//! and redact data before it leaves for an external upstream. The trait keeps the
//! proxy independent of the detector implementation (`guard.rs` adapts rampart-guard).

/// What to do with a message: the one [`rampart_core::Decision`], also what the
/// ledger records.
pub use rampart_core::Decision as Action;

/// A judgement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The action.
    pub action: Action,
    /// Codes of the rules that matched.
    pub rules: Vec<String>,
    /// The text to use instead, for `Redact`.
    pub replacement: Option<String>,
    /// The guard's highest scores, whatever the policy made of them (drift, OM-1).
    pub scores: Scores,
}

impl Verdict {
    /// Nothing matched.
    pub fn allow() -> Verdict {
        Verdict {
            action: Action::Allow,
            rules: Vec::new(),
            replacement: None,
            scores: Scores::default(),
        }
    }
}

/// The highest score the guard gave a text, per group of categories, in hundredths
/// (0: no finding; a finding's score is at least 1). Findings below the policy's
/// `min_score` count too: a drift in what stays under the threshold is what probing
/// looks like. Groups: [`Scores::ATTACK`] (injection, jailbreak, obfuscation),
/// [`Scores::DATA`] (secrets, personal data), [`Scores::EXFILTRATION`]
/// (exfiltration, leakage).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scores(pub [u8; 3]);

impl Scores {
    /// Injection, jailbreak and obfuscation.
    pub const ATTACK: usize = 0;
    /// Secrets and personal data.
    pub const DATA: usize = 1;
    /// Exfiltration and leakage.
    pub const EXFILTRATION: usize = 2;

    /// Raises group `group` to `score` (0.0–1.0) when it is higher.
    pub fn raise(&mut self, group: usize, score: f32) {
        // the clamp keeps the product in 1..=100, so the conversion cannot fail
        let hundredths = (score.clamp(0.0, 1.0) * 100.0).round().max(1.0);
        let h = u8::try_from(hundredths as u32).unwrap_or(100);
        if let Some(s) = self.0.get_mut(group) {
            *s = (*s).max(h);
        }
    }

    /// The higher of each group.
    #[must_use]
    pub fn max(self, other: Scores) -> Scores {
        Scores(std::array::from_fn(|i| self.0[i].max(other.0[i])))
    }
}

/// One finding on output text under the gateway's policy: the rule, what the policy
/// does with it, its character span in the judged text, and the placeholder label
/// used when it is redacted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Rule code.
    pub rule: String,
    /// What the policy does with this finding.
    pub action: Action,
    /// Start, in characters of the judged text.
    pub start: usize,
    /// End (exclusive), in characters of the judged text.
    pub end: usize,
    /// Placeholder label (`EMAIL`, `PRIVATE_KEY`, ...).
    pub label: &'static str,
}

/// Placeholders created while redacting one request, to restore them in the response.
#[derive(Debug, Default)]
pub struct Vault(pub rampart_guard::Redactions);

impl Vault {
    /// Puts the originals back into `text`.
    pub fn restore(&self, text: &str) -> String {
        self.0.restore(text)
    }
}

/// The guard, as the gateway uses it. Implementations must be cheap to call on every
/// request and must never panic.
pub trait Inspector: Send + Sync {
    /// Judges one inbound message (`role` is `system`, `user`, `assistant` or `tool`);
    /// placeholders of a redaction go to `vault`, so the caller's own data can be
    /// restored in the response.
    fn inbound(&self, role: &str, text: &str, vault: &mut Vault) -> Verdict;
    /// Judges model output: the findings that count under the policy, with spans.
    /// Streams call it on windows of the text (see [`crate::judge`]).
    fn outbound(&self, text: &str) -> Vec<Hit>;
    /// Replaces personal data and secrets in text bound for an external upstream,
    /// recording the placeholders in `vault`.
    fn egress(&self, text: &str, vault: &mut Vault) -> String;
}
