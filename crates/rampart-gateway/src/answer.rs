//! A whole (non-stream) answer judged in full: every text of the answer view —
//! content in any shape, reasoning, refusals, tool-call names and arguments, legacy
//! `function_call`, error bodies and fields no schema names — through the same
//! [`OutputJudge`](crate::judge::OutputJudge) a stream goes through; log
//! probabilities judged with their tokens joined; tool calls through tool control.

use serde_json::Value;

use crate::inspect::{Action, Vault, Verdict};
use crate::judge::{join, judge_whole};
use crate::keys::KeyRecord;
use crate::record::merge;
use crate::server::{Gateway, UNJUDGED_ANSWER_RULE};
use crate::view::{self, Seg};

/// The outcome of judging an answer.
pub(crate) struct Judged {
    pub verdict: Verdict,
    /// Characters of output text (for a token estimate when no usage is reported).
    pub output_chars: usize,
}

/// Judges `answer` in place: redactions applied, the caller's own placeholders
/// restored, refused tool calls removed.
pub(crate) fn judge(
    gw: &Gateway,
    key: Option<&KeyRecord>,
    answer: &mut Value,
    canary: &str,
    vault: &Vault,
) -> Judged {
    let mut verdict = Verdict::allow();
    let view = match view::answer(answer) {
        Ok(v) => v,
        Err(e) => {
            tracing::warn!(target: "rampart::gateway", error = %e, "answer cannot be judged");
            return Judged {
                verdict: Verdict {
                    action: Action::Block,
                    rules: vec![UNJUDGED_ANSWER_RULE.into()],
                    ..Verdict::allow()
                },
                output_chars: 0,
            };
        }
    };
    let holdback = gw.holdback();
    let judge = |w: &str| gw.outbound(w, canary);
    let mut output_chars = 0;
    for p in &view.pieces {
        let Some(text) = view::get(answer, &p.path).and_then(Value::as_str) else {
            continue;
        };
        output_chars += text.chars().count();
        let (v, parts) = judge_whole(text, holdback, &judge);
        let out = join(&parts, |t| vault.restore(t));
        merge(&mut verdict, v);
        view::set_text(answer, &p.path, out);
    }
    // Log probabilities: the sampled tokens joined (a secret split over tokens is
    // seen whole) and every alternative; anything to redact drops them.
    for lp in &view.logprobs {
        let Some(v) = view::get(answer, lp) else {
            continue;
        };
        let (sampled, rest) = view::logprob_texts(v);
        let mut worst = Verdict::allow();
        for t in [sampled, rest] {
            merge(&mut worst, judge_whole(&t, holdback, &judge).0);
        }
        if worst.action >= Action::Redact {
            if let Some(slot) = view::get_mut(answer, lp) {
                *slot = Value::Null;
            }
            worst.action = worst.action.max(Action::Redact);
        }
        merge(&mut verdict, worst);
    }
    tool_control(gw, key, answer, &view.tool_calls, &mut verdict);
    Judged {
        verdict,
        output_chars,
    }
}

/// Strips the tool calls the key may not make (`tool_calls[]` and legacy
/// `function_call` alike); a choice left with none says why in its content.
fn tool_control(
    gw: &Gateway,
    key: Option<&KeyRecord>,
    answer: &mut Value,
    calls: &[view::ToolCall],
    verdict: &mut Verdict,
) {
    // refused calls per choice, removed from the last index down
    let mut refused: Vec<(usize, Vec<Seg>, String)> = Vec::new();
    for call in calls {
        let Some(c) = view::get(answer, &call.path) else {
            continue;
        };
        let f = if call.legacy { c } else { &c["function"] };
        let name = f["name"].as_str().unwrap_or_default();
        let args = f["arguments"].as_str().unwrap_or("{}");
        if let Err(r) = gw.tools.judge(key, name, args) {
            merge(
                verdict,
                Verdict {
                    action: Action::Redact,
                    rules: vec![r.rule.to_string()],
                    ..Verdict::allow()
                },
            );
            refused.push((call.choice, call.path.clone(), r.message));
        }
    }
    // remove in reverse document order so earlier indices stay valid
    for (_, path, _) in refused.iter().rev() {
        let Some((last, parent)) = path.split_last() else {
            continue;
        };
        let Some(container) = view::get_mut(answer, parent) else {
            continue;
        };
        match (last, container) {
            (Seg::Index(i), Value::Array(items)) if *i < items.len() => {
                items.remove(*i);
            }
            (Seg::Key(k), Value::Object(map)) => {
                map.remove(k);
            }
            _ => {}
        }
    }
    let mut choices: Vec<usize> = refused.iter().map(|r| r.0).collect();
    choices.sort_unstable();
    choices.dedup();
    for i in choices {
        let messages: Vec<String> = refused
            .iter()
            .filter(|r| r.0 == i)
            .map(|r| r.2.clone())
            .collect();
        let Some(c) = answer
            .get_mut("choices")
            .and_then(|c| c.get_mut(i))
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        let left = c.get("message").is_some_and(|m| {
            m["tool_calls"].as_array().is_some_and(|a| !a.is_empty())
                || m.get("function_call").is_some()
        });
        if left {
            continue;
        }
        if let Some(m) = c.get_mut("message").and_then(Value::as_object_mut) {
            m.remove("tool_calls");
            m.insert(
                "content".into(),
                Value::String(format!(
                    "[rampart: tool call refused: {}]",
                    messages.join("; ")
                )),
            );
        }
        c.insert("finish_reason".into(), Value::String("stop".into()));
    }
}
