//! Writes an [`Assessment`] as human text, Markdown or SARIF 2.1.0, and the catalogue
//! pages `docs/threats.md` and `docs/requirements.md`.

use std::fmt::Write as _;

use serde_json::{json, Value};

use crate::requirements::{How, REQUIREMENTS};
use crate::threats::{Threat, THREATS};
use crate::{atlas_name, Assessment, Mitigation, Status};

fn stride(t: &[crate::threats::Stride]) -> String {
    t.iter().map(|s| s.letter()).collect()
}

fn ids(t: &crate::DerivedThreat) -> String {
    t.atlas
        .iter()
        .chain(t.owasp_llm)
        .chain(t.owasp_agentic)
        .copied()
        .collect::<Vec<_>>()
        .join(", ")
}

/// The human summary: score, principles worst first, findings, unmitigated threats,
/// next actions.
pub fn human(a: &Assessment) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "rampart assess: {}{} on {}: {:.1}% of applicable requirements met or attested",
        a.system,
        a.version
            .as_deref()
            .map(|v| format!(" {v}"))
            .unwrap_or_default(),
        a.date,
        a.score
    );
    if let Some(d) = &a.diff {
        let _ = writeln!(
            s,
            "since {}: {:.1}% -> {:.1}%, {} improved, {} regressed",
            d.since,
            d.score_before,
            d.score_after,
            d.improved.len(),
            d.regressed.len()
        );
        for (what, list) in [("regressed", &d.regressed), ("improved", &d.improved)] {
            for c in list {
                let _ = writeln!(s, "  {what:<9} {}: {} -> {}", c.id, c.before, c.after);
            }
        }
    }
    let count = |st: Status| a.requirements.iter().filter(|r| r.status == st).count();
    let _ = writeln!(
        s,
        "requirements: {} met, {} attested, {} not met, {} expired, {} unknown, {} not applicable (of {})",
        count(Status::Met),
        count(Status::Attested),
        count(Status::NotMet),
        count(Status::Expired),
        count(Status::Unknown),
        count(Status::NotApplicable),
        a.requirements.len()
    );
    let _ = writeln!(s, "\nPrinciples, worst first:");
    let mut ps: Vec<_> = a.principles.iter().collect();
    ps.sort_by(|x, y| {
        x.score
            .total_cmp(&y.score)
            .then(x.principle.cmp(&y.principle))
    });
    for p in ps {
        let _ = writeln!(
            s,
            "  {:<5} {:>5.1}%  {:<34} {}",
            p.principle.id(),
            p.score,
            p.stage,
            p.title
        );
    }
    if !a.findings.is_empty() {
        let _ = writeln!(s, "\nFindings:");
        for f in &a.findings {
            let _ = writeln!(s, "  {} [{}] {}", f.principle, f.kind, f.message);
        }
    }
    let open: Vec<_> = a
        .threats
        .iter()
        .filter(|t| matches!(t.mitigation, Mitigation::Unmitigated | Mitigation::Partial))
        .collect();
    let _ = writeln!(
        s,
        "\nThreats: {} derived, {} mitigated, {} decided, {} partly mitigated, {} unmitigated",
        a.threats.len(),
        a.threats
            .iter()
            .filter(|t| t.mitigation == Mitigation::Mitigated)
            .count(),
        a.threats
            .iter()
            .filter(|t| t.mitigation == Mitigation::Decided)
            .count(),
        a.threats
            .iter()
            .filter(|t| t.mitigation == Mitigation::Partial)
            .count(),
        a.threats
            .iter()
            .filter(|t| t.mitigation == Mitigation::Unmitigated)
            .count(),
    );
    for t in open {
        let _ = writeln!(
            s,
            "  {} {:<11} risk {} {:<6} {} on {} ({})",
            t.id,
            format!("{:?}", t.mitigation).to_lowercase(),
            t.risk,
            stride(t.stride),
            t.title,
            t.component,
            ids(t)
        );
    }
    let _ = writeln!(s, "\nNext actions:");
    let mut seen = std::collections::BTreeSet::new();
    let mut actions: Vec<_> = a
        .requirements
        .iter()
        .filter(|r| r.next_action.is_some())
        .collect();
    // automated fixes first: evidence rampart can see
    actions.sort_by_key(|r| (r.kind != "automated", r.status != Status::Expired));
    let mut unattested = Vec::new();
    for r in actions {
        if let Some(n) = &r.next_action {
            if r.kind == "attested"
                && r.status == Status::NotMet
                && r.evidence.is_empty()
                && r.reason == "no attestation"
            {
                unattested.push(r.id);
                continue;
            }
            if r.kind == "automated" && !seen.insert(n.clone()) {
                continue;
            }
            let _ = writeln!(s, "  {:<7} {}  ({})", r.id, n, r.reason);
        }
    }
    if !unattested.is_empty() {
        let _ = writeln!(
            s,
            "  Attest {} requirements no tool can check ([[attestations]]: who, when, statement, evidence files, expiry; `rampart explain ID`): {}",
            unattested.len(),
            unattested.join(", ")
        );
    }
    s
}

