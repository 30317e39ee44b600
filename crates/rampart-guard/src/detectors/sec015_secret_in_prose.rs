use rampart_core::declare_rule;

use super::util::{
    before, classes, entropy, floor_boundary, is_placeholder, isolated, names_a_store,
};
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
/// Without a `:` or verb, a password-shaped word (upper and lower case with a digit
/// or symbol, or lowercase words joined to a digit) counts within 120 bytes after a
/// password word on its line ("Master-Passwort war irgendwas mit meinem Hund.
/// Entweder Bruno!Bello2015 oder …"), and after a login and a slash
/// (`name@mail.example / …`, "Kennung: st3nacht / …"). A second guess offered as an
/// alternative ("Bruno!Bello2015 oder bruno-bello-2015") is part of the finding. A
/// code word in quotes after the word for it ("het codewoord: \"Vlinderstruik\"") is
/// reported whatever its shape when an alarm company, a bank, a security service or
/// a phone call is named within 200 bytes: they ask for it by phone. A PIN announced
/// as one ("the PIN for the new card is 8483", "el PIN de Cl@ve …: K7Q") is three to
/// eight digits, or capitals with a digit, and not a run (`1234`) or a repeat.
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
/// languages' words for a credential key are. Names of technologies (`Argon2id`,
/// `TLSv1.3`, `iPhone15`), hyphenated compounds (`Finanzamt-Portal`), key
/// combinations (`Ctrl+Alt+Suppr`), Markdown emphasis and "palabra clave" are not
/// passwords.
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
        r#"(?:\b(?:[Pp]assphrase|PASSPHRASE|[Pp]asscode|PASSCODE|[Pp]assword|PASSWORD|[Pp]asswd|PASSWD|[Pp]wd|PWD|[Pp]w|PW|[Mm]ot\s+de\s+passe|MOT\s+DE\s+PASSE|[Mm]dp|MDP|[Cc]ontraseña|CONTRASEÑA|[Cc]ontrasena|CONTRASENA|[Ss]enha|SENHA|[Pp]alavra[\s-]passe|PALAVRA[\s-]PASSE|[Pp]arola\s+d'ordine|PAROLA\s+D'ORDINE|[Cc]lave|CLAVE|[Kk]enncode|KENNCODE|[Cc]ode\s+internet|CODE\s+INTERNET)|(?:[Pp]asswort|PASSWORT|[Kk]ennwort|KENNWORT|[Ww]achtwoord|WACHTWOORD|[Ww]achtzin|WACHTZIN))"#
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
            r#")(?i:[^\n:=|]{0,80}?(?:\s*[:=|]\s{0,4}|\s+(?:is|was|are|ist|lautet|war|est|était|es|era|è|é|wordt|blijft|now|jetzt|maintenant|ahora|agora|ora|nu|c'est|c’est|it's|it’s)(?:\s*:)?\s+(?:[\p{L}]+\s+){0,2}?)["'`«“„‚]?\s?)"#,
            value!()
        ),
        validate,
    },
    // a card or account PIN: "the PIN for the new debit card is 8483", "il PIN del
    // bancomat …: 33627", a one-time PIN of three characters ("el PIN de Cl@ve …: K7Q")
    TokenRule {
        re: r#"(?-u:\b)(?:PIN|PIN-Code|PIN code|[Pp]incode|[Cc]ódigo PIN|[Cc]ode PIN|[Cc]odice PIN)[^\n0-9]{0,60}?(?:[:=]|\s(?:is|ist|lautet|est|es|è|é|era|war|wordt))\s*["'«“„]?(?P<v>[0-9A-Z]{3,8})(?-u:\b)"#,
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
    // a password-shaped word shortly after a password word, with no `:` or verb
    // between: "Master-Passwort war irgendwas mit meinem Hund. Entweder Bruno!Bello2015
    // oder …", "com a senha que eu mudei ano passado, Capivara#2022"
    TokenRule {
        re: password_words!(),
        validate: validate_shaped_after,
    },
    // a code word in quotes: an alarm company's or a bank's spoken password, which
    // may be any word ("het codewoord: \"Vlinderstruik\"", "Codewort „Seestern“"); the
    // first quotation on the word's line
    TokenRule {
        re: r#"(?-u:\b)(?:[Cc]odewoord|CODEWOORD|[Cc]odewort|CODEWORT|[Cc]ode[ -]?word|CODE[ -]?WORD|[Kk]ennwort|KENNWORT|[Mm]ot\s+de\s+code|[Pp]arola\s+in\s+codice|[Pp]alavra[ -]código|[Pp]alabra\s+de\s+seguridad)[^\n"“„«']*?["“„«'](?P<v>\p{L}[\p{L}\-]*)["”“»']"#,
        validate: validate_code_word,
    },
    // a login and its password joined by a slash: "resto@mail.example / Zinc!Bistrot21",
    // "Sammelkennung: st3nacht / Eule#Station3"
    TokenRule {
        re: r"[ \t]?/[ \t]?",
        validate: validate_login_pair,
    },
];

