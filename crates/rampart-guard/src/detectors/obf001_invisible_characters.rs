use rampart_core::declare_rule;

use super::{Detector, Engine, ALL};
use crate::engine::RawHit;
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports invisible characters that change what a model reads without changing
    /// what a person sees: Unicode tag characters (U+E0000–U+E007F, which can spell
    /// hidden ASCII), bidirectional overrides and isolates (U+202A–U+202E,
    /// U+2066–U+2069), zero-width spaces and joiners inside words, and runs of
    /// variation selectors used to smuggle bytes.
    ///
    /// ## Why is this dangerous?
    /// "ASCII smuggling" hides instructions in text that looks harmless on screen, and
    /// zero-width characters split keywords so that filters miss them. The normaliser
    /// removes them (and decodes tag characters) before the other detectors run; this
    /// detector reports that it had to.
    ///
    /// ## Example
    /// ```text
    /// Summarise this.<U+E0049><U+E0067><U+E006E>…   (tags spelling "Ignore …")
    /// ig<U+200B>nore previous instructions
    /// ```
    ///
    /// ## Remediation
    /// Block tag characters and bidi overrides in user text; strip zero-width
    /// characters before the text reaches the model.
    ///
    /// ## False positives
    /// Zero-width joiners in emoji sequences, ZWNJ in Persian and Indic scripts,
    /// left-to-right / right-to-left marks and single emoji variation selectors are
    /// ignored.
    ///
    /// ## References
    /// Unicode TR36 (security considerations), TR9 (bidi); Boucher & Anderson, "Trojan
    /// Source" (2021); guidelines SD-3, OM-2.
    pub(crate) static RULE = {
        code: "OBF001",
        name: "invisible-characters",
        severity: Medium,
        guidelines: [Sd3, Om2],
        summary: "Invisible, tag or bidi-control characters",
    }
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Obfuscation,
    placeholder: "HIDDEN",
    roles: ALL,
    weak: false,
    engine: Engine::Custom,
};

fn is_emojiish(c: char) -> bool {
    matches!(c as u32, 0x2190..=0x2BFF | 0x1F000..=0x1FAFF)
}

fn is_hidden(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}'
        | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{E0000}'..='\u{E01EF}')
}

/// The UTF-8 forms (or their first bytes) of every character [`check`] reports, for
/// one SIMD search (aho-corasick's packed searcher) that lets most non-ASCII texts
/// skip the character-by-character scan: the scan decoded every character of every
/// text with an accent, 1.7% of the pipeline's instructions.
fn suspects() -> Option<&'static aho_corasick::packed::Searcher> {
    static S: std::sync::OnceLock<Option<aho_corasick::packed::Searcher>> =
        std::sync::OnceLock::new();
    S.get_or_init(|| {
        let mut needles: Vec<Vec<u8>> = Vec::new();
        for c in ('\u{200B}'..='\u{200D}')
            .chain('\u{202A}'..='\u{202E}')
            .chain('\u{2060}'..='\u{2064}')
            .chain('\u{2066}'..='\u{2069}')
            .chain([
                '\u{FEFF}', '\u{180E}', '\u{00AD}', '\u{034F}', '\u{115F}', '\u{1160}', '\u{3164}',
                '\u{FFA0}',
            ])
        {
            let mut buf = [0u8; 4];
            needles.push(c.encode_utf8(&mut buf).as_bytes().to_vec());
        }
        // U+E0000..U+E01EF (tags and variation selectors): F3 A0 80..87
        needles.push(vec![0xF3, 0xA0]);
        aho_corasick::packed::Config::new()
            .builder()
            .extend(&needles)
            .build()
    })
    .as_ref()
}

/// Scans the original text (character indices) for invisible characters.
pub(crate) fn check(text: &str, out: &mut Vec<RawHit>) {
    if text.is_ascii() {
        return;
    }
    if suspects().is_some_and(|s| s.find(text).is_none()) {
        return;
    }
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let Some(&c) = chars.get(i) else { break };
        let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let kind: Option<(f32, &str)> = match c {
            '\u{E0000}'..='\u{E007F}' => Some((0.9, "Unicode tag characters (hidden ASCII)")),
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {
                Some((0.7, "bidirectional control characters"))
            }
            '\u{E0100}'..='\u{E01EF}' => Some((0.7, "variation selectors (byte smuggling)")),
            '\u{200B}'
            | '\u{2060}'..='\u{2064}'
            | '\u{FEFF}'
            | '\u{180E}'
            | '\u{00AD}'
            | '\u{034F}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{3164}'
            | '\u{FFA0}' => {
                if c == '\u{FEFF}' && i == 0 {
                    None
                } else {
                    Some((0.6, "zero-width or invisible characters"))
                }
            }
            '\u{200C}' | '\u{200D}' => {
                let next = chars.get(i + 1).copied();
                let legit = prev
                    .is_some_and(|p| is_emojiish(p) || (!p.is_ascii() && p.is_alphabetic()))
                    || next.is_some_and(is_emojiish);
                (!legit).then_some((0.6, "zero-width joiners outside emoji or joining scripts"))
            }
            _ => None,
        };
        let Some((score, what)) = kind else {
            i += 1;
            continue;
        };
        let start = i;
        while chars.get(i).is_some_and(|&c| is_hidden(c)) {
            i += 1;
        }
        if i == start {
            i += 1;
        }
        // soft hyphens alone are common in copy-pasted web text
        let n = i - start;
        if c == '\u{00AD}' && n < 3 {
            continue;
        }
        // variation selectors: a single one after a symbol is ordinary emoji styling
        let score = if ('\u{E0100}'..='\u{E01EF}').contains(&c) && n < 4 {
            0.3
        } else {
            score
        };
        out.push(RawHit {
            detector: &DETECTOR,
            start,
            end: i,
            score: if n >= 8 { score.max(0.85) } else { score },
            note: format!("{n} {what}"),
        });
    }
}
