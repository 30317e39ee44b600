use rampart_core::declare_rule;

use super::util::{classes, entropy, is_placeholder, names_a_store};
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a high-entropy value assigned to a credential-like name
    /// (`password = "…"`, `api_key: …`, `"client_secret": "…"`, `token=…`,
    /// `SEARCH_ADMIN_KEY = "…"`, Go's `webhookSecret = []byte("…")`, PHP's
    /// `define('DB_PASSWORD', '…')`, XML's `<password>…</password>`,
    /// `HTTPBasicAuth("user", "…")`), a database connection's password as its third
    /// argument (`new PDO($dsn, 'shop', '…')`, also as a PHP stack trace prints it,
    /// `mysqli_connect`, JDBC's `getConnection`) and the password in a connection URL
    /// (`postgres://user:PASSWORD@host`, read up to the last `@` before the host).
    /// A quoted value is read to its closing quote, so a password's `(`, `[`, `%` or
    /// `<` is part of it.
    ///
    /// ## Why is this dangerous?
    /// Configuration files, logs and stack traces pasted into a chat carry the
    /// credentials of the systems they configure.
    ///
    /// ## Example
    /// ```text
    /// DB_PASSWORD="tR9#vQ2!mZ7pL4xK"
    /// ```
    ///
    /// ## Remediation
    /// Redact; rotate the credential.
    ///
    /// ## False positives
    /// Values with fewer than two character classes or low Shannon entropy, variable
    /// references (`${DB_PASSWORD}`, `os.environ[...]`, `process.env.X`), identifiers
    /// and placeholders (`changeme`, `your-password-here`, `****`) are ignored. A
    /// value inside a typed key (SEC001–SEC012) is reported once, by the typed rule.
    ///
    /// ## References
    /// CWE-798 (use of hard-coded credentials); guidelines SD-3, DP-2.
    pub(crate) static RULE = {
        code: "SEC013",
        name: "generic-secret-assignment",
        severity: High,
        guidelines: [Sd3, Dp2],
        summary: "High-entropy secret assigned to a credential-like name",
    }
}

/// The names a credential is assigned to. Matched anywhere in a name, so
/// `EMAIL_HOST_PASSWORD`, `ldap_default_authtok` and `$StorageAccountKey` count.
macro_rules! names {
    () => {
        r#"(?i:pass(?:word|wd|phrase)?|pwd|authtok|secret(?:[_\-]?key)?|api[_\-]?key|apikey|access[_\-]?key|(?:admin|master|signing|encryption|application|app|account|storage|license|service|webhook|hmac|jwt|session)[_\-]?(?:key|secret)|(?:access|auth|api|bearer|refresh|session)[_\-]?token|token|client[_\-]?secret|private[_\-]?key|credentials?|geheim(?:nis)?|kennwort|secreto|segreto|segredo|senha|wachtwoord)"#
    };
}

/// A shorter list of the same names in three cases (`password`, `Password`,
/// `PASSWORD`), for the patterns that have no `=` or `:` to be found by: the engine
/// anchors them at these literals instead of running them on every text.
macro_rules! cased_names {
    () => {
        r#"(?:[Pp]ass(?:word|wd|phrase)?|PASS(?:WORD|WD|PHRASE)?|[Pp]wd|PWD|[Ss]ecret|SECRET|[Tt]oken|TOKEN|[Aa]uthtok|AUTHTOK|[Kk]ey|KEY)"#
    };
}