/// How far after a password word [`validate_shaped_after`] looks for the value.
const SHAPED_WINDOW: usize = 120;

/// Words that look like a password but name a technology ("Argon2id", "TLSv1.3",
/// "iPhone15", "SHA-256"): lowercase prefixes. A value starting with one is a
/// password only with a symbol other than `.`, `-` or `_` (`Windows2024!`).
const TECH_WORDS: &[&str] = &[
    "argon2", "pbkdf2", "scrypt", "bcrypt", "sha-", "sha1", "sha2", "sha3", "sha5", "md5", "tls1",
    "tlsv", "ssl3", "sslv", "wpa2", "wpa3", "iphone", "ipad", "windows", "macos", "ipv4", "ipv6",
    "utf-8", "utf8", "iso-", "aes-", "aes1", "aes2", "rsa-", "rsa2", "rsa4", "hmac", "oauth",
    "covid", "http", "x86", "arm64",
];

/// Whether `v` names a technology (see [`TECH_WORDS`]).
fn names_technology(v: &str) -> bool {
    let lower = v.to_lowercase();
    TECH_WORDS.iter().any(|t| lower.starts_with(t))
        && !v
            .chars()
            .any(|c| !c.is_alphanumeric() && !matches!(c, '.' | '-' | '_'))
}

/// A word shaped like a password a person chose: 8 to 40 characters with at least
/// three letters, upper and lower case with a digit or symbol (`Bruno!Bello2015`,
/// `LunaDeMiel2016`), or lowercase words joined to a digit (`bruno-bello-2015`).
/// Not one: a hyphenated compound ending in a word (`Finanzamt-Portal`,
/// `FRITZ!Box-Benutzer`), a word with an apostrophe or quote (`L'operazione`,
/// `Python's`), a key combination (`Ctrl+Alt+Suppr`), Markdown or code (`*x*`,
/// `` a`b ``, `{`), a CSV row (`;`), a domain or file name (`verify.co`, `x.iso`),
/// an address, a path or a password word itself (`Password1!`).
fn password_shaped(v: &str) -> bool {
    let n = v.chars().count();
    let letters = v.chars().filter(|c| c.is_alphabetic()).count();
    let upper = v.chars().any(char::is_uppercase);
    let lower = v.chars().any(char::is_lowercase);
    let digit = v.chars().any(|c| c.is_ascii_digit());
    let symbol = v.chars().any(|c| !c.is_alphanumeric() && c != '-');
    let long_words = v
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 4)
        .count();
    let lower_v = v.to_lowercase();
    let compound = v.rsplit_once('-').is_some_and(|(_, last)| {
        last.chars().count() >= 4 && last.chars().all(char::is_alphabetic)
    });
    let domain_or_file = v.rsplit_once('.').is_some_and(|(_, end)| {
        (2..=6).contains(&end.len()) && end.chars().all(|c| c.is_ascii_lowercase())
    });
    let shaped = (8..=40).contains(&n)
        && letters >= 3
        && ((upper && lower && (digit || symbol)) || (lower && digit && long_words >= 2));
    shaped
        && !compound
        && !domain_or_file
        && !v.contains([
            '\'', '’', '"', '“', '”', '„', '«', '»', ';', '`', '*', '{', '}', '(', '<', '=', '@',
            '/', '\\',
        ])
        && !["ctrl+", "strg+", "alt+", "cmd+", "shift+", "${"]
            .iter()
            .any(|p| lower_v.contains(p))
        && ![
            "passw",
            "kennw",
            "wachtw",
            "senha",
            "contrase",
            "mot de passe",
            "motdepasse",
        ]
        .iter()
        .any(|p| lower_v.starts_with(p))
}

