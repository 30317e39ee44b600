//! Messages, roles, categories and findings.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Who wrote a piece of text. Detectors weigh their evidence by role: a chat-template
/// token is expected in a system prompt but not in user text, and "AI assistant reading
/// this" framing matters most in a retrieved document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Role {
    /// The operator's system prompt.
    System,
    /// The end user's turn.
    #[default]
    User,
    /// The model's answer (output checks apply).
    Assistant,
    /// A tool result or a retrieved document: untrusted data, not instructions.
    #[serde(alias = "document", alias = "retrieved", alias = "function")]
    Tool,
}

impl Role {
    /// Parses `system`, `user`, `assistant`, `tool` (also `document`, `retrieved`,
    /// `function`), case-insensitively.
    pub fn parse(s: &str) -> Option<Role> {
        match s.to_ascii_lowercase().as_str() {
            "system" | "developer" => Some(Role::System),
            "user" | "human" => Some(Role::User),
            "assistant" | "model" | "output" => Some(Role::Assistant),
            "tool" | "document" | "retrieved" | "function" => Some(Role::Tool),
            _ => None,
        }
    }

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
            Role::Tool => "tool",
        }
    }
}

/// One message of a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// Who wrote it.
    pub role: Role,
    /// The text.
    pub content: String,
}

impl Message {
    /// A message with the given role and text.
    pub fn new(role: Role, content: impl Into<String>) -> Self {
        Message {
            role,
            content: content.into(),
        }
    }
}

/// What kind of risk a finding names. Policies map categories to actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Category {
    /// Text that tries to override the operator's instructions.
    Injection,
    /// Text that tries to lift the model's safety behaviour (personas, "no rules").
    Jailbreak,
    /// Credentials: API keys, tokens, private keys, passwords.
    Secret,
    /// Personal data: e-mail addresses, phone numbers, card numbers, national IDs.
    Pii,
    /// Attempts to move data out: to a URL, an image link, a webhook.
    Exfiltration,
    /// Hidden or encoded text: invisible characters, homoglyphs, encoded payloads.
    Obfuscation,
    /// Output that reveals the system prompt or a canary.
    Leakage,
    /// Out-of-distribution or adversarial input: gibberish, extreme length, repetition.
    Ood,
}

impl Category {
    /// Every category.
    pub const ALL: [Category; 8] = [
        Category::Injection,
        Category::Jailbreak,
        Category::Secret,
        Category::Pii,
        Category::Exfiltration,
        Category::Obfuscation,
        Category::Leakage,
        Category::Ood,
    ];

    /// The lowercase name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Injection => "injection",
            Category::Jailbreak => "jailbreak",
            Category::Secret => "secret",
            Category::Pii => "pii",
            Category::Exfiltration => "exfiltration",
            Category::Obfuscation => "obfuscation",
            Category::Leakage => "leakage",
            Category::Ood => "ood",
        }
    }

    /// Parses the lowercase name.
    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One detection.
///
/// `span` is a half-open range of **character** (Unicode scalar value) indices into the
/// original text the caller passed, not into the normalised text: `text.chars().skip(start)
/// .take(end - start)` is the evidence. For a finding inside a decoded segment (base64,
/// hex, URL-encoding) the span covers the whole encoded segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// The detector's stable code, e.g. `SEC001`.
    pub rule: String,
    /// The risk category.
    pub category: Category,
    /// Confidence in `0.0..=1.0`. Policies ignore findings below their `min_score`.
    pub score: f32,
    /// Character range in the original text.
    pub span: (usize, usize),
    /// Human-readable explanation. Never contains the secret value itself.
    pub message: String,
}

impl Finding {
    /// The registry entry of this finding's detector.
    pub fn detector(&self) -> Option<&'static crate::detectors::Detector> {
        crate::detectors::by_code(&self.rule)
    }
}