static RULES: &[TokenRule] = &[
    // `name = value`, `name: "value"`, `"name": "value"`, Go's `name = []byte("value")`,
    // JSON kept as a string in JSON (`\"refreshToken\":\"value\"`, a `localStorage`
    // dump); the value is on the name's line (`STRIPE_SECRET_KEY=` with nothing after
    // it does not take the next line's `REDIS_URL=…`)
    TokenRule {
        re: concat!(
            names!(),
            r#"\\?["']?\s*(?::=|=>|[:=])[ \t]*(?:\[\]byte\()?\\?["'`]?(?P<v>[^\s"'`,;]{8,})"#
        ),
        validate,
    },
    // PHP's `define('DB_PASSWORD', 'value')`
    TokenRule {
        re: concat!(
            r#"define\s*\(\s*["'][A-Za-z0-9_]*"#,
            cased_names!(),
            r#"["']\s*,\s*["'](?P<v>[^"'\n]{8,128})["']"#
        ),
        validate: validate_quoted,
    },
    // XML: `<property name="…password">value</property>`, `<password>value</password>`
    TokenRule {
        re: concat!(cased_names!(), r#"["']?\s*>(?P<v>[^<\s]{6,128})</"#),
        validate: validate_quoted,
    },
    // `HTTPBasicAuth("user", "value")`, `credentials=("user", "value")`
    TokenRule {
        re: r#"(?:[Bb]asic[Aa]uth|[Dd]igest[Aa]uth|[Cc]redentials|CREDENTIALS|[Aa]uth|AUTH)\s*=?\s*\(\s*["'][^"'\n]{1,80}["']\s*,\s*["'](?P<v>[^"'\n]{6,128})["']"#,
        validate: validate_quoted,
    },
    // a database connection's password as its third argument, in code or in a stack
    // trace that prints the arguments: `new PDO($dsn, 'shop', '…')`,
    // `PDO->__construct('mysql:host=…', 'shop', '…', Array)`, `mysqli_connect(…)`,
    // JDBC's `DriverManager.getConnection(url, "user", "…")`
    TokenRule {
        re: r#"(?:PDO(?:->__construct)?|mysqli(?:_connect|->__construct)?|mysql_connect|getConnection)\s*\(\s*(?:["'][^"'\n]{0,200}["']|\$?[A-Za-z_][A-Za-z0-9_.]{0,40})\s*,\s*["'][^"'\n]{1,80}["']\s*,\s*["'](?P<v>[^"'\n]{4,128})["']"#,
        validate: validate_quoted,
    },
    // an analytics write or ingest key (`write_key="…"`, `INGEST_KEY=…`), apart from
    // the list above: each name there makes its case-insensitive automaton larger
    TokenRule {
        re: r#"(?:[Ww]rite|WRITE|[Ii]ngest(?:ion)?|INGEST(?:ION)?)[_\-]?(?:[Kk]ey|KEY)["']?\s*(?::=|=>|[:=])[ \t]*["'`]?(?P<v>[^\s"'`,;]{8,})"#,
        validate,
    },
    // a bare `key = …` / `key: …` opening a line of a configuration (rclone's
    // `[remote]` sections, YAML): the name is too common for the list above, so the
    // value must be long and random
    TokenRule {
        re: r#"(?:key|KEY|Key)[ \t]*[=:][ \t]*["']?(?P<v>[A-Za-z0-9_\-+/=.]{16,})"#,
        validate: validate_bare_key,
    },
    // a pre-shared key in `ipsec.secrets`: `@left right : PSK "…"`
    TokenRule {
        re: r#"(?:PSK|psk)[ \t]+["'](?P<v>[^"'\n]{6,128})["']"#,
        validate: validate_quoted,
    },
    // the password of a `login(user, password)` call: smtplib, imaplib, ftplib and
    // the like; an app password's four groups of four letters keep their spaces
    TokenRule {
        re: r#"\.login\(\s*["'][^"'\n]{1,80}["']\s*,\s*["'](?P<v>[^"'\n]{4,128})["']"#,
        validate: validate_login,
    },
    // Twilio's auth token beside its account SID: `Client("AC…", "…")`
    TokenRule {
        re: r#"AC[0-9a-f]{32}["']\s*,\s*["'](?P<v>[0-9a-f]{32})["']"#,
        validate: validate_quoted,
    },
    // a line of PostgreSQL's password file: `host:port:database:user:password`, the
    // port PostgreSQL's or PgBouncer's or `*` (the engine finds the line by it)
    TokenRule {
        re: r"(?m:^)(?:\*|[A-Za-z0-9][A-Za-z0-9.\-]*)(?::5432:|:5433:|:6432:|:\*:)[^:\s]+:[^:\s]+:(?P<v>\S+)(?m:$)",
        validate: validate_pgpass,
    },
    // a JDBC URL that carries a password (`jdbc:mysql://…?user=u&password=…&useSSL=true`,
    // `jdbc:sqlserver://…;user=sa;password=…;`, Oracle's `jdbc:oracle:thin:u/p@host`),
    // hidden whole: host, database and user name the system the password opens
    TokenRule {
        re: r#"jdbc:[a-z][a-z0-9]{1,20}:[^\s"'<>`]{4,}"#,
        validate: validate_jdbc,
    },
    // the password of a URL; read up to the last `@` before the host, so a password
    // holding `@` is hidden whole
    TokenRule {
        re: r"[a-z][a-z0-9+.\-]{1,20}://[^\s:/@]+:(?P<v>[^\s/]{6,}?)@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*(?:[:/\s?#'\x22]|$)",
        validate: validate_url,
    },
];

fn plausible(v: &str) -> bool {
    let template = v.contains("%(") || v.contains("%s") || (v.starts_with('%') && v.ends_with('%'));
    // code, not a value: a call or an index (`get_password()`, `args[0]`)
    let call = v.find(['(', '[']).is_some_and(|at| {
        at == 0
            || v[..at]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b':'))
    });
    if is_placeholder(v) || call || template {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    if ["null", "none", "true", "false", "password", "undefined"]
        .iter()
        .any(|w| lower.contains(w))
    {
        return false;
    }
    !names_a_store(&lower) && random_enough(v)
}

