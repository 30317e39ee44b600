use rampart_core::declare_rule;

use super::util::{before, classes, entropy, is_placeholder, isolated, names_a_store};
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a value announced as a credential in words, in English, German, French,
/// Spanish, Italian, Portuguese or Dutch: "my password is …", "das Passwort lautet …",
/// "le mot de passe est …", "Contraseña: …", "a senha é …", "la password è …",
/// "het wachtwoord is …", "Mijn API-sleutel is …", "pw Pumpkin$64", "Wachtwoord: …",
/// and a password changed to a value ("change the password to …", "cambiar la
/// contraseña a …", "das Passwort auf … ändern").
/// The words may stand apart ("the new root password for the build box, copy it now:
/// …", "das Passwort lautet übrigens …"), and compounds count ("Beheerwachtwoord").
/// The value must look like a credential: 8–128 characters without spaces, a letter
/// and a digit or symbol, or a passphrase of three or more words joined by `-`, `_`
/// or `.` (`meadow-pepper-frozen-ladder`).
    ///
    /// ## Why is this dangerous?
    /// Users paste credentials into chats and tickets in plain words; nothing in the value's
/// shape says what it is, only the sentence does.
    ///
    /// ## Example
    /// ```text
    /// hi, my api key is <a random value> so please use it
    /// Benutzer: einkauf-sued | Das Passwort ist <a password>
    /// ```
    ///
    /// ## Remediation
    /// Redact; rotate the credential — it has been shared with the model and its logs.
    ///
    /// ## False positives
    /// Ordinary words after the phrase ("the password is wrong", "das Passwort muss 12
/// Zeichen haben") are ignored: the value must mix a letter with a digit or symbol.
/// Placeholders (`<password>`, `********`, `$PASSWORD`), paths, file names, URLs,
/// e-mail addresses and numbers without letters are ignored. The bare English word
/// "key" is not a cue ("key: value"); "API key", "access key" and the other
/// languages' words for a credential key are.
    ///
    /// ## References
    /// OWASP Top 10 for LLM Applications 2025, LLM02 (sensitive information disclosure);
/// guidelines SD-3, DP-2.
    pub(crate) static RULE = {
        code: "SEC015",
        name: "secret-in-prose",
        severity: High,
        guidelines: [Sd3, Dp2],
        summary: "A password, key or token announced in prose (\"my API key is …\", \"das Passwort lautet …\")",
    }
}

/// What a value may be made of: no space, quote, comma or semicolon.
macro_rules! value {
    () => {
        r#"(?P<v>[^\s"'`,;«»“”„‘’]*[^\s"'`,;«»“”„‘’\p{L}][^\s"'`,;«»“”„‘’]*)"#
    };
}

/// The words for a password (they may also stand directly before the value). Each in
/// three cases (`password`, `Password`, `PASSWORD`) rather than under `(?i)`: the
/// engine then finds the pattern through these literals instead of running it on
/// every text, and Unicode case folding (`s` as `ſ`, `k` as the Kelvin sign) cannot
/// meet an ASCII `\b`.
macro_rules! password_words {
    () => {
        r#"(?:\b(?:[Pp]assphrase|PASSPHRASE|[Pp]asscode|PASSCODE|[Pp]assword|PASSWORD|[Pp]asswd|PASSWD|[Pp]wd|PWD|[Pp]w|PW|[Mm]ot\s+de\s+passe|MOT\s+DE\s+PASSE|[Mm]dp|MDP|[Cc]ontraseña|CONTRASEÑA|[Cc]ontrasena|CONTRASENA|[Ss]enha|SENHA|[Pp]alavra[\s-]passe|PALAVRA[\s-]PASSE|[Pp]arola\s+d'ordine|PAROLA\s+D'ORDINE)|(?:[Pp]asswort|PASSWORT|[Kk]ennwort|KENNWORT|[Ww]achtwoord|WACHTWOORD|[Ww]achtzin|WACHTZIN))"#
    };
}

