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
    let mut cut = target.min(s.len());
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    s.truncate(cut);
    s
}

/// `count` prompts of `target` bytes each, with different starting paragraphs.
pub fn prompts(target: usize, count: usize) -> Vec<String> {
    (0..count).map(|i| prompt(target, i)).collect()
}
