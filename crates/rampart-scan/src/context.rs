//! Per-file scan state: the findings sink that rules report into, the archive member
//! chain that prefixes every location, and the resource budget.

use std::collections::HashSet;
use std::path::PathBuf;

use rampart_core::{Finding, Location, RuleMeta};

use crate::formats::pickle::UserAllow;
use crate::limits::Limits;

/// State for scanning one top-level file (and everything nested inside it).
pub struct Ctx<'a> {
    /// Caps in force.
    pub limits: &'a Limits,
    /// Directory holding the top-level file, for checks that resolve relative paths
    /// (ONNX external data).
    pub base_dir: Option<PathBuf>,
    /// Pickle globals the user allowed (`--allow`, `[scan] allow`).
    pub allow: &'a UserAllow,
    findings: Vec<Finding>,
    seen: HashSet<(&'static str, String, Option<String>)>,
    incomplete: bool,
    members: Vec<String>,
    decompressed: u64,
}

impl<'a> Ctx<'a> {
    /// A fresh context.
    pub fn new(limits: &'a Limits, base_dir: Option<PathBuf>) -> Self {
        static NONE: UserAllow = UserAllow::new();
        Ctx {
            limits,
            base_dir,
            allow: &NONE,
            findings: Vec::new(),
            seen: HashSet::new(),
            incomplete: false,
            members: Vec::new(),
            decompressed: 0,
        }
    }

    /// Current nesting depth (0 for the top-level file).
    pub fn depth(&self) -> usize {
        self.members.len()
    }

    /// The current member chain, `!`-joined, or `None` at top level.
    pub fn member(&self) -> Option<String> {
        if self.members.is_empty() {
            None
        } else {
            Some(self.members.join("!"))
        }
    }

    /// Reports a finding of `rule` at byte `offset` of the current member, about `item`.
    /// Identical findings (same rule, message and member) are reported once.
    pub fn report(
        &mut self,
        rule: &RuleMeta,
        message: impl Into<String>,
        offset: Option<u64>,
        item: Option<String>,
    ) {
        let message = message.into();
        let member = self.member();
        if !self
            .seen
            .insert((rule.code, message.clone(), member.clone()))
        {
            return;
        }
        self.findings.push(Finding::new(
            rule,
            message,
            Location {
                member,
                offset,
                item,
            },
        ));
    }

    /// Marks the file as not completely judged (parse failure or limit).
    pub fn mark_incomplete(&mut self) {
        self.incomplete = true;
    }

    /// True when archives at this depth must not be opened: reports the limit
    /// (`SCN002`) and marks the file incomplete.
    pub fn nesting_exhausted(&mut self, rule: &RuleMeta, what: &str) -> bool {
        if self.depth() < self.limits.nesting {
            return false;
        }
        self.report(
            rule,
            format!("{what} nested too deeply; its content was not judged"),
            None,
            None,
        );
        self.mark_incomplete();
        true
    }

    /// Runs `f` with `name` pushed on the member chain.
    pub fn in_member<T>(&mut self, name: &str, f: impl FnOnce(&mut Self) -> T) -> T {
        self.members.push(name.to_string());
        let out = f(self);
        self.members.pop();
        out
    }

    /// Charges `bytes` of decompression against the per-file budget; false when the
    /// budget is exhausted.
    pub fn charge_decompressed(&mut self, bytes: u64) -> bool {
        self.decompressed = self.decompressed.saturating_add(bytes);
        self.decompressed <= self.limits.total_decompressed
    }

    /// Bytes of the decompression budget still available.
    pub fn decompress_budget(&self) -> u64 {
        self.limits
            .total_decompressed
            .saturating_sub(self.decompressed)
    }

    /// Consumes the context: findings and whether the judgement is incomplete.
    pub fn finish(self) -> (Vec<Finding>, bool) {
        (self.findings, self.incomplete)
    }

    /// Findings so far.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }
}