/// The words for a key or token.
macro_rules! key_words {
    () => {
        r#"\b(?:(?:[Aa]pi|API)[\s_-]?(?:[Kk]ey|KEY|[Ss]leutel|SLEUTEL|[Ss]chlüssel|SCHLÜSSEL)|(?:[Aa]ccess|ACCESS|[Ss]ecret|SECRET|[Pp]rivate|PRIVATE)[\s_-]?(?:[Kk]ey|KEY)|[Tt]oken|TOKEN|[Ss]ecret|SECRET|[Cc]redentials?|CREDENTIALS?|[Cc]lave|CLAVE|[Cc]have|CHAVE|[Cc]hiave|CHIAVE|[Cc]lé|CLÉ|[Ss]chlüssel|SCHLÜSSEL|[Ss]leutel|SLEUTEL)"#
    };
}

static RULES: &[TokenRule] = &[
    // a cue word, up to 80 characters on the same line, then `:`, `=`, `|` or a verb
    TokenRule {
        re: concat!(
            r#"(?:"#,
            password_words!(),
            "|",
            key_words!(),
            r#")(?i:[^\n:=|]{0,80}?(?:\s*[:=|]\s{0,4}|\s+(?:is|was|are|ist|lautet|war|est|était|es|era|è|é|wordt|blijft|now|jetzt|maintenant|ahora|agora|ora|nu)(?:\s*:)?\s+(?:[\p{L}]+\s+){0,2}?)["'`«“„‚]?\s?)"#,
            value!()
        ),
        validate,
    },
    // a card or account PIN: "the PIN for the new debit card is 8483", "il PIN del
    // bancomat …: 33627"
    TokenRule {
        re: r#"(?-u:\b)(?:PIN|PIN-Code|PIN code|[Pp]incode|[Cc]ódigo PIN|[Cc]ode PIN|[Cc]odice PIN)[^\n0-9]{0,60}?(?:[:=]|\s(?:is|ist|lautet|est|es|è|é|era|war|wordt))\s*["'«“„]?(?P<v>[0-9]{4,8})(?-u:\b)"#,
        validate: validate_pin,
    },
    // a password word directly before the value: "pw Pumpkin$64", "mot de passe Thu57…"
    TokenRule {
        re: concat!(password_words!(), r#"[ \t]+["'`«“„‚]?"#, value!()),
        validate,
    },
    // a password changed to the value: "change the password of user postgres to …",
    // "cambiar la contraseña … a …", "changer le mot de passe en …", "das Passwort
    // auf … ändern"
    TokenRule {
        re: concat!(
            password_words!(),
            r#"[^\n:=|]{0,60}?\s(?:to|a|en|auf|in|para|naar|op)\s+["'`«“„‚]?"#,
            value!()
        ),
        validate: validate_changed,
    },
];

/// The stems of the verbs that set a password to a new value, in the seven languages.
const CHANGE_VERBS: &[&str] = &[
    "change",
    "set ",
    "reset",
    "update",
    "cambi",
    "chang",
    "modifi",
    "impost",
    "alter",
    "mudar",
    "redefin",
    "defin",
    "establec",
    "wijzig",
    "verander",
    "zet ",
    "änder",
    "setz",
    "gesetzt",
    "zurückgesetzt",
];

/// The value of a password said to be changed to it: a change verb must stand within
/// the 120 bytes before the value (or, in German, the 30 after it).
fn validate_changed(text: &str, s: usize, e: usize) -> Option<Hit> {
    let mut end = (e + 30).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let after = text.get(e..end).unwrap_or("").to_lowercase();
    let head = before(text, s, 120);
    let changed = CHANGE_VERBS
        .iter()
        .any(|v| head.contains(v) || after.contains(v));
    // `*beschermde*`, `_Impostazioni_`: Markdown emphasis, not a value
    let emphasis = text
        .get(s..e)
        .is_some_and(|v| v.starts_with(['*', '_']) || v.ends_with(['*', '_']));
    (changed && !emphasis)
        .then(|| validate(text, s, e))
        .flatten()
}

/// A PIN of four to eight digits that is not a pattern (`0000`, `1234`) and is not
/// the start of a date, amount or longer number (`2024-05`, `1234.50`).
fn validate_pin(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    let next = text.get(e..)?.chars().next();
    let glued = next.is_some_and(|c| matches!(c, '.' | ',' | '-' | '/' | ':'))
        && text
            .get(e + 1..)?
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit());
    let b = v.as_bytes();
    let same = b.first().is_some_and(|&f| b.iter().all(|&c| c == f));
    let run = b.windows(2).all(|w| w[1] == w[0] + 1) || b.windows(2).all(|w| w[0] == w[1] + 1);
    (!glued && !same && !run).then_some((0.85, s, e))
}