/// Markdown: the principle table, the requirements, the threats, the evidence index.
pub fn markdown(a: &Assessment) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Assessment of {} ({})\n", a.system, a.date);
    let _ = writeln!(
        s,
        "**{:.1}%** of applicable requirements met or attested. Schema `{}`.\n",
        a.score, a.schema
    );
    let _ = writeln!(s, "## Principles\n\n| principle | stage | score | met | attested | not met | expired | unknown | n/a |\n|---|---|---|---|---|---|---|---|---|");
    for p in &a.principles {
        let c = |k: &str| p.counts.get(k).copied().unwrap_or(0);
        let _ = writeln!(
            s,
            "| {} {} | {} | {:.1}% | {} | {} | {} | {} | {} | {} |",
            p.principle.id(),
            p.title,
            p.stage,
            p.score,
            c("met"),
            c("attested"),
            c("not_met"),
            c("expired"),
            c("unknown"),
            c("not_applicable")
        );
    }
    if !a.findings.is_empty() {
        let _ = writeln!(s, "\n## Findings\n");
        for f in &a.findings {
            let _ = writeln!(s, "- **{}** `{}`: {}", f.principle, f.kind, f.message);
        }
    }
    let _ = writeln!(s, "\n## Requirements\n\n| id | status | requirement | why | next action |\n|---|---|---|---|---|");
    for r in &a.requirements {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            r.id,
            r.status.as_str(),
            cell(r.title),
            cell(&r.reason),
            cell(r.next_action.as_deref().unwrap_or(""))
        );
    }
    let _ = writeln!(s, "\n## Threats\n\n| id | on | STRIDE | risk | status | ATLAS / OWASP | missing controls |\n|---|---|---|---|---|---|---|");
    for t in &a.threats {
        let _ = writeln!(
            s,
            "| {} {} | {} | {} | {} | {:?} | {} | {} |",
            t.id,
            cell(t.title),
            t.component,
            stride(t.stride),
            t.risk,
            t.mitigation,
            ids(t),
            cell(&t.controls_missing.join("; "))
        );
    }
    let _ = writeln!(
        s,
        "\n## Evidence\n\n| requirement | evidence | file | SHA-256 |\n|---|---|---|---|"
    );
    for r in &a.requirements {
        for e in &r.evidence {
            let _ = writeln!(
                s,
                "| {} | {} | {} | `{}` |",
                r.id,
                cell(&e.description),
                e.path.as_deref().unwrap_or(""),
                e.sha256.as_deref().unwrap_or("")
            );
        }
    }
    s
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// SARIF 2.1.0: requirements not met or expired, unmitigated or partly mitigated
/// threats, and the findings, as results on `rampart.toml`.
pub fn sarif(a: &Assessment) -> Value {
    let mut rules = Vec::new();
    let mut results = Vec::new();
    let loc = json!([{"physicalLocation": {"artifactLocation": {"uri": "rampart.toml"}}}]);
    for r in REQUIREMENTS {
        rules.push(json!({
            "id": r.id,
            "shortDescription": {"text": r.title},
            "fullDescription": {"text": format!("{} — \"{}\"", r.principle.title(), r.quote)},
            "properties": {"principle": r.principle.id()},
        }));
    }
    for t in THREATS {
        rules.push(json!({
            "id": t.id,
            "name": t.name,
            "shortDescription": {"text": t.title},
            "fullDescription": {"text": t.description},
            "properties": {"atlas": t.atlas, "owasp_llm": t.owasp_llm, "owasp_agentic": t.owasp_agentic},
        }));
    }
    let index = |id: &str| rules.iter().position(|r| r["id"] == id);
    for r in &a.requirements {
        if matches!(r.status, Status::NotMet | Status::Expired | Status::Unknown) {
            results.push(json!({
                "ruleId": r.id,
                "ruleIndex": index(r.id),
                "level": if r.status == Status::Unknown { "note" } else { "warning" },
                "message": {"text": format!("{} {} ({}): {}. {}", r.id, r.status.as_str(), r.title, r.reason, r.next_action.as_deref().unwrap_or(""))},
                "locations": loc,
            }));
        }
    }
    for t in &a.threats {
        if matches!(t.mitigation, Mitigation::Unmitigated | Mitigation::Partial) {
            results.push(json!({
                "ruleId": t.id,
                "ruleIndex": index(t.id),
                "level": if t.risk >= 6 { "error" } else { "warning" },
                "message": {"text": format!("{} on {} ({:?}); missing: {}", t.title, t.component, t.mitigation, t.controls_missing.join("; "))},
                "locations": loc,
            }));
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "rampart",
                "informationUri": "https://example.invalid/rampart",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }]
    })
}

