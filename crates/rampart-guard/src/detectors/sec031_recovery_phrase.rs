use std::collections::HashMap;
use std::sync::LazyLock;

use bip39::Language;
use rampart_core::declare_rule;
use sha2::{Digest, Sha256};

use super::util::floor_boundary;
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a wallet recovery phrase (BIP-39 mnemonic, "seed phrase"): 12 to 24
    /// words in a row from one of the standard BIP-39 word lists (English, French,
    /// Italian, Portuguese, Spanish), separated by spaces, commas, line breaks or list
    /// numbers (`1. velvet 2. orbit …`), within 600 bytes of the words for a recovery
    /// phrase, a seed or a wallet ("seed", "recovery", "wallet", "Ledger",
    /// "Wiederherstellung", "semilla", "carteira", "24 words", …). A phrase of 12, 15,
    /// 18, 21 or 24 words whose BIP-39 checksum holds scores 0.95, another run 0.85.
    ///
    /// ## Why is this dangerous?
    /// The phrase is the wallet: whoever reads it can move every coin in it, and
    /// nothing can undo the transfer. People paste it into a chat to ask whether it is
    /// safe to keep in their notes.
    ///
    /// ## Example
    /// ```text
    /// he said it's the "recovery phrase": velvet orbit claim napkin drastic sugar …
    /// ```
    ///
    /// ## Remediation
    /// Redact; move the funds to a new wallet with a new phrase (the old one cannot be
    /// changed).
    ///
    /// ## False positives
    /// Ordinary prose rarely has twelve list words in a row: the lists hold no
    /// articles, pronouns or short function words. A run of more than 24 words (26
    /// when a checksummed phrase is inside) is prose, not a phrase. A phrase pasted
    /// with no word for a seed, phrase or wallet within 600 bytes is not looked for
    /// (a false negative, kept for speed: see the rule's pattern).
    ///
    /// ## References
    /// BIP-39 (Mnemonic code for generating deterministic keys); guidelines SD-3,
    /// DP-2.
    pub(crate) static RULE = {
        code: "SEC031",
        name: "recovery-phrase",
        severity: Critical,
        guidelines: [Sd3, Dp2],
        summary: "A wallet recovery (seed) phrase: 12-24 BIP-39 words in a row",
    }
}

/// The words for a recovery phrase, a seed or a wallet (in three cases rather than
/// under `(?i)`, whose case variants are too many for the engine's literal search);
/// the phrase is looked for around them by [`validate`]. A pattern for the phrase itself (a stretch of
/// lowercase words) matched most prose and cost the guard 17% of its speed, so a
/// phrase pasted with no such word nearby is not looked for.
static RULES: &[TokenRule] = &[TokenRule {
    re: concat!(
        "(?:",
        "[Ss]eed|SEED|",
        "[Rr]ecovery|RECOVERY|",
        "[Mm]nemonic|MNEMONIC|",
        "[Ww]allet|WALLET|",
        "[Mm]etamask|METAMASK|",
        "[Ll]edger|LEDGER|",
        "[Tt]rezor|TREZOR|",
        "[Bb]itcoin|BITCOIN|",
        "[Cc]rypto|CRYPTO|",
        "[Pp]hrase|PHRASE|",
        "[Ww]iederherstellung|WIEDERHERSTELLUNG|",
        "[Pp]ortefeuille|PORTEFEUILLE|",
        "[Ss]emilla|SEMILLA|",
        "[Rr]ecuperaci|RECUPERACI|",
        "[Rr]ecupero|RECUPERO|",
        "[Cc]arteira|CARTEIRA|",
        "[Cc]artera|CARTERA|",
        "[Mm]onedero|MONEDERO|",
        "[Pp]ortafoglio|PORTAFOGLIO|",
        "[Hh]erstelzin|HERSTELZIN|",
        r"(?:12|24) (?:words|Wörter|wörter|mots|palabras|parole|palavras|woorden)",
        ")"
    ),
    validate,
}];