/// `v` without a sentence's closing `!` or `?`: after a letter they end the
/// sentence; after a digit or symbol they are the value's own (`Amapola1987!`).
fn without_sentence_end(v: &str) -> &str {
    let bare = v.trim_end_matches(['!', '?']);
    if bare.ends_with(char::is_alphabetic) {
        bare
    } else {
        v
    }
}

/// The first password-shaped word in the [`SHAPED_WINDOW`] bytes after a password
/// word, on its line.
fn validate_shaped_after(text: &str, _s: usize, e: usize) -> Option<Hit> {
    let end = floor_boundary(text, e.saturating_add(SHAPED_WINDOW));
    let window = text.get(e..end)?;
    let line = window.split('\n').next().unwrap_or(window);
    let mut at = e;
    let mut words = line.split(' ');
    while let Some(word) = words.next() {
        let start = at;
        at += word.len() + 1;
        let Some((s, e)) = shaped_word(word, start) else {
            continue;
        };
        let (score, s, mut end) = validate(text, s, e)?;
        // a second guess offered as an alternative: "Entweder Bruno!Bello2015 oder
        // bruno-bello-2015", "LunaDeMiel2016 y luna.miel.2016"
        while let (Some(or), Some(next)) = (words.next(), words.next()) {
            let next_start = at + or.len() + 1;
            at = next_start + next.len() + 1;
            let alternative = ALTERNATIVES.contains(&or.to_lowercase().as_str());
            match shaped_word(next, next_start).filter(|_| alternative) {
                Some((ns, ne)) if validate(text, ns, ne).is_some() => end = ne,
                _ => break,
            }
        }
        return Some((score, s, end));
    }
    None
}

/// The words that offer a second value as an alternative to the first.
const ALTERNATIVES: &[&str] = &[
    "or", "oder", "ou", "o", "oppure", "of", "y", "e", "und", "and", "et", "en", "bzw.",
];

/// The password-shaped core of `word` (which starts at byte `start`): without
/// opening brackets or quotes and closing punctuation.
fn shaped_word(word: &str, start: usize) -> Option<(usize, usize)> {
    let lead = word.len()
        - word
            .trim_start_matches(['(', '«', '"', '\'', '“', '„', '`'])
            .len();
    let core = without_sentence_end(
        word.get(lead..)?
            .trim_end_matches(|c: char| ".,;:)]}»”“\"'`".contains(c)),
    );
    password_shaped(core).then_some((start + lead, start + lead + core.len()))
}

/// A quoted code word: any word, but not a placeholder or the word for it.
fn validate_code_word(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    // 4 to 30 characters (checked here: a counted Unicode class makes a large
    // automaton)
    if !(4..=30).contains(&v.chars().count()) {
        return None;
    }
    let lower = v.to_lowercase();
    let generic = ["code", "word", "wort", "woord", "passw", "secret", "geheim"]
        .iter()
        .any(|w| lower.contains(w));
    // who asks for it: an alarm company, a bank, a security service, by phone; a
    // codeword of a game or a role-play ("until I say the codeword 'restart'") is not
    // a credential
    let end = floor_boundary(text, e.saturating_add(200));
    let around = format!(
        "{} {}",
        before(text, s, 200),
        text.get(e..end)?.to_lowercase()
    );
    let asked = CODE_WORD_CONTEXT.iter().any(|w| around.contains(w));
    (asked && !generic && !is_placeholder(v)).then_some((0.8, s, e))
}

