//! Static analysis of Jinja chat templates (GGUF `tokenizer.chat_template`, Hugging
//! Face `tokenizer_config.json`). Runtimes that render these with an unsandboxed
//! Jinja environment execute whatever Python the template reaches through object
//! internals: `().__class__.__base__.__subclasses__()` leads to `os.popen`
//! (CVE-2024-34359). Real chat templates only read message fields, loop, and call
//! `raise_exception`, so reaching for internals is never needed.
//!
//! The analysis tokenises the content of every `{{ … }}` and `{% … %}` tag (text
//! outside tags is output, never evaluated), decodes string-literal escapes, joins
//! literals concatenated with `~` or `+`, and reports dunder names, private
//! attributes, the `attr` filter and names that reach the operating system.

/// One suspicious construct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Character offset in the template.
    pub offset: usize,
    /// What was found.
    pub what: String,
}

/// A named template and its hits.
#[derive(Debug, Clone)]
pub struct Template {
    /// Where it came from (metadata key or JSON field).
    pub key: String,
    /// Hits, in order.
    pub hits: Vec<Hit>,
}

/// Templates found in a file.
#[derive(Debug, Default)]
pub struct TemplateIr {
    /// Each template with its analysis.
    pub templates: Vec<Template>,
}

impl TemplateIr {
    /// Analyses `(key, text)` pairs.
    pub fn from_templates(list: Vec<(String, String)>) -> Self {
        TemplateIr {
            templates: list
                .into_iter()
                .map(|(key, text)| Template {
                    hits: analyze(&text),
                    key,
                })
                .collect(),
        }
    }
}

/// Names that reach the operating system or interpreter when used as attributes or
/// called.
const SYSTEM_NAMES: &[&str] = &[
    "os",
    "popen",
    "system",
    "subprocess",
    "eval",
    "exec",
    "execfile",
    "import_module",
    "builtins",
    "spawn",
    "check_output",
    "getoutput",
    "mro",
    "func_globals",
    "f_globals",
    "f_locals",
    "f_back",
    "gi_frame",
    "gi_code",
    "cr_frame",
    "tb_frame",
    "co_code",
];
/// Jinja globals whose attributes lead to Python internals.
const GADGET_GLOBALS: &[&str] = &[
    "lipsum",
    "cycler",
    "joiner",
    "self",
    "config",
    "request",
    "url_for",
    "get_flashed_messages",
];

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Punct(char),
    Other,
}