/// `rampart explain THREAT-ID`.
pub fn explain_threat(t: &Threat) -> String {
    let mut s = String::new();
    let g: Vec<_> = t.guidelines.iter().map(|g| g.id()).collect();
    let _ = writeln!(
        s,
        "{} {} (threat; guidelines {})",
        t.id,
        t.name,
        g.join(", ")
    );
    let _ = writeln!(s, "{}\n", t.title);
    let _ = writeln!(s, "{}\n", t.description);
    let _ = writeln!(s, "Applies when: {}", t.when);
    let _ = writeln!(
        s,
        "STRIDE: {}   likelihood: {:?}   impact: {:?}   risk: {}",
        stride(t.stride),
        t.likelihood,
        t.impact,
        t.risk()
    );
    for a in t.atlas {
        let _ = writeln!(s, "ATLAS {a}: {}", atlas_name(a).unwrap_or("?"));
    }
    if !t.owasp_llm.is_empty() {
        let _ = writeln!(
            s,
            "OWASP Top 10 for LLM Applications 2025: {}",
            t.owasp_llm.join(", ")
        );
    }
    if !t.owasp_agentic.is_empty() {
        let _ = writeln!(
            s,
            "OWASP Top 10 for Agentic Applications: {}",
            t.owasp_agentic.join(", ")
        );
    }
    let _ = writeln!(s, "\nControls:");
    for c in t.controls {
        match c.check {
            Some(k) => {
                let _ = writeln!(
                    s,
                    "- {} — evidence: check `{}`, {}",
                    c.control,
                    k.id(),
                    k.what()
                );
            }
            None => {
                let _ = writeln!(s, "- {} — attested", c.control);
            }
        }
    }
    s
}

/// `rampart explain REQUIREMENT-ID`.
pub fn explain_requirement(r: &crate::requirements::Requirement) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} (requirement of {} {})",
        r.id,
        r.principle.id(),
        r.principle.title()
    );
    let _ = writeln!(s, "{}\n", r.title);
    let _ = writeln!(s, "The guidelines: \"{}\"\n", r.quote);
    match r.how {
        How::Automated(c) => {
            let _ = writeln!(
                s,
                "Automated: check `{}`, {}.\nWhen not met: {}",
                c.id(),
                c.what(),
                c.next_action()
            );
        }
        How::Attested => {
            let _ = writeln!(s, "Attested: add [[attestations]] with requirement = \"{}\", by, date, statement, evidence files (path, sha256) and expires.", r.id);
        }
    }
    s
}