/// File names a sentence may point at instead of giving the value.
const FILE_ENDINGS: &[&str] = &[
    ".txt", ".json", ".yaml", ".yml", ".env", ".kdbx", ".pdf", ".csv", ".xlsx", ".docx", ".py",
    ".sh", ".md", ".toml", ".ini", ".conf", ".cfg", ".pem", ".key", ".gpg", ".age",
];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let whole = text.get(s..e)?;
    let v = whole.trim_end_matches([')', ']', '}', '»', '”', '"', '\'']);
    let n = v.chars().count();
    if !(8..=128).contains(&n)
        || !isolated(text, s, s + v.len(), &[])
        || is_placeholder(whole)
        || whole.contains("${")
    {
        return None;
    }
    let lower = v.to_lowercase();
    // a path of plain words (`database/static-creds/reporting`), not base64
    let word_path = v.contains('/') && !v.chars().any(|c| c.is_ascii_digit() || c.is_uppercase());
    let pointer = lower.contains("://")
        || lower.contains(":/")
        || lower.contains("::")
        || word_path
        || lower.ends_with('(')
        || lower.starts_with(['/', '~', '#', '(', '['])
        || ["ssh-", "ecdsa-", "sha256:", "sha512-"]
            .iter()
            .any(|p| lower.starts_with(p))
        || lower.starts_with("./")
        // a SOPS-encrypted value, a Terraform reference, an ARN: not the secret itself
        || lower.starts_with("enc[")
        || lower.starts_with("data.")
        || lower.starts_with("arn:")
        || lower.contains(":secret:")
        || lower.starts_with("www.")
        || FILE_ENDINGS.iter().any(|x| lower.ends_with(x))
        || names_a_store(&lower);
    let email = v.split_once('@').is_some_and(|(user, host)| {
        !user.is_empty()
            && host.contains('.')
            && !host.contains('@')
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    });
    // the digit or symbol must be the value's own, not the sentence's (`personale:`,
    // `spraying).`), and a call (`re.search(r`) is code
    let core = v.trim_end_matches(|c: char| ".,:;!?)]}".contains(c));
    let call = core.split_once('(').is_some_and(|(f, _)| {
        !f.is_empty()
            && f.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
    });
    if pointer || email || call || !v.chars().any(char::is_alphabetic) {
        return None;
    }

    if passphrase(v) {
        return Some((0.85, s, s + v.len()));
    }
    // an identifier (`DB_PASSWORD`, `api.key`) names a value, it is not one
    if core
        .chars()
        .all(|c| c.is_alphabetic() || matches!(c, '_' | '.' | '-'))
    {
        return None;
    }
    (classes(v) >= 2 && entropy(v) >= 2.5).then_some((0.85, s, s + v.len()))
}

/// Three or more lowercase words of four letters or more joined by `-` or `.`, or
/// four or more joined by `_` (three snake_case words are more often a name:
/// `ldap_default_authtok`); a digit may end a word: `meadow-pepper-frozen-ladder`,
/// `tisch_apfel_ziegel_rakete`.
fn passphrase(v: &str) -> bool {
    let Some(sep) = ['-', '_', '.'].into_iter().find(|c| v.contains(*c)) else {
        return false;
    };
    let words: Vec<&str> = v.split(sep).collect();
    words.len() >= if sep == '_' { 4 } else { 3 }
        && words.iter().all(|w| {
            let letters = w.trim_end_matches(|c: char| c.is_ascii_digit());
            letters.chars().count() >= 4 && letters.chars().all(char::is_lowercase)
        })
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Secret,
    placeholder: "SECRET",
    roles: ALL,
    weak: true,
    engine: Engine::Tokens(RULES),
};