fn is_dunder(s: &str) -> bool {
    let bytes = s.as_bytes();
    // any `__name__` run inside the text
    let mut i = 0usize;
    while i + 4 < bytes.len() + 1 {
        if bytes.get(i..i + 2) == Some(b"__") {
            let mut j = i + 2;
            while bytes.get(j).is_some_and(|b| b.is_ascii_alphanumeric()) {
                j += 1;
            }
            if j > i + 2 && bytes.get(j..j + 2) == Some(b"__") {
                return true;
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    false
}

/// Analyses one template.
pub fn analyze(text: &str) -> Vec<Hit> {
    let chars: Vec<char> = text.chars().collect();
    let mut hits = Vec::new();
    let mut i = 0usize;
    while i + 1 < chars.len() {
        let open = (chars.get(i).copied(), chars.get(i + 1).copied());
        let close = match open {
            (Some('{'), Some('{')) => '}',
            (Some('{'), Some('%')) => '%',
            (Some('{'), Some('#')) => '#',
            _ => {
                i += 1;
                continue;
            }
        };
        let start = i + 2;
        let mut j = start;
        let mut quote: Option<char> = None;
        while j + 1 < chars.len() {
            let c = chars.get(j).copied().unwrap_or(' ');
            if close != '#' {
                if let Some(q) = quote {
                    if c == '\\' {
                        j += 2;
                        continue;
                    }
                    if c == q {
                        quote = None;
                    }
                    j += 1;
                    continue;
                }
                if c == '\'' || c == '"' {
                    quote = Some(c);
                    j += 1;
                    continue;
                }
            }
            if c == close && chars.get(j + 1) == Some(&'}') {
                break;
            }
            j += 1;
        }
        let end = j.min(chars.len());
        if close != '#' {
            let body: String = chars.get(start..end).unwrap_or_default().iter().collect();
            analyze_tag(&body, start, &mut hits);
            // `{% raw %}` … `{% endraw %}` is output, not code.
            if close == '%'
                && body.trim_matches(|c: char| c == '-' || c == '+' || c.is_whitespace()) == "raw"
            {
                let rest: String = chars.get(end..).unwrap_or_default().iter().collect();
                if let Some(pos) = rest.find("endraw") {
                    i = end + rest.get(..pos).map_or(0, |p| p.chars().count());
                    continue;
                }
            }
        }
        i = end + 2;
    }
    hits
}

fn tokenize(body: &str) -> Vec<(usize, Tok)> {
    let chars: Vec<char> = body.chars().collect();
    let mut out = Vec::new();
    let mut i = 0usize;
    while let Some(&c) = chars.get(i) {
        if c.is_whitespace() {
            i += 1;
        } else if c.is_alphabetic() || c == '_' {
            let s = i;
            while chars
                .get(i)
                .is_some_and(|c| c.is_alphanumeric() || *c == '_')
            {
                i += 1;
            }
            out.push((
                s,
                Tok::Ident(chars.get(s..i).unwrap_or_default().iter().collect()),
            ));
        } else if c == '\'' || c == '"' {
            let s = i;
            i += 1;
            let mut value = String::new();
            while let Some(&d) = chars.get(i) {
                i += 1;
                if d == c {
                    break;
                }
                if d != '\\' {
                    value.push(d);
                    continue;
                }
                let Some(&e) = chars.get(i) else { break };
                i += 1;
                let hex = |n: usize, i: &mut usize| {
                    let digits: String = chars.get(*i..*i + n).unwrap_or_default().iter().collect();
                    *i += n;
                    u32::from_str_radix(&digits, 16)
                        .ok()
                        .and_then(char::from_u32)
                };
                match e {
                    'x' => value.extend(hex(2, &mut i)),
                    'u' => value.extend(hex(4, &mut i)),
                    'U' => value.extend(hex(8, &mut i)),
                    'n' => value.push('\n'),
                    't' => value.push('\t'),
                    '0'..='7' => {
                        let mut v = e.to_digit(8).unwrap_or(0);
                        let mut n = 1;
                        while n < 3 {
                            match chars.get(i).and_then(|c| c.to_digit(8)) {
                                Some(d) => {
                                    v = v * 8 + d;
                                    i += 1;
                                    n += 1;
                                }
                                None => break,
                            }
                        }
                        value.extend(char::from_u32(v));
                    }
                    other => value.push(other),
                }
            }
            out.push((s, Tok::Str(value)));
        } else if c.is_ascii_punctuation() {
            out.push((i, Tok::Punct(c)));
            i += 1;
        } else {
            out.push((i, Tok::Other));
            i += 1;
        }
    }
    out
}

fn analyze_tag(body: &str, base: usize, hits: &mut Vec<Hit>) {
    let toks = tokenize(body);
    let mut push = |at: usize, what: String| {
        hits.push(Hit {
            offset: base + at,
            what,
        })
    };
    let mut i = 0usize;
    while let Some((at, tok)) = toks.get(i) {
        let prev = i.checked_sub(1).and_then(|p| toks.get(p)).map(|(_, t)| t);
        let next = toks.get(i + 1).map(|(_, t)| t);
        match tok {
            Tok::Ident(name) => {
                let after_dot = prev == Some(&Tok::Punct('.'));
                if is_dunder(name) {
                    push(*at, format!("accesses the Python internal `{name}`"));
                } else if after_dot && name.starts_with('_') {
                    push(*at, format!("accesses the private attribute `{name}`"));
                } else if SYSTEM_NAMES.contains(&name.as_str())
                    && (after_dot || matches!(next, Some(Tok::Punct('.' | '(' | '['))))
                {
                    push(
                        *at,
                        format!("reaches `{name}`, which runs commands or code"),
                    );
                } else if name == "attr" && prev == Some(&Tok::Punct('|')) {
                    push(
                        *at,
                        "uses the `attr` filter to look attributes up by computed name".to_string(),
                    );
                } else if GADGET_GLOBALS.contains(&name.as_str())
                    && next == Some(&Tok::Punct('.'))
                    && !after_dot
                {
                    push(
                        *at,
                        format!("walks the attributes of the Jinja global `{name}`"),
                    );
                }
            }
            Tok::Str(_) => {
                // Join literals concatenated with `~` or `+`.
                let mut joined = String::new();
                let mut k = i;
                while let Some((_, Tok::Str(s))) = toks.get(k) {
                    joined.push_str(s);
                    match toks.get(k + 1) {
                        Some((_, Tok::Punct('~' | '+')))
                            if matches!(toks.get(k + 2), Some((_, Tok::Str(_)))) =>
                        {
                            k += 2
                        }
                        _ => break,
                    }
                }
                if is_dunder(&joined) {
                    push(
                        *at,
                        format!("builds the Python internal name {joined:?} from a string"),
                    );
                } else if SYSTEM_NAMES.contains(&joined.as_str())
                    && matches!(prev, Some(Tok::Punct('[' | '(')))
                {
                    push(
                        *at,
                        format!("looks up {joined:?}, which runs commands or code"),
                    );
                }
                i = k;
            }
            _ => {}
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHATML: &str = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
    const LLAMA3: &str = "{% set loop_messages = messages %}{% for message in loop_messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% set ns = namespace(found=false) %}{{ tools | tojson(indent=4) }}";

    #[test]
    fn benign_templates_are_clean() {
        assert_eq!(analyze(CHATML), vec![]);
        assert_eq!(analyze(LLAMA3), vec![]);
        assert_eq!(
            analyze("You are Oscar. Use os.system wisely. __init__ in prose is text."),
            vec![]
        );
        assert_eq!(analyze("{# ().__class__ in a comment #}hello"), vec![]);
    }

    #[test]
    fn cve_2024_34359_is_caught() {
        let evil = "{% for x in ().__class__.__base__.__subclasses__() %}{% if \"warning\" in x.__name__ %}{{x()._module.__builtins__['__import__']('os').popen(\"touch /tmp/x\")}}{%endif%}{% endfor %}";
        let hits = analyze(evil);
        assert!(
            hits.iter().any(|h| h.what.contains("__class__")),
            "{hits:?}"
        );
        assert!(hits.iter().any(|h| h.what.contains("popen")), "{hits:?}");
    }

    #[test]
    fn obfuscated_variants_are_caught() {
        assert!(!analyze("{{ ()|attr('__cla' ~ 'ss__') }}").is_empty());
        assert!(!analyze("{{ ()['\\x5f\\x5fclass\\x5f\\x5f'] }}").is_empty());
        assert!(!analyze("{{ lipsum.__globals__['os'].popen('id').read() }}").is_empty());
        assert!(!analyze("{{ cycler.next.func_globals }}").is_empty());
        assert!(!analyze("{{ x['\\u005f\\u005fglobals\\u005f\\u005f'] }}").is_empty());
    }

    #[test]
    fn pathological_input_terminates() {
        let s = "{{".repeat(10_000) + &"'".repeat(5_000);
        let _ = analyze(&s);
        let _ = analyze("{% raw %}{{ ().__class__ }}{% endraw %}");
        assert!(analyze("{% raw %}{{ ().__class__ }}{% endraw %}").is_empty());
    }
}
