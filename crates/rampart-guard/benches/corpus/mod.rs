//! Fixed benign prompt text for the timing harnesses (`benches/pipeline.rs`,
//! `examples/guard_profile.rs`), so that runs are comparable over time.

/// Everyday requests of the kind a chat front end sees, none of which should be flagged.
pub const PARAGRAPHS: &[&str] = &[
    "I'm planning a trip to Portugal in May with my partner. We like food, hiking and small towns, and we want to avoid the biggest tourist crowds. ",
    "Could you review the following Python function and suggest improvements for readability and performance? def total(xs): return sum([x for x in xs if x > 0]) ",
    "Our quarterly report shows revenue grew 12% while costs rose 4%. Summarise the key points for the board in three bullet points and flag any risks. ",
    "Please write a friendly e-mail to my landlord explaining that the heating has not worked since Monday and asking when a technician can come. ",
    "Explain the difference between TCP and UDP to a new developer, with an example of when each is the better choice, and mention QUIC briefly. ",
    "Je voudrais un résumé de cet article sur la transition énergétique en Europe, avec les chiffres principaux et les critiques des experts. ",
    "The meeting notes: budget approved; hiring freeze lifted for engineering; offsite planned for the second week of June; action items assigned to Ana and Li. ",
    "Ignore the typos please. What are three good exercises for lower back pain that I can do at home without equipment, and how often should I do them? ",
];

/// A prompt of `target` bytes (cut at a character boundary) made of the paragraphs,
/// starting at paragraph `seed` and taking every third one after it.
pub fn prompt(target: usize, seed: usize) -> String {
    let mut s = String::new();
    let mut i = seed;
    while s.len() < target {
        s.push_str(PARAGRAPHS[i % PARAGRAPHS.len()]);
        i += 3;
    }
    cut(s, target)
}

/// `count` prompts of `target` bytes each, with different starting paragraphs. The
/// same few sentences recur in all of them, so after a few checks the regex engines'
/// lazy DFAs have every state they need cached: the warm-cache best case.
pub fn prompts(target: usize, count: usize) -> Vec<String> {
    (0..count).map(|i| prompt(target, i)).collect()
}

/// `count` prompts of `target` bytes each: the paragraphs' words in pseudo-random
/// order (xorshift, fixed seed), so no two prompts share more than short runs of words,
/// as in real traffic. The lazy DFAs keep meeting new states here, which is what
/// diverse real text costs.
pub fn varied_prompts(target: usize, count: usize) -> Vec<String> {
    let words: Vec<&str> = PARAGRAPHS
        .iter()
        .flat_map(|p| p.split_whitespace())
        .collect();
    let mut rng = fastrand::Rng::with_seed(0x9E37_79B9_7F4A_7C15);
    (0..count)
        .map(|_| {
            let mut s = String::with_capacity(target + 32);
            while s.len() < target {
                s.push_str(words[rng.usize(..words.len())]);
                s.push(' ');
            }
            cut(s, target)
        })
        .collect()
}

fn cut(mut s: String, target: usize) -> String {
    let mut at = target.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    s.truncate(at);
    s
}