/// How far before and after the words the phrase may stand.
const AROUND: usize = 600;

/// Fewest and most words of a phrase.
const MIN_WORDS: usize = 12;
const MAX_WORDS: usize = 24;
/// Longest run searched for a checksummed phrase: a phrase with a list word either
/// side of it. In a longer run a 12-word stretch with a valid checksum turns up by
/// chance (one in 16 per stretch), so a longer run is prose or a word list.
const MAX_RUN: usize = MAX_WORDS + 2;

/// Folds a word to lowercase ASCII letters where it can (`ábaco` → `abaco`, `élève` →
/// `eleve`), so that text in either Unicode form meets the lists'. Spanish and
/// French words differ from each other's by more than accents, so folding merges no
/// two words of one list (checked by a test).
fn fold(word: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    word.nfd()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Every list word, folded, with its index in each list that holds it (one lookup
/// per word of the text, whatever the number of lists).
static WORDS: LazyLock<HashMap<String, [Option<u16>; LANGS]>> = LazyLock::new(|| {
    let mut map: HashMap<String, [Option<u16>; LANGS]> = HashMap::new();
    for (l, lang) in Language::ALL.iter().enumerate().take(LANGS) {
        for (w, i) in lang.word_list().iter().zip(0u16..) {
            if let Some(slot) = map.entry(fold(w)).or_insert([None; LANGS]).get_mut(l) {
                *slot = Some(i);
            }
        }
    }
    map
});

/// The lists compiled in (English, French, Italian, Portuguese, Spanish).
const LANGS: usize = 5;

/// Whether `indices` (11 bits each) carry a valid BIP-39 checksum: the first
/// `n / 3` bits of the SHA-256 of the entropy bits before them.
fn checksum_holds(indices: &[u16]) -> bool {
    let n = indices.len();
    if n % 3 != 0 || !(MIN_WORDS..=MAX_WORDS).contains(&n) {
        return false;
    }
    let cs_bits = n / 3;
    let ent_bits = n * 11 - cs_bits;
    let mut bits = Vec::with_capacity(n * 11);
    for &i in indices {
        bits.extend((0..11).rev().map(|k| (i >> k) & 1 == 1));
    }
    let entropy: Vec<u8> = bits
        .get(..ent_bits)
        .unwrap_or_default()
        .chunks(8)
        .map(|byte| byte.iter().fold(0u8, |acc, &b| (acc << 1) | u8::from(b)))
        .collect();
    let hash = Sha256::digest(&entropy);
    let hash_bits = hash
        .iter()
        .flat_map(|byte| (0..8).rev().map(move |k| (byte >> k) & 1 == 1));
    bits.get(ent_bits..)
        .unwrap_or_default()
        .iter()
        .copied()
        .eq(hash_bits.take(cs_bits))
}

/// A word of a run: its byte range in the text and its index in the list.
type Word = (usize, usize, u16);

/// The longest run of one list's words in `text[s..e]`, if it has at least
/// [`MIN_WORDS`] and at most [`MAX_RUN`] words.
fn longest_run(text: &str, s: usize, e: usize) -> Option<Vec<Word>> {
    let region = text.get(s..e)?;
    // (offset in `region`, word): maximal runs of letters
    let mut words: Vec<(usize, &str)> = Vec::new();
    let mut open: Option<usize> = None;
    for (i, c) in region
        .char_indices()
        .chain(std::iter::once((region.len(), ' ')))
    {
        let letter = c.is_alphabetic() || ('\u{300}'..='\u{36f}').contains(&c);
        match (letter, open) {
            (true, None) => open = Some(i),
            (false, Some(o)) => {
                words.extend(region.get(o..i).map(|w| (o, w)));
                open = None;
            }
            _ => {}
        }
    }
    // each word folded once, not once per list
    let folded: Vec<(usize, usize, std::borrow::Cow<'_, str>)> = words
        .iter()
        .map(|&(at, w)| {
            let f = if w.bytes().all(|b| b.is_ascii_lowercase()) {
                std::borrow::Cow::Borrowed(w)
            } else {
                std::borrow::Cow::Owned(fold(w))
            };
            (at, w.len(), f)
        })
        .collect();
    let entries: Vec<Option<&[Option<u16>; LANGS]>> = folded
        .iter()
        .map(|(_, _, w)| WORDS.get(w.as_ref()))
        .collect();
    let mut best: Option<Vec<Word>> = None;
    for l in 0..LANGS {
        let mut run: Vec<Word> = Vec::new();
        let mut consider = |run: &mut Vec<Word>| {
            if (MIN_WORDS..=MAX_RUN).contains(&run.len())
                && best.as_ref().is_none_or(|b| run.len() > b.len())
            {
                best = Some(std::mem::take(run));
            }
            run.clear();
        };
        for ((at, len, _), entry) in folded.iter().zip(&entries) {
            match entry.and_then(|e| e.get(l).copied().flatten()) {
                Some(i) => run.push((s + at, s + at + len, i)),
                None => consider(&mut run),
            }
        }
        consider(&mut run);
    }
    best
}

/// The words of `run` covered by a stretch with a valid checksum, as (first word,
/// last word). A list word just before or after the phrase ("safe: legal winner …")
/// can make a second stretch valid by chance (one in 16); taking them all never
/// leaves a word of the phrase out.
fn checked_stretches(run: &[Word]) -> Option<(usize, usize)> {
    let mut cover: Option<(usize, usize)> = None;
    for n in [24, 21, 18, 15, 12] {
        for (i, w) in run.windows(n).enumerate() {
            let idx: Vec<u16> = w.iter().map(|x| x.2).collect();
            if checksum_holds(&idx) {
                let (a, b) = cover.unwrap_or((i, i + n - 1));
                cover = Some((a.min(i), b.max(i + n - 1)));
            }
        }
    }
    cover
}

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let from = floor_boundary(text, s.saturating_sub(AROUND));
    let to = floor_boundary(text, e.saturating_add(AROUND));
    let run = longest_run(text, from, to)?;
    let span = |w: &[Word]| Some((w.first()?.0, w.last()?.1));
    if let Some((a, b)) = checked_stretches(&run) {
        let (start, end) = span(run.get(a..=b)?)?;
        return Some((0.95, start, end));
    }
    if run.len() > MAX_WORDS {
        return None;
    }
    let (start, end) = span(&run)?;
    Some((0.85, start, end))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Secret,
    placeholder: "RECOVERY_PHRASE",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_merges_no_two_words_of_a_list() {
        assert_eq!(Language::ALL.len(), LANGS);
        for l in 0..LANGS {
            let n = WORDS.values().filter(|e| e[l].is_some()).count();
            assert_eq!(n, 2048, "{:?}", Language::ALL[l]);
        }
    }

    #[test]
    fn the_checksum_is_bip39s() {
        let idx = |p: &str| -> Vec<u16> {
            p.split(' ')
                .filter_map(|w| WORDS.get(w).and_then(|e| e[0]))
                .collect()
        };
        // BIP-39 test vectors (entropy 00…00 and 7f7f…7f)
        let zero = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
        assert!(checksum_holds(&idx(zero)));
        let wrong = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon";
        assert!(!checksum_holds(&idx(wrong)));
        let legal = "legal winner thank year wave sausage worth useful legal winner thank yellow";
        assert!(checksum_holds(&idx(legal)));
        let v24 = "letter advice cage absurd amount doctor acoustic avoid letter advice cage absurd amount doctor acoustic avoid letter advice cage absurd amount doctor acoustic bless";
        assert!(checksum_holds(&idx(v24)));
    }
}