/// Words for who asks for a code word (seven languages, lowercase stems).
const CODE_WORD_CONTEXT: &[&str] = &[
    "alarm",
    "meldkamer",
    "leitstelle",
    "bank",
    "security",
    "sicherheit",
    "beveiliging",
    "sécurité",
    "seguridad",
    "sicurezza",
    "segurança",
    "identif",
    "verif",
    "phone",
    "telefo",
    "téléphon",
    "belt ",
    "bellen",
    "anruf",
    "appelle",
    "llama",
    "chiama",
    "liga",
];

/// Words that say what comes before a slash is a login.
const LOGIN_WORDS: &[&str] = &[
    "login",
    "user",
    "benutzer",
    "kennung",
    "zugang",
    "account",
    "konto",
    "compte",
    "identifiant",
    "accès",
    "usuario",
    "usuário",
    "utente",
    "utilizador",
    "acesso",
    "acceso",
    "accesso",
    "gebruiker",
    "inlog",
    "toegang",
    "credential",
    "anmeld",
];

/// A login and a password-shaped value after a slash: the login is an e-mail
/// address, or a login word stands within the 80 bytes before it and the login has a
/// digit, `.` or `_` or is labelled by the word (`Kennung: nacht3`).
fn validate_login_pair(text: &str, _s: usize, e: usize) -> Option<Hit> {
    // the value: the token after the slash (not a piece of base64 or a path)
    let rest = text.get(e..)?;
    let len = rest
        .char_indices()
        .take_while(|&(i, c)| i <= 64 && !c.is_whitespace())
        .last()
        .map_or(0, |(i, c)| i + c.len_utf8());
    let v = without_sentence_end(
        rest.get(..len)?
            .trim_end_matches(|c: char| ".,;:)]}".contains(c)),
    );
    let s = e;
    if !password_shaped(v) {
        return None;
    }
    let head = before(text, s, 80);
    let login = head
        .trim_end_matches(|c: char| c.is_whitespace() || c == '/')
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or("");
    let login_chars = !login.is_empty()
        && login.len() <= 64
        && login
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '@' | '-'));
    if !login_chars {
        return None;
    }
    let email = login.contains('@') && login.contains('.');
    // a user name is short and has no `+` (base64 does: `…ICzxz/EvE5c…`)
    if !email && (login.len() > 32 || login.contains('+')) {
        return None;
    }
    // a login word nearby, and a login that is not a plain word ("user guide /
    // Chapter12") unless the word labels it ("user: admin / …")
    let named = LOGIN_WORDS.iter().any(|w| head.contains(w));
    let login_like = login.contains(|c: char| c.is_ascii_digit() || matches!(c, '.' | '_'));
    let labelled = head
        .trim_end_matches(|c: char| c.is_whitespace() || c == '/')
        .strip_suffix(login)
        .map(str::trim_end)
        .is_some_and(|h| {
            h.ends_with(':') && LOGIN_WORDS.iter().any(|w| h.ends_with(&format!("{w}:")))
        });
    (email || named && (login_like || labelled))
        .then(|| validate(text, s, s + v.len()))
        .flatten()
}

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
    let end = floor_boundary(text, e.saturating_add(30));
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

/// A PIN of three to eight digits, or of capitals with a digit (`K7Q`, a one-time PIN
/// of Spain's Cl@ve), that is not a pattern (`0000`, `1234`) and is not the start of a
/// date, amount or longer number (`2024-05`, `1234.50`).
fn validate_pin(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    // a quantity with its unit ("512GB") is not a PIN
    let unit = ["GB", "MB", "KB", "TB", "MHZ", "GHZ", "MM", "CM", "KG", "PX"]
        .iter()
        .any(|u| v.ends_with(u) && v.len() > u.len());
    if unit || !v.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
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
    // "palabra clave" is a keyword, not a password; `*pública*` is Markdown emphasis
    let emphasis = whole.starts_with('*')
        && whole
            .trim_end_matches(|c: char| ".,;:!?".contains(c))
            .ends_with('*');
    if before(text, s, 24).contains("palabra clave") || emphasis {
        return None;
    }
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
    if pointer || email || call || names_technology(core) || !v.chars().any(char::is_alphabetic) {
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