/// Two character classes and enough entropy, and not an identifier or dotted name
/// without digits (a variable reference).
fn random_enough(v: &str) -> bool {
    if v.bytes()
        .all(|b| b.is_ascii_alphabetic() || b == b'_' || b == b'.' || b == b'-')
    {
        return false;
    }
    let need = if v.len() >= 20 { 3.3 } else { 2.7 };
    classes(v) >= 2 && entropy(v) >= need
}

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    // a quoted value is read to its closing quote on the same line
    if let Some(q) = text
        .get(..s)
        .and_then(|t| t.chars().last())
        .filter(|c| matches!(c, '"' | '\''))
    {
        let rest = text.get(s..)?;
        let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
        // an escaped quote opens a value that an escaped quote closes
        let escaped = text.get(..s - 1).is_some_and(|t| t.ends_with('\\'));
        let close = match (escaped, q) {
            (true, '"') => line.find("\\\""),
            (true, _) => line.find("\\'"),
            (false, _) => line.find(q),
        };
        if let Some(close) = close.filter(|&c| (8..=128).contains(&c)) {
            return validate_quoted(text, s, s + close);
        }
    }
    let mut v = text.get(s..e)?.trim_end_matches(['.', ')', '}', ']']);
    // a query string goes on after the value: `password=X&useSSL=true`
    if let Some(at) = v.find('&').filter(|&at| {
        let rest = &v[at + 1..];
        rest.split_once('=').is_some_and(|(k, _)| {
            !k.is_empty() && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
    }) {
        v = &v[..at];
    }
    // a long value (an API key of Adyen's runs to 150 characters) is still read;
    // a certificate or a blob is not assigned to a credential's name
    if v.len() > MAX_VALUE || !plausible(v) {
        return None;
    }
    Some((0.8, s, s + v.len()))
}

/// The longest value read as one credential.
const MAX_VALUE: usize = 512;

/// A bare `key`'s value: random (three character classes, 3.5 bits of entropy per
/// character) and with a digit, so words and names joined by `-` or `.` (`key:
/// app.kubernetes.io/name`) are not read.
fn validate_bare_key(text: &str, s: usize, e: usize) -> Option<Hit> {
    // the name opens its line (`api_key = …` is the first rule's)
    let name_at = text.get(..s)?.rfind(['k', 'K'])?;
    let line_start = text.get(..name_at)?.rfind('\n').map_or(0, |i| i + 1);
    if !text
        .get(line_start..name_at)?
        .bytes()
        .all(|b| b == b' ' || b == b'\t')
    {
        return None;
    }
    let v = text.get(s..e)?.trim_end_matches(['.', '"', '\'']);
    let random = v.len() >= 16
        && v.len() <= MAX_VALUE
        && v.bytes().any(|b| b.is_ascii_digit())
        && !is_placeholder(v)
        && classes(v) >= 3
        && entropy(v) >= 3.5;
    random.then_some((0.8, s, s + v.len()))
}

/// The password of a `login` call: a random value, or an app password's four groups
/// of four lowercase letters (`"isxd brpk hguc mbbt"`).
fn validate_login(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    let groups: Vec<&str> = v.split(' ').collect();
    let app_password = groups.len() == 4
        && groups
            .iter()
            .all(|g| g.len() == 4 && g.bytes().all(|b| b.is_ascii_lowercase()));
    if app_password {
        return Some((0.8, s, e));
    }
    validate_quoted(text, s, e)
}

/// A `.pgpass` line's password: not a field name (`password` in the header line
/// `hostname:port:database:username:password`), not a placeholder and not a number
/// alone (the port field already keeps times of day out).
fn validate_pgpass(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    // lengths checked here: counted classes (`\S{6,128}`) make large automata
    if !(6..=128).contains(&v.len()) {
        return None;
    }
    let lower = v.to_ascii_lowercase();
    if lower.contains("password") || is_placeholder(v) || v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    (classes(v) >= 2 && entropy(v) >= 2.5).then_some((0.8, s, e))
}

/// A value between quotes: `(`, `[`, `%`, `<` and `{` are characters of the password
/// here, not code, so only placeholders, templates and variables are set aside.
fn validate_quoted(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    let lower = v.to_ascii_lowercase();
    let template = v.contains("%(") || v.contains("%s") || v.contains("${") || v.contains("{{");
    if is_placeholder(v) || template || v.contains(' ') || names_a_store(&lower) {
        return None;
    }
    random_enough(v).then_some((0.8, s, e))
}

/// A JDBC URL with a password: a `password=` or `pwd=` property (after `?`, `&` or
/// `;`) or Oracle's `user/password@`, whose value is not a placeholder or a variable.
fn validate_jdbc(text: &str, s: usize, e: usize) -> Option<Hit> {
    let url = text.get(s..e)?.trim_end_matches(['.', ',', ')', ']', '}']);
    if url.len() > 2 * MAX_VALUE {
        return None;
    }
    let lower = url.to_ascii_lowercase();
    let property = ["password=", "pwd=", "passwd="].iter().find_map(|k| {
        lower.match_indices(k).find_map(|(at, _)| {
            let before = lower.as_bytes().get(at.checked_sub(1)?)?;
            matches!(before, b'?' | b'&' | b';' | b':').then_some(at + k.len())
        })
    });
    let value = match property {
        Some(at) => url.get(at..)?.split(['&', ';']).next()?,
        // `jdbc:oracle:thin:user/password@host`
        None => {
            let creds = url.get(..url.find('@')?)?.rsplit(':').next()?;
            creds.split_once('/')?.1
        }
    };
    let variable = value.contains("${") || value.contains("{{") || value.starts_with('%');
    if value.len() < 4
        || is_placeholder(value)
        || variable
        || value.eq_ignore_ascii_case("password")
    {
        return None;
    }
    Some((0.85, s, s + url.len()))
}

fn validate_url(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    if v.len() > 128
        || is_placeholder(v)
        || v.eq_ignore_ascii_case("password")
        || v.eq_ignore_ascii_case("pass")
    {
        return None;
    }
    Some((0.85, s, e))
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