/// `docs/threats.md`.
pub fn threats_markdown() -> String {
    let mut s = String::from("# Threat catalogue\n\nGenerated by `UPDATE_DOCS=1 cargo test -p rampart-design`; do not edit. `rampart assess` derives these threats from the data-flow model in `rampart.toml`; `rampart explain THR001` prints one. ATLAS IDs and names: MITRE ATLAS 5.6.0, © 2021-2025 MITRE, Apache-2.0 (`crates/rampart-design/data/ATLAS-NOTICE`).\n\n| id | threat | applies when | STRIDE | L×I | ATLAS | OWASP LLM | OWASP Agentic | controls (evidence) |\n|---|---|---|---|---|---|---|---|---|\n");
    for t in THREATS {
        let controls: Vec<String> = t
            .controls
            .iter()
            .map(|c| match c.check {
                Some(k) => format!("{} (`{}`)", c.control, k.id()),
                None => format!("{} (attested)", c.control),
            })
            .collect();
        let _ = writeln!(
            s,
            "| {} | {} | `{}` | {} | {}×{} | {} | {} | {} | {} |",
            t.id,
            cell(t.title),
            t.when,
            stride(t.stride),
            t.likelihood as u8,
            t.impact as u8,
            t.atlas.join(", "),
            t.owasp_llm.join(", "),
            t.owasp_agentic.join(", "),
            cell(&controls.join("; "))
        );
    }
    s
}

/// `docs/requirements.md`.
pub fn requirements_markdown() -> String {
    let mut s = String::from("# Requirements catalogue\n\nGenerated by `UPDATE_DOCS=1 cargo test -p rampart-design`; do not edit. Every principle of the guidelines broken into checkable requirements; `rampart assess` judges each, automated ones by rampart's own checks, attested ones by `[[attestations]]` in `rampart.toml`.\n");
    for g in rampart_core::Guideline::ALL {
        let _ = writeln!(
            s,
            "\n## {} {}\n\n| id | requirement | the guidelines | how |\n|---|---|---|---|",
            g.id(),
            g.title()
        );
        for r in REQUIREMENTS.iter().filter(|r| r.principle == *g) {
            let how = match r.how {
                How::Automated(c) => format!("automated: `{}`", c.id()),
                How::Attested => "attested".to_string(),
            };
            let _ = writeln!(
                s,
                "| {} | {} | \"{}\" | {} |",
                r.id,
                cell(r.title),
                cell(r.quote),
                how
            );
        }
    }
    s
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The data-flow diagram as SVG: trust zones as columns of boxes, components inside
/// them, flows as arrows, components and flows with open threats outlined in red.
pub fn diagram_svg(a: &Assessment, system: &rampart_core::system::SystemDescription) -> String {
    use std::collections::BTreeMap;
    const ZW: i64 = 230;
    const GAP: i64 = 50;
    const CW: i64 = 190;
    const CH: i64 = 44;
    const ROW: i64 = 70;
    let components = crate::cond::effective_components(system);
    let open = |id: &str| {
        a.threats
            .iter()
            .filter(|t| {
                t.component == id
                    && matches!(t.mitigation, Mitigation::Unmitigated | Mitigation::Partial)
            })
            .count()
    };
    // columns: declared zones in order, then components without a zone
    let mut columns: Vec<(String, String, &str)> = system
        .zones
        .iter()
        .map(|z| {
            let trust = match z.trust {
                rampart_core::system::TrustLevel::Untrusted => "untrusted",
                rampart_core::system::TrustLevel::Internal => "internal",
                rampart_core::system::TrustLevel::Restricted => "restricted",
            };
            (
                z.id.clone(),
                z.name.clone().unwrap_or_else(|| z.id.clone()),
                trust,
            )
        })
        .collect();
    if components.iter().any(|c| {
        c.zone
            .as_ref()
            .is_none_or(|z| !system.zones.iter().any(|x| &x.id == z))
    }) {
        columns.push((String::new(), "(no zone)".into(), "internal"));
    }
    let mut pos: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let mut rows = vec![0i64; columns.len()];
    for c in &components {
        let col = columns
            .iter()
            .position(|(id, _, _)| c.zone.as_deref() == Some(id.as_str()))
            .unwrap_or(columns.len().saturating_sub(1));
        let Some(row) = rows.get_mut(col) else {
            continue;
        };
        let x = col as i64 * (ZW + GAP) + (ZW - CW) / 2 + 10;
        let y = 60 + *row * ROW;
        *row += 1;
        pos.insert(c.id.clone(), (x, y));
    }
    let height = 60 + rows.iter().copied().max().unwrap_or(1).max(1) * ROW + 30;
    let width = columns.len().max(1) as i64 * (ZW + GAP) + 10;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"dataflow\" role=\"img\" aria-label=\"Data-flow diagram\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\
         <defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#444\"/></marker></defs>"
    );
    for (i, (id, name, trust)) in columns.iter().enumerate() {
        let x = i as i64 * (ZW + GAP) + 10;
        let fill = match *trust {
            "untrusted" => "#fdecea",
            "restricted" => "#e8f0fe",
            _ => "#f1f3f4",
        };
        let _ = write!(
            s,
            "<g class=\"zone\" data-zone=\"{}\"><rect x=\"{x}\" y=\"10\" width=\"{ZW}\" height=\"{}\" rx=\"8\" fill=\"{fill}\" stroke=\"#888\" stroke-dasharray=\"6 4\"/><text x=\"{}\" y=\"32\" font-weight=\"bold\">{} ({trust})</text></g>",
            esc(id),
            height - 20,
            x + 8,
            esc(name)
        );
    }
    for f in &system.data_flows {
        let (Some(&(x1, y1)), Some(&(x2, y2))) = (pos.get(&f.from), pos.get(&f.to)) else {
            continue;
        };
        let id = crate::flow_id(f);
        let threatened = open(&id) > 0;
        let (sx, ex) = if x2 > x1 {
            (x1 + CW, x2)
        } else if x2 < x1 {
            (x1, x2 + CW)
        } else {
            (x1 + CW / 2, x2 + CW / 2)
        };
        let (sy, ey) = if x1 == x2 {
            if y2 > y1 {
                (y1 + CH, y2)
            } else {
                (y1, y2 + CH)
            }
        } else {
            (y1 + CH / 2, y2 + CH / 2)
        };
        let classes: Vec<&str> = f.data_classes.iter().map(|c| c.as_str()).collect();
        let _ = write!(
            s,
            "<g class=\"flow{}\" data-flow=\"{}\"><line x1=\"{sx}\" y1=\"{sy}\" x2=\"{ex}\" y2=\"{ey}\" stroke=\"{}\" stroke-width=\"{}\" marker-end=\"url(#arrow)\"/><text x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"#333\">{} {}</text><title>{}: {} → {} ({})</title></g>",
            if threatened { " threatened" } else { "" },
            esc(&id),
            if threatened { "#c5221f" } else { "#444" },
            if threatened { 2 } else { 1 },
            (sx + ex) / 2 + 3,
            (sy + ey) / 2 - 3,
            esc(&id),
            esc(&classes.join(",")),
            esc(&id),
            esc(&f.from),
            esc(&f.to),
            esc(f.protocol.as_deref().unwrap_or("protocol not stated"))
        );
    }
    for c in &components {
        let Some(&(x, y)) = pos.get(&c.id) else {
            continue;
        };
        let n = open(&c.id);
        let _ = write!(
            s,
            "<g class=\"component{}\" data-component=\"{}\"><rect x=\"{x}\" y=\"{y}\" width=\"{CW}\" height=\"{CH}\" rx=\"6\" fill=\"#fff\" stroke=\"{}\" stroke-width=\"{}\"/><text x=\"{}\" y=\"{}\" font-weight=\"bold\">{}</text><text x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"#555\">{}{}</text></g>",
            if n > 0 { " threatened" } else { "" },
            esc(&c.id),
            if n > 0 { "#c5221f" } else { "#444" },
            if n > 0 { 3 } else { 1 },
            x + 8,
            y + 18,
            esc(&c.id),
            x + 8,
            y + 34,
            c.kind.as_str(),
            if n > 0 { format!(" · {n} open threat(s)") } else { String::new() }
        );
    }
    s.push_str("</svg>");
    s
}

/// One self-contained HTML file: no scripts, fonts, images or links to fetch. The
/// data-flow diagram (SVG), the principle table, the threats, the requirements and
/// the evidence index.
pub fn html(a: &Assessment, system: &rampart_core::system::SystemDescription) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"><title>Assessment of {}</title>\
         <style>body{{font-family:sans-serif;margin:2em;color:#202124}}table{{border-collapse:collapse;margin:1em 0}}td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}}\
         .met,.attested,.mitigated,.decided{{background:#e6f4ea}}.not_met,.expired,.unmitigated{{background:#fce8e6}}.unknown,.partial{{background:#fef7e0}}.not_applicable{{color:#777}}</style></head><body>\n",
        esc(&a.system)
    );
    let _ = writeln!(
        s,
        "<h1>Assessment of {}{}</h1><p id=\"score\"><strong>{:.1}%</strong> of the applicable requirements met or attested on {} (schema <code>{}</code>).</p>",
        esc(&a.system),
        a.version.as_deref().map(|v| format!(" {}", esc(v))).unwrap_or_default(),
        a.score,
        esc(&a.date),
        a.schema
    );
    let _ = writeln!(s, "<h2>Data flows</h2>{}", diagram_svg(a, system));
    let _ = writeln!(s, "<h2>Principles</h2><table id=\"principles\"><tr><th>principle</th><th>stage</th><th>score</th><th>met</th><th>attested</th><th>not met</th><th>expired</th><th>unknown</th><th>n/a</th></tr>");
    for p in &a.principles {
        let c = |k: &str| p.counts.get(k).copied().unwrap_or(0);
        let _ = writeln!(
            s,
            "<tr><td>{} {}</td><td>{}</td><td>{:.1}%</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            p.principle.id(),
            esc(p.title),
            p.stage,
            p.score,
            c("met"),
            c("attested"),
            c("not_met"),
            c("expired"),
            c("unknown"),
            c("not_applicable")
        );
    }
    s.push_str("</table>\n");
    if !a.findings.is_empty() {
        s.push_str("<h2>Findings</h2><ul id=\"findings\">");
        for f in &a.findings {
            let _ = write!(
                s,
                "<li><strong>{}</strong> <code>{}</code>: {}</li>",
                f.principle,
                f.kind,
                esc(&f.message)
            );
        }
        s.push_str("</ul>\n");
    }
    s.push_str("<h2>Threats</h2><table id=\"threats\"><tr><th>threat</th><th>on</th><th>STRIDE</th><th>risk</th><th>status</th><th>ATLAS / OWASP</th><th>missing controls</th></tr>");
    for t in &a.threats {
        let m = format!("{:?}", t.mitigation).to_lowercase();
        let _ = writeln!(
            s,
            "<tr class=\"{m}\"><td>{} {}</td><td>{}</td><td>{}</td><td>{}</td><td>{m}</td><td>{}</td><td>{}</td></tr>",
            t.id,
            esc(t.title),
            esc(&t.component),
            stride(t.stride),
            t.risk,
            esc(&ids(t)),
            esc(&t.controls_missing.join("; "))
        );
    }
    s.push_str("</table>\n<h2>Requirements</h2><table id=\"requirements\"><tr><th>id</th><th>status</th><th>requirement</th><th>why</th><th>next action</th></tr>");
    for r in &a.requirements {
        let _ = writeln!(
            s,
            "<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}<br><small>“{}”</small></td><td>{}</td><td>{}</td></tr>",
            r.status.as_str(),
            r.id,
            r.status.as_str(),
            esc(r.title),
            esc(r.quote),
            esc(&r.reason),
            esc(r.next_action.as_deref().unwrap_or(""))
        );
    }
    s.push_str("</table>\n<h2>Evidence</h2><table id=\"evidence\"><tr><th>requirement</th><th>evidence</th><th>file</th><th>SHA-256</th></tr>");
    for r in &a.requirements {
        for e in &r.evidence {
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
                r.id,
                esc(&e.description),
                esc(e.path.as_deref().unwrap_or("")),
                e.sha256.as_deref().unwrap_or("")
            );
        }
    }
    s.push_str("</table>\n</body></html>\n");
    s
}
