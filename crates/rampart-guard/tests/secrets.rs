//! Secrets: positives with valid formats and checksums, hard negatives (look-alikes).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{codes, slice, strong};
use rampart_guard::Role;

const GHP: &str = "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";

/// Rule `code` reports exactly `value` in `text` (among whatever else it reports), as
/// a secret acted on.
fn assert_secret(text: &str, code: &str, value: &str) {
    let f = strong(text, Role::User);
    let hit = f
        .iter()
        .find(|f| f.rule == code && slice(text, f.span) == value)
        .unwrap_or_else(|| panic!("{code} with {value:?} not found in {text:?}: {f:?}"));
    assert!(hit.category == rampart_guard::Category::Secret);
}

/// Rule `code` finds nothing in `text`.
fn assert_not_found(text: &str, code: &str) {
    assert!(
        !codes(text, Role::User).contains(&code.to_string()),
        "{code} in {text:?}"
    );
}

/// No secret is acted on in `text`.
fn assert_no_secret(text: &str) {
    let f = strong(text, Role::User);
    assert!(
        !f.iter()
            .any(|f| f.category == rampart_guard::Category::Secret),
        "{text:?}: {f:?}"
    );
}

#[test]
fn positives() {
    let cases: &[(&str, &str)] = &[
        ("SEC001", "AKIAEUVW75EFR6EDT4SY"),
        ("SEC003", GHP),
        ("SEC004", "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"),
        ("SEC005", "glpat-1VOqg6YYZYn9ZhyiA4uo"),
        ("SEC006", "xoxb-590109281590-1396245957117-DEEtfjgVvVqE1SkHbn88HxjS"),
        ("SEC007", "sk_live_I6bWHtP3fS2qHx6kwXoIIXGv"),
        ("SEC008", "sk-proj-CyEZDz_TddJ8HyS5SUkCnD8zRA9a9SkpXz9w3QlY7ZkuvqdtT3BlbkFJ7s8Stqcbnr3yBdGBLEPH1qhT61qtc4xatws8phP9nhFyJfm5"),
        ("SEC008", "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"),
        ("SEC009", "sk-ant-api03-Y4OjE2jBMptUsGr7CmY-uCu3ZR1zTOlUcR64cXQLioDnkHIfxIq2HZt_PlJhx2jIclHkCiHp6bR1IqfEouHgxzNNAL5wIAA"),
        ("SEC010", "AIzaScGebcy8F5n3_YNBDRzrZSgqbjG3uhkWKFL"),
        ("SEC011", "eyJhbGciOiAiSFMyNTYiLCAidHlwIjogIkpXVCJ9.eyJzdWIiOiAiMTIzNDU2Nzg5MCIsICJuYW1lIjogIkFuYSIsICJpYXQiOiAxNTE2MjM5MDIyfQ.f6xuI5aHUQPFeNBTxaQWk8JzFalHlsZfYcMMDktXP_t"),
        ("SEC017", "whsec_5WbX5kEWLlfzsGNjH64I8lOOqUB6e8FH"),
        ("SEC018", "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"),
        ("SEC019", "pypi-AgEIcHlwaS5vcmcCJGE0ZjY1ZGY2LWQ3YjMtNDc4ZC1iMzg0LTljNzFmNmE3ZmQ0ZAACKlszLCJhMGQ2YmU1YS0"),
        ("SEC020", "dckr_pat_2b3e36beeb386dfdaacb9b46004"),
        ("SEC021", "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"),
        ("SEC022", "7123456789:AABFUhIiJyqGNSOvQmIQbgSc7I8gzNHj_cr"),
        ("SEC023", "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"),
        ("SEC024", "NDEyMzQ1Njc4OTAxMjM0NTY3.zFU89L.YxzGtoBgNOOgu1lNGZ9jkECHuLg_Y_"),
        ("SEC025", "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"),
    ];
    for (code, value) in cases {
        assert_secret(&format!("here is my key {value} thanks"), code, value);
        assert_secret(&format!("KEY=\"{value}\""), code, value);
        // exactly once: the generic rule does not double-report a typed key
        let text = format!("api_key = {value}");
        let f = strong(&text, Role::User);
        assert!(!f.iter().any(|f| f.rule == "SEC013"), "{code}: {f:?}");
    }
}

#[test]
fn aws_secret_in_context() {
    let v = "Sc7Tvo+hBKqFYY+kv5ZJr3J1TWDtkwtDDb/xHKas";
    assert_secret(&format!("aws_secret_access_key = {v}"), "SEC002", v);
    assert_secret(&format!("\"SecretAccessKey\": \"{v}\""), "SEC002", v);
    // a 40-character base64 string without context is not a finding
    assert!(codes(&format!("checksum {v}"), Role::User).is_empty());
}

#[test]
fn private_key_block() {
    let pem = "-----BEGIN RSA PRIVATE KEY-----\nKsf2rcDkdfrUnW5gcF+Ha6ili8GjHEAD6/Wj9KfzjsQGMrb9h+ImB+LK777pzNk8\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi7Z1f3nQ2mV1vQv0s3e7tF4r2a\n-----END RSA PRIVATE KEY-----";
    let text = format!("my key:\n{pem}\nthanks");
    let f = strong(&text, Role::User);
    let hit = f.iter().find(|f| f.rule == "SEC012").unwrap();
    assert_eq!(slice(&text, hit.span), pem);
}

#[test]
fn generic_assignments() {
    for (text, value) in [
        ("DB_PASSWORD=\"tR9#vQ2!mZ7pL4xK\"", "tR9#vQ2!mZ7pL4xK"),
        ("password: Summer2024!Blue", "Summer2024!Blue"),
        (
            "\"client_secret\": \"8f1c2e9a7b3d4f6e0a1b2c3d4e5f6a7b\"",
            "8f1c2e9a7b3d4f6e0a1b2c3d4e5f6a7b",
        ),
        (
            "postgres://app:Xk29vLq8Pz@db.internal:5432/prod",
            "Xk29vLq8Pz",
        ),
    ] {
        assert_secret(text, "SEC013", value);
    }
}

#[test]
fn look_alikes_are_not_secrets() {
    let negatives = [
        // git SHAs, UUIDs, hashes
        "commit 3fce3b5bb023a1c9e2f0d4b6a8c7e5f1d2b3a4c5 fixed it",
        "sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "request id 123e4567-e89b-12d3-a456-426614174000",
        // public keys and certificates
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl user@host",
        "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n-----END PUBLIC KEY-----",
        "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ\n-----END CERTIFICATE-----",
        "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----",
        // placeholders
        "export OPENAI_API_KEY=sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "api_key = \"your-api-key-here\"",
        "OPENAI_API_KEY=sk-...",
        "ANTHROPIC_API_KEY=sk-ant-api03-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "token: ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "Set SLACK_TOKEN=xoxb-your-token",
        "password = changeme",
        "password: ${DB_PASSWORD}",
        "password = os.environ['DB_PASSWORD']",
        "api_key: process.env.API_KEY",
        "postgres://user:password@localhost/db",
        // wrong checksum and a placeholder tail
        "ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8AAAAAA",
        // announced, but ordinary words
        "the password is correct",
        "my token is expired, please renew it",
        "Our API key is rotated every month.",
        "the key is: press Enter twice",
        // bearer placeholders
        "Authorization: Bearer <token>",
        "curl -H 'Authorization: Bearer $TOKEN' https://api.example.com",
        "Authorization: Bearer YOUR_ACCESS_TOKEN_HERE",
        // dotted identifiers that are not Discord tokens
        "MyClassNameIsVeryLongHere1.method.AnotherPartOfTheIdentifier12345",
        // a signed URL that is not an Azure SAS
        "https://cdn.example.com/f.png?expires=1700000000&sig=Zm9vYmFyYmF6cXV4cXV1eDEyMzQ1Njc4OTAxMjM0",
        // hf_ and key- in ordinary identifiers
        "the hf_hub_download function downloads a file",
        "the primary key-value store is fast",
        // test-mode Stripe key
        "sk_test_I6bWHtP3fS2qHx6kwXoIIXGv",
        // prose
        "The token is then passed to the next stage.",
        "Reset your password: click the link in the email.",
        "Use the AIza prefix to recognise Google keys.",
        "A JWT looks like eyJhbGciOi... with three parts.",
        "my sk-learn model is sk-learn-pipeline-v2",
    ];
    for text in negatives {
        let f: Vec<_> = strong(text, Role::User)
            .into_iter()
            .filter(|f| f.category == rampart_guard::Category::Secret)
            .collect();
        assert!(f.is_empty(), "{text:?} -> {f:?}");
    }
}

#[test]
fn secrets_in_output_and_encoded() {
    // secrets in assistant output are reported too
    assert!(
        codes(&format!("Sure, the token is {GHP}"), Role::Assistant).contains(&"SEC003".to_owned())
    );
    // base64-encoded secret
    let encoded = "YXdzX2FjY2Vzc19rZXlfaWQgPSBBS0lBRVVWVzc1RUZSNkVEVDRTWQ==";
    let c = codes(&format!("config: {encoded}"), Role::User);
    assert!(
        c.contains(&"SEC001".to_owned()) && c.contains(&"OBF003".to_owned()),
        "{c:?}"
    );
}

/// A private key without its END line (truncated, or still streaming) is reported
/// over its whole body, not just the BEGIN line, and not past the body.
#[test]
fn a_private_key_without_its_end_line_covers_its_body() {
    let body = "MIIEpAIBAAKCAQEA1c7Hq3WVGhBDe9bEkOqtBnKhDBTl8XvZqIRDwR0m5S3u1FVJ\nWz3eXG5hYjUXyN8iIMpEt0XkZuzqyB3LxmRdNmr/WOSGfXn2kbn+3K9Qy7u1m8/r";
    let text = format!("key:\n-----BEGIN RSA PRIVATE KEY-----\n{body}\n\nThanks, see you.");
    let findings = rampart_guard::check(&text, Role::Assistant).unwrap();
    let f = findings
        .iter()
        .find(|f| f.rule == "SEC012")
        .expect("SEC012");
    let chars: Vec<char> = text.chars().collect();
    let covered: String = chars[f.span.0..f.span.1].iter().collect();
    assert!(covered.starts_with("-----BEGIN"), "{covered}");
    assert!(covered.ends_with("Qy7u1m8/r"), "{covered}");
    assert!(!covered.contains("Thanks"), "{covered}");
}

#[test]
fn announced_and_header_secrets() {
    let bearer = "qpeRAtRmExinGYKjYsfBCH5yXHMW5jQJjkLI7uFZ";
    assert_secret(&format!("Authorization: Bearer {bearer}"), "SEC014", bearer);
    assert_secret(
        &format!("curl -H \"Authorization: Bearer {bearer}\" https://api.example.com"),
        "SEC014",
        bearer,
    );
    for (text, value) in [
        (
            "hi, my api key is a8Fk29dLq0Zx77PpWm3nV5tR so please use it",
            "a8Fk29dLq0Zx77PpWm3nV5tR",
        ),
        ("the password was Winter2024! and it worked", "Winter2024!"),
        ("Our token: 34s97AeNpk5T!23", "34s97AeNpk5T!23"),
    ] {
        assert_secret(text, "SEC015", value);
    }
}

#[test]
fn azure_storage_credentials() {
    let key =
        "hWrOTfVdSizEtLSKqUcc6gY/YtC/a0DcgM1Ro9iv8blmI/+NDyPQyuAyJuG0iI/N9K81VIof4bejEU9oFIHw2w==";
    assert_secret(
        &format!("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={key};EndpointSuffix=core.windows.net"),
        "SEC016",
        key,
    );
    let sig = "eaP%2FmSSuz2jQgetWBG5fkg3lwL1aDPV6X5TGAd5nPR0%3D";
    assert_secret(
        &format!("https://acct.blob.core.windows.net/c/f.txt?sv=2021-06-08&ss=b&srt=o&sp=r&se=2026-01-01T00:00:00Z&sig={sig}"),
        "SEC016",
        sig,
    );
}

#[test]
fn discord_webhook_and_unverified_github_tokens() {
    let hook = "C04j6BD9OyUd2gQvDOVwBM3T5lnbyw575r85bLHxb7RQBgImbdo8MAmd6CdZp2hhyHIT";
    let url = format!("https://discord.com/api/webhooks/1123456789012345678/{hook}");
    assert_secret(&format!("post to {url}"), "SEC024", &url);
    // A token-shaped GitHub token with a wrong checksum is still redacted, at a lower
    // score than a verified one.
    let bad = "ghp_w8IL0Az6aHWvfWV1YcOU3suuhviI1p7F0sCh";
    assert_secret(&format!("token {bad}"), "SEC003", bad);
    let f = strong(&format!("token {bad}"), Role::User);
    let score = f.iter().find(|f| f.rule == "SEC003").unwrap().score;
    assert!(score < 0.9, "{score}");
    let good = strong(&format!("token {GHP}"), Role::User);
    assert!(good.iter().any(|f| f.rule == "SEC003" && f.score > 0.95));
}

/// Passwords announced in words, in the guard's seven languages, with values people
/// choose (a word with digits and a symbol) as well as random ones and passphrases.
#[test]
fn passwords_announced_in_seven_languages() {
    for (text, value) in [
        (
            "fyi the wiki admin pw is Lantern2019$ until Monday",
            "Lantern2019$",
        ),
        (
            "Login ist hbecker, das Passwort lautet übrigens Fahrrad!1984.",
            "Fahrrad!1984.",
        ),
        ("Zugang fürs Portal – Kennwort: Wq7#pLz2Rv", "Wq7#pLz2Rv"),
        (
            "Identifiant : compta2 et le mot de passe est Mimosa_77?",
            "Mimosa_77?",
        ),
        (
            "Usuario: ventas4 | Contraseña: !Granada1972",
            "!Granada1972",
        ),
        (
            "la password è Cipresso+45, cambiala al primo accesso",
            "Cipresso+45",
        ),
        (
            "a senha do Wi-Fi é jabuticaba.praia.nuvem.verde",
            "jabuticaba.praia.nuvem.verde",
        ),
        (
            "Beheerwachtwoord van de router (tijdelijk): Kx8&vT2m#Qr",
            "Kx8&vT2m#Qr",
        ),
        (
            "Mijn API-sleutel is 5f0c1e7d9a3b8c2e4f6a1d0b7e9c3a5f8d2b4e6c",
            "5f0c1e7d9a3b8c2e4f6a1d0b7e9c3a5f8d2b4e6c",
        ),
        (
            "mot de passe Vb9!rT4kLm2w pour le réseau invité",
            "Vb9!rT4kLm2w",
        ),
        (
            "| Benutzer | etl_reader |\n| Passwort | Hq4_Tz9@wLm2 |",
            "Hq4_Tz9@wLm2",
        ),
    ] {
        assert_secret(text, "SEC015", value);
    }
}

/// What follows a password word is often not a password.
#[test]
fn words_about_passwords_are_not_passwords() {
    for text in [
        "The password is wrong, I typed it twice.",
        "Das Passwort muss mindestens 12 Zeichen haben.",
        "Le mot de passe est dans le coffre KeePass de l'équipe.",
        "la contraseña está en vault.kdbx, pídesela a Marta",
        "Impostare la password personale: non comunicarla a nessuno",
        "password spraying (trying one password against many accounts)",
        "het wachtwoord is hoofdlettergevoelig",
        "Password: ********",
        "password: <your-password>",
        "db_password: ${DB_PASSWORD}",
        "SECRET_KEY=bitte-durch-zufaelligen-wert-ersetzen",
        "token: re.search(r\"Bearer (.*)\", header)",
        "secrets:\n  db_password:\n    file: ./db_password.txt",
        "the password is case-sensitive",
    ] {
        assert_no_secret(text);
    }
}

#[test]
fn basic_auth_headers_and_curl_users() {
    // "deploy:Xr7!kQ2mZp" in base64
    let b64 = "ZGVwbG95OlhyNyFrUTJtWnA=";
    assert_secret(&format!("Authorization: Basic {b64}"), "SEC026", b64);
    assert_secret(
        &format!("curl -H \"Authorization: Basic {b64}\" https://es.example:9200"),
        "SEC026",
        b64,
    );
    assert_secret(
        "curl -u ci-bot:'Tq8#vLp2Wz' https://jenkins.example/job/x",
        "SEC026",
        "Tq8#vLp2Wz",
    );
    assert_secret(
        "curl --user api:Rm4kX9vQ2pLs https://api.example/v3",
        "SEC026",
        "Rm4kX9vQ2pLs",
    );
    // not credentials: a word after "basic", a variable, a user name alone
    for text in [
        "Basic understanding of SQL is required",
        "curl -u \"$USER:$PASS\" https://example.org",
        "curl -u admin https://example.org",
    ] {
        assert!(
            !codes(text, Role::User).contains(&"SEC026".to_string()),
            "{text}"
        );
    }
}

#[test]
fn passwords_on_command_lines() {
    for (text, value) in [
        (
            "mysqldump -u shop -p'Gx7kQ2vLp9' shop_db > dump.sql",
            "Gx7kQ2vLp9",
        ),
        (
            "mysql -h db -u root -pZr4#mK8vQ shop < backup.sql",
            "Zr4#mK8vQ",
        ),
        (
            "sshpass -p \"Lm3!vX8qRt\" rsync -az /srv/ backup@nas:/vol/",
            "Lm3!vX8qRt",
        ),
        (
            "redis-cli -h cache.internal -a Pv9mTq2xK7 INFO",
            "Pv9mTq2xK7",
        ),
        ("./deploy --password=Yh6$wQ3zN1 --env prod", "Yh6$wQ3zN1"),
    ] {
        assert_secret(text, "SEC027", value);
    }
    for text in [
        "mysql -u root -p shop",
        "mysql -u root -p\"$MYSQL_PWD\" shop",
        "sshpass -p $SSHPASS ssh host",
        "tool --password <password>",
        "mysql -h db -P 3306 -u app",
    ] {
        assert!(
            !codes(text, Role::User).contains(&"SEC027".to_string()),
            "{text}"
        );
    }
}

#[test]
fn assignments_read_to_the_closing_quote_and_in_other_syntaxes() {
    for (text, value) in [
        // symbols a password may hold, inside quotes
        ("EMAIL_HOST_PASSWORD = \"Lk9[Tz%]qw4%r\"", "Lk9[Tz%]qw4%r"),
        (
            "SECRET_KEY = \"9x&wnq+ybz+shkke#ffg)oqi3%ol(myo\"",
            "9x&wnq+ybz+shkke#ffg)oqi3%ol(myo",
        ),
        ("ldap_default_authtok = q{Tr8vLm2xKp[", "q{Tr8vLm2xKp["),
        (
            "export const SEARCH_ADMIN_KEY = \"Q7vLm2xKp9TzR4wN8sJ3\";",
            "Q7vLm2xKp9TzR4wN8sJ3",
        ),
        (
            "var hookSecret = []byte(\"4be1c9a07d3f58e26b1a9c04f7d2e83b\")",
            "4be1c9a07d3f58e26b1a9c04f7d2e83b",
        ),
        (
            "define( 'DB_PASSWORD', 'Kestrel!Moss84' );",
            "Kestrel!Moss84",
        ),
        (
            "<property name=\"hibernate.connection.password\">Tern7?Marsh</property>",
            "Tern7?Marsh",
        ),
        (
            "AUTH = HTTPBasicAuth(\"svc@corp.example\", \"Wx2*<Kq9]vLm\")",
            "Wx2*<Kq9]vLm",
        ),
        (
            "jdbc:mysql://db:3306/crm?user=app&password=Zq8vLm2xKp4T&useSSL=true",
            // a JDBC URL with a password is hidden whole
            "jdbc:mysql://db:3306/crm?user=app&password=Zq8vLm2xKp4T&useSSL=true",
        ),
        // a password holding `@` in a URL, and one starting with `$`
        (
            "postgresql://etl:Tq@-=Lj*x1oH5@pg.example:5432/dwh",
            "Tq@-=Lj*x1oH5",
        ),
        (
            "amqp://orders:$Fornaio2012@rabbit.example:5672/",
            "$Fornaio2012",
        ),
    ] {
        assert_secret(text, "SEC013", value);
    }
    for text in [
        "api_key: ${OPENAI_API_KEY}",
        "<key>CFBundleName</key>",
        "define('DB_PASSWORD', getenv('DB_PASSWORD'));",
        "password = \"{{ vault_db_password }}\"",
    ] {
        assert!(
            !codes(text, Role::User).contains(&"SEC013".to_string()),
            "{text}"
        );
    }
}

#[test]
fn telegram_tokens_in_bot_api_urls_and_mailgun_keys_of_both_forms() {
    let tg = "5812309477:AAGv3kQz8LmT2xW9pR4nY7sJ1cB6dF0hEuK";
    assert_secret(
        &format!("curl https://api.telegram.org/bot{tg}/sendMessage -d chat_id=1"),
        "SEC022",
        tg,
    );
    // 32 random hex digits after `key-`, with the 3.4–3.5 bits a character that
    // random hex often has: the entropy bar suits hex
    for key in [
        "key-eee65f53e9421ce50211670eae679f02",
        "key-64709ab7f3f386d0cd566647b5aa6663",
    ] {
        assert_secret(&format!("MAILGUN_KEY={key}"), "SEC025", key);
    }
    let new = "7f3e9a1c5b0d2e8f4a6c1b9d3e7f0a2c-4b1d9e0a-9c2f7e31";
    assert_secret(
        &format!("curl -s --user 'api:{new}' https://api.mailgun.net/v3"),
        "SEC025",
        new,
    );
}

#[test]
fn keys_in_json_strings_session_tokens_and_named_azure_keys() {
    // a service-account file: the PEM on one line with `\n` escapes
    let pem = "-----BEGIN PRIVATE KEY-----\\nR1fPCzO14gHhaQ7lYNh9IwY8bLzo2Rz2mAAfw5Qy5dozVALkFSKK6gSAFZJ/iesy\\naxFlMaPDF7OUJSzwm7j1Cg1Fjq6b2ia+RLz+k/8IH960Z/PnPCmcgQu8XdishZeQ\\n-----END PRIVATE KEY-----";
    let text = format!(
        "credentials_json: '{{\"type\":\"service_account\",\"private_key\":\"{pem}\\n\",\"client_email\":\"x@p.iam.gserviceaccount.com\"}}'"
    );
    // with the escaped line break that closes the JSON string
    assert_secret(&text, "SEC012", &format!("{pem}\\n"));
    let session = "IQoJb3JpZ2luX2Vjbhw2OHFFU9AWTqFIGoTIDgZhx4/ObX9Ytcc/kLwQbKU7GPbCZoJf9NyPXiOqSiux1+BCBwzw+c8sQ/Iq/B6bJQMMD3M1yWNLnAP3zFpIJHuPRyP2Fr+OS7IeEGtzJLSPw8tiluPNK6m3RsWY4Zt+WRnsDEaHICzModIVKcfKONsDMy15dJePi2MVLIx7l/JDiRHwpgeU/pXjb4tPhoaJpOjLEOCkkor0TBC5ObgjGhmzfXQPfeOjug2tmgdfPuB1O1/S9rqSn34=";
    assert_secret(
        &format!("export AWS_SESSION_TOKEN={session}"),
        "SEC002",
        session,
    );
    let azure =
        "dpxfRCMv3a0BVoB25ZoUVY3vnbMKumErtPJz87lsKCs8DRwhgd/s/ZcQxrBiyr/jGutKNKw5uctr4xbFROk1ZQ==";
    assert_secret(
        &format!("key1       FULL           {azure}"),
        "SEC016",
        azure,
    );
    assert_secret(
        &format!("$StorageAccountKey = \"{azure}\""),
        "SEC016",
        azure,
    );
    // the same length as a sha512 integrity hash, which names no key
    let integrity = format!("\"integrity\": \"sha512-{azure}\"");
    assert!(!codes(&integrity, Role::User).contains(&"SEC016".to_string()));
    // a JSON list after a URL ending in /token is not PHP's define()
    let json = "\"token_uri\":\"https://oauth2.example/token\",\"auth_provider_x509_cert_url\":\"https://www.example/certs\"";
    assert!(
        !codes(json, Role::User).contains(&"SEC013".to_string()),
        "{json}"
    );
}

#[test]
fn recovery_codes_and_pins() {
    let github = "3f9a1-c07be\n88d2e-1a4f0\n0b7c3-e5d91";
    assert_secret(
        &format!("Here are my GitHub recovery codes (2FA), keep them safe:\n\n{github}\n"),
        "SEC028",
        github,
    );
    let google = "4817 2093    6620 1185\n9034 7712    2256 0841";
    assert_secret(
        &format!("mes codes de secours Google :\n{google}"),
        "SEC028",
        google,
    );
    let dashed = "QW7R-K2PX-9MZT - B4NC-77HD-LQ2E";
    assert_secret(
        &format!("Códigos de recuperación: {dashed}"),
        "SEC028",
        dashed,
    );
    for text in [
        "Backup codes are printed once; store them offline.",
        "recovery codes: 0000 0000 0000 0000",
        "Order numbers: 48172093 66201185",
    ] {
        assert!(
            !codes(text, Role::User).contains(&"SEC028".to_string()),
            "{text}"
        );
    }
    // a card's PIN: SEC015 (a PIN word) and SEC030 (a PIN near a card or cash
    // machine) both read it; one secret finding covers it exactly
    for (text, value) in [
        (
            "Mum, the PIN for the new card is 7391. Don't write it down!",
            "7391",
        ),
        (
            "il PIN del bancomat aziendale: 50826, limite 300 €",
            "50826",
        ),
    ] {
        let f = strong(text, Role::User);
        assert!(
            f.iter()
                .any(|f| ["SEC015", "SEC030"].contains(&f.rule.as_str())
                    && slice(text, f.span) == value),
            "{text:?}: {f:?}"
        );
    }
    for text in [
        "The PIN is 4 digits long.",
        "PIN-Code ist 0000 ab Werk",
        "PIN: 1234 (default)",
        "the PIN reset date is 2024-05-01",
    ] {
        assert!(
            !codes(text, Role::User).contains(&"SEC015".to_string()),
            "{text}"
        );
    }
}

#[test]
fn tokens_of_services_known_by_their_prefix() {
    let cases = [
        "sl.BA2v29OQTKzni81hwaZGVa4311H5AT05CENZUixhXAu7KFHAjEjW8oeU4dxeoaOo6EZ0qIL1zQwKeLqdRyLlJL0XJ6vMJFiCwHSxCERvQRI8pdHcGYUYBrkVI6k0ycjGwg",
        "CFPAT-VarWKXZqoejzyqBOewcWyItcN7Lsr5QyAmuE3Aonxmo",
        "sntrys_USskZPlBvJhxuFxUylfHQaCJJBDp0wpHubdDIXvjmJqwgmuOG2yAuNO3WWqcigLxTDCDQ9lm8iK55o8Y",
        "glc_N8aKcYjclaGOrLpQq45fKLXXW9OwBQ1RvnJdGNBdPEVJXTYn5cjb2EBOoFBj",
        "AGE-SECRET-KEY-1T5HQ58H5FP4AP4AL6PMLTSCOCFGPIZV3M8RH6OOC1LTUGGW60OAFYSM1LD",
        "hvs.ZDNzkJCXkqXnYe0iFWSe9F0uD6MguN2spu3XkzvU9MAUhJLjzZXsXFRC2qw87IfaOhZgzUEss5vH9qm0N9yuQUoAR7",
        "dapi0f8fa18123800491f96b618aeee00526",
        "AAAAmw3FCGR:APA91bFZD1YVfj5W9Z5CxCEms0rWzE3gEzicxRYCPidSoimIm5ActGnEdNiCO2Nmn69zUUBkdVTP75QNHrSDo9Wp6ditf6vtvfWXKEfgiZE2CNJYSWBtOmoeqRNB1k8S87ipOOYGZgIu",
    ];
    for token in cases {
        // in code, in a command line, and at a sentence's end
        for text in [
            format!("client = Client(\"{token}\")"),
            format!("tool export --management-token {token} --env master"),
            format!("The token is {token}."),
        ] {
            assert_secret(&text, "SEC029", token);
        }
    }
    let negatives = [
        "glc_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "export DROPBOX_TOKEN=sl.YOUR_DROPBOX_ACCESS_TOKEN_GOES_HERE_REPLACE_ME_BEFORE_RUNNING",
        "olive_oil_and_basil_leaves_for_the_tomato_sauce_recipe_tonight",
        "see https://live_stream.example/dashboard for the talk",
        "CFPAT-short",
    ];
    for text in negatives {
        assert_not_found(text, "SEC029");
    }
}

#[test]
fn passwords_set_to_a_value_and_passed_to_a_database_connection() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "SEC015",
            "Necesito cambiar la contraseña del usuario postgres a P$d1pXvvTH=oB#3&L9 hoy, ¿qué comando uso?",
            "P$d1pXvvTH=oB#3&L9",
        ),
        (
            "SEC015",
            "Please change the password for the kiosk account to Tulip#2024x before Monday.",
            "Tulip#2024x",
        ),
        (
            "SEC015",
            "Kannst du das Passwort für den Drucker auf Kopier4Bar! setzen?",
            "Kopier4Bar!",
        ),
        (
            "SEC013",
            "#0 Connector.php(65): PDO->__construct('mysql:host=mysq...', 'shop', 'Summer1987$', Array)",
            "Summer1987$",
        ),
        (
            "SEC013",
            "$db = new PDO($dsn, 'report', 'Qv7!mZ2pLx');",
            "Qv7!mZ2pLx",
        ),
        (
            "SEC013",
            "-H \"DD-APPLICATION-KEY: d72c24d825cce037bf5d6e182e26d08e925b7b34\"",
            "d72c24d825cce037bf5d6e182e26d08e925b7b34",
        ),
    ];
    for (code, text, value) in cases {
        assert_secret(text, code, value);
    }
    let negatives = [
        "I changed the password and sent it to alice@corp.example this morning.",
        "Please change the password to something stronger.",
        "Zet wachtwoorden en tokens als *gemaskeerde* en *beschermde* variabelen in de CI.",
        "db:\n    password: ENC[AES256_GCM,data:RItvmc3+7FivWKI2fCW/GZHM,iv:io+wonSrzasbj2EzWbIHCfasrdg5c6WzAFDrz64mMkI=,tag:iKhX9pn4u9u/S9oEbQQhKA==,type:str]",
        // an empty value does not take the next line's
        "STRIPE_SECRET_KEY=\nREDIS_URL=redis://localhost:6379/0",
    ];
    for text in negatives {
        let found = strong(text, Role::User);
        assert!(
            found
                .iter()
                .all(|f| f.category != rampart_guard::Category::Secret),
            "{text:?} -> {found:?}"
        );
    }
}

#[test]
fn codes_that_open_or_confirm_something() {
    let cases: &[(&str, &str)] = &[
        (
            "- alarm panel is by the back door, code 7391 then press OFF",
            "7391",
        ),
        ("Mum, your voicemail pin is 2468, dial 121", "2468"),
        (
            "\"Your verification code is 602718. Don't share it.\"",
            "602718",
        ),
        (
            "Alarmanlage neben der Haustür, Code 4812 eingeben und dann Aus",
            "4812",
        ),
        ("Ihr Bestätigungscode lautet 740318", "740318"),
        (
            "code van de portiek is 3 8 0 5, daarna 2e verdieping",
            "3 8 0 5",
        ),
        (
            "wisselgeld in de kluis, combinatie 19-62-33 (eerst naar links)",
            "19-62-33",
        ),
        (
            "a chave está no cofre ao lado da porta, código 4403",
            "4403",
        ),
        ("no cartão do chip: PIN 1208, PUK 73920518", "73920518"),
    ];
    for (text, value) in cases {
        assert_secret(text, "SEC030", value);
    }
    let negatives = [
        "Fehlercode 4410 beim Export, Tür zum Serverraum war offen",
        "ERROR [ExportJob] SYSTEM_ABORT code=E-4410 at the door controller",
        "Use the promo code 5512 at checkout",
        "the door code is 1234",
        "Postleitzahl und Code 80331 für die Tür der Zentrale",
        "Der Tresor wurde 2019 eingebaut, Code 2019 steht im Handbuch",
        "The safe holds 4500 € in cash",
        "order code 77120 for the garage door opener",
        "the HTTP status code 4040 came back from the lock API",
        "pull up the PUK for +44 7700 900123, it's my phone",
    ];
    for text in negatives {
        assert_not_found(text, "SEC030");
    }
}

/// Codes written the way people hand them on: what the code opens further away, a
/// gate that "opens with" it, card and till PINs, a PIN after a Portuguese "errou"
/// (not "erro", an error code), and backup codes called "Ersatzcodes" with struck-out
/// ones between tildes.
#[test]
fn codes_handed_on_in_notes() {
    let cases: &[(&str, &str)] = &[
        (
            "Signal will ask for my two-step PIN on the new phone, I think it's 640217",
            "640217",
        ),
        (
            "Hallo Tim, das Hoftor geht mit 7-3-0-6 und dann Raute.",
            "7-3-0-6",
        ),
        ("la barrière du parking s'ouvre avec 2958.", "2958"),
        (
            "dejé la tarjeta en la mesa, el pin es 8273, saca 50 del cajero",
            "8273",
        ),
        (
            "Stornos brauchen Chef-Freigabe an der Kasse, Freigabe-PIN vorerst 5064",
            "5064",
        ),
        (
            "Nuevo código de la alarma del trastero: 7402, se cambia cada mes",
            "7402",
        ),
        ("ela errou o PIN do celular. PIN 3184, PUK 51930274", "3184"),
        (
            "o app autenticador mostra o código 482 913 mas diz que expirou",
            "482 913",
        ),
    ];
    for (text, value) in cases {
        assert_secret(text, "SEC030", value);
    }
    assert_secret(
        "meine Ersatzcodes für Mastodon:\n~~4410 2290~~\n7731 0826\n~~5091 6613~~\n2287 4419",
        "SEC028",
        "4410 2290~~\n7731 0826\n~~5091 6613~~\n2287 4419",
    );
    for text in [
        "the bus opens with 2 doors on each side",
        "Die Kasse öffnet mit 2000 Euro Wechselgeld",
        "código de erro 4410 ao abrir o portal",
        "my card ending 4410 was charged twice",
    ] {
        assert_not_found(text, "SEC030");
    }
}

#[test]
fn wallet_recovery_phrases() {
    // a BIP-39 test vector: the checksum holds, no words around it needed
    let valid = "legal winner thank year wave sausage worth useful legal winner thank yellow";
    assert_secret(&format!("my seed, keep this:\n{valid}\n"), "SEC031", valid);
    // "safe" is a list word and "safe legal … thank" happens to check out too: the
    // finding covers both stretches, so no word of the phrase is left out
    let text = format!("wallet backup, keep this safe:\n{valid}\n");
    let hit = strong(&text, Role::User)
        .into_iter()
        .find(|f| f.rule == "SEC031")
        .unwrap();
    assert!(slice(&text, hit.span).ends_with(valid), "{hit:?}");
    let numbered = "1. legal 2. winner 3. thank 4. year 5. wave 6. sausage 7. worth 8. useful 9. legal 10. winner 11. thank 12. yellow";
    let numbered_text = format!("Ledger words: {numbered}");
    assert_secret(&numbered_text, "SEC031", numbered.trim_start_matches("1. "));
    // made up (checksum fails), but named as a seed phrase
    let made_up =
        "tunnel melody basket orange glimpse cotton ladder pepper humble sketch velvet frozen";
    assert_secret(
        &format!("Ledger setup asked me to write the seed down, here it is: {made_up}. Is iCloud Notes ok?"),
        "SEC031",
        made_up,
    );
    // Spanish list, accents in either Unicode form
    let es = "ábaco abdomen abeja abierto abogado abono aborto abrazo abrir abuelo abuso acabar";
    assert_secret(
        &format!("mi frase de recuperación de la cartera: {es}"),
        "SEC031",
        es,
    );
    let es_nfd = es.replace('á', "a\u{301}");
    assert_secret(
        &format!("mi frase de recuperación de la cartera: {es_nfd}"),
        "SEC031",
        &es_nfd,
    );
    let negatives = [
        // list words with nothing about a seed or wallet nearby, checksum or not
        "tunnel melody basket orange glimpse cotton ladder pepper humble sketch velvet frozen",
        "legal winner thank year wave sausage worth useful legal winner thank yellow",
        // eleven words are not a phrase
        "Trezor: tunnel melody basket orange glimpse cotton ladder pepper humble sketch velvet",
        // prose about wallets
        "A seed phrase is a list of twelve or twenty-four words that a wallet shows once; write it on paper and never type it into a website.",
        // more than 24 list words in a row is prose or a word list, not a phrase
        "wallet vocabulary: abandon ability able about above absent absorb abstract absurd abuse access accident account accuse achieve acid acoustic acquire across act action actor actress actual adapt add",
    ];
    for text in negatives {
        assert_not_found(text, "SEC031");
    }
}

#[test]
fn links_that_carry_a_credential() {
    let link = "https://app.example.net/auth/magic-link?token=Vb7Qs2LmZ9xTk4RwN8pDc3Hf&uid=77120";
    assert_secret(
        &format!("Is this real? \"Sign in without a password: {link}\". I didn't ask for it."),
        "SEC032",
        link,
    );
    let reset = "https://id.example.org/reset#access_token=eyJhbGciOiJIUzI1NiJ9.Zk93Tq.Pp2Lw8Rk5Nc";
    assert_secret(&format!("Passwort zurücksetzen: {reset}"), "SEC032", reset);
    let presigned = "https://bucket.s3.eu-west-1.amazonaws.com/report.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=3600&X-Amz-Signature=9f1c2ab48e77d0c3a5b6f1e29d4c8a7b3e6f5d2c1b0a9e8f7d6c5b4a3f2e1d0c";
    assert_secret(
        &format!("le lien de téléchargement ({presigned})."),
        "SEC032",
        presigned,
    );
    let negatives = [
        "https://app.example.net/auth/magic-link?token=YOUR_TOKEN_HERE_1234",
        "https://app.example.net/auth/magic-link?token=<token>",
        "https://api.example.net/v1/items?pageToken=CAUQAA8x2Jk9Lq3Zr7Vb&limit=50",
        "https://www.example.net/watch?v=dQw4w9WgXcQ&list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG",
        "https://docs.example.net/search?q=how+to+reset+a+token&page=2",
        "https://app.example.net/auth/magic-link?token=aaaaaaaaaaaaaaaaaaaa",
    ];
    for text in negatives {
        assert_not_found(text, "SEC032");
    }
}

#[test]
fn app_passwords() {
    let cases: &[(&str, &str)] = &[
        (
            "Google hat mir ein App-Passwort gegeben: qhzt wbvk lmrn fxsd. Wo trage ich das in Outlook ein?",
            "qhzt wbvk lmrn fxsd",
        ),
        (
            "ho creato la password per le app di Gmail\nvbnq ztkr hwpl mcsx\nla metto nel campo password della stampante?",
            "vbnq ztkr hwpl mcsx",
        ),
        (
            "Apple me pidió una contraseña de aplicación para Thunderbird: brkx-qmzt-vnhw-lpsd",
            "brkx-qmzt-vnhw-lpsd",
        ),
        (
            "gerei a senha de aplicativo do yahoo: zqtmwkbnxrvlhpds e agora?",
            "zqtmwkbnxrvlhpds",
        ),
    ];
    for (text, value) in cases {
        assert_secret(text, "SEC033", value);
    }
    let negatives = [
        // words, not a random password
        "an app password for your mail will look like four groups of letters",
        "Create an app password, then paste it where your mail app asks for the password.",
        // a template with a repeated group
        "App-Passwort im Format abcd abcd abcd abcd eingeben",
        // no word for an app password
        "the code on screen was qhzt wbvk lmrn fxsd",
    ];
    for text in negatives {
        assert_not_found(text, "SEC033");
    }
}

#[test]
fn authenticator_setup_keys() {
    let cases: &[(&str, &str)] = &[
        (
            "Der QR-Code lässt sich nicht scannen, Google Authenticator will den Einrichtungsschlüssel: JBSW Y3DP EHPK 3PXP",
            "JBSW Y3DP EHPK 3PXP",
        ),
        (
            "pour la double authentification, la clé à saisir à la main est 4QZN-7HTK-W2MR-X5LB",
            "4QZN-7HTK-W2MR-X5LB",
        ),
        (
            "2FA setup key (if you can't scan): gx3m qk7w ns2p zr4h tv6c ye5b",
            "gx3m qk7w ns2p zr4h tv6c ye5b",
        ),
        (
            "otpauth://totp/Example:ana@mail.example?secret=KZXW6YPBOI3TEZLN&issuer=Example",
            "KZXW6YPBOI3TEZLN",
        ),
    ];
    for (text, value) in cases {
        assert_secret(text, "SEC034", value);
    }
    let negatives = [
        // no authenticator, two-factor or QR word
        "the licence key is 4QZN-7HTK-W2MR-X5LB for the office copy",
        // words, not a key
        "Scan the QR code with your authenticator; the setup key is shown under the code if scanning fails",
        // one case mixed with the other: an API key, not an authenticator's
        "2FA note: the API secret key is Xk9mQ2wR7tZp4LvB8nHc",
        "otpauth://totp/Example:ana@mail.example?secret=AAAAAAAAAAAAAAAA",
    ];
    for text in negatives {
        assert_not_found(text, "SEC034");
    }
}

#[test]
fn bitlocker_recovery_keys() {
    // every group a multiple of 11 below 720,896
    let key = "404382-118371-600666-029579-253110-561792-015554-337480";
    assert_secret(
        &format!("Ticket 4471: user locked out after BIOS update, read out recovery key {key}"),
        "SEC035",
        key,
    );
    let negatives = [
        // a group fails the check
        "404382-118371-600666-029579-253110-561792-015554-337481",
        // a group above 720,896
        "404382-118371-600666-029579-253110-561792-015554-999999",
        // part of a longer run of groups
        "404382-118371-600666-029579-253110-561792-015554-337480-118371",
    ];
    for text in negatives {
        assert_not_found(text, "SEC035");
    }
}

#[test]
fn passwords_near_a_password_word_and_after_a_login() {
    let cases: &[(&str, &str)] = &[
        // no `:` or verb between the word and the value
        (
            "das alte Kennwort war irgendwas mit unserer Katze, vielleicht Minka!Garten2019 oder so",
            "Minka!Garten2019",
        ),
        (
            "a senha do wifi que o técnico deixou ontem, Pitanga#4417. onde eu mudo?",
            "Pitanga#4417",
        ),
        ("son mot de passe c'est Glycine!2020, elle l'a noté", "Glycine!2020"),
        ("usuario LRT-5521, clave Mandarina&Sol8", "Mandarina&Sol8"),
        (
            "la contraseña es Amapola1987!, la he escrito bien",
            "Amapola1987!",
        ),
        // a login, a slash and the password
        (
            "- portal de proveedores: tienda.norte@mail.example / Naranja!Zumo44",
            "Naranja!Zumo44",
        ),
        ("Gruppenkennung: nacht3 / Dachs#Flur7", "Dachs#Flur7"),
    ];
    for (text, value) in cases {
        assert_secret(text, "SEC015", value);
    }
    let negatives = [
        // compounds and names of technologies are not passwords
        "Ich hab mein Passwort für das Finanzamt-Portal vergessen",
        "Passwords are hashed with Argon2id and sent over TLSv1.3 only",
        "the password reset page on the iPhone15 shows an error",
        // a slash between ordinary words or units
        "km / h, TCP/UDP, and/or, input / Output2024",
        "user guide / Chapter12: passwords",
        // a sentence ending after the word
        "Wachtwoord vergeten? Klik op de link in de e-mail.",
    ];
    for text in negatives {
        assert_not_found(text, "SEC015");
    }
}

/// Developer credentials in the forms they are pasted in: keytool and SQL*Plus
/// passwords, SNMP communities, German and Romance key names, TestPyPI tokens,
/// LaunchDarkly SDK keys, Asana tokens and Entra ID client secrets.
#[test]
fn developer_credentials_in_more_forms() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "keytool -importkeystore -srckeystore a.p12 -srcstorepass Tq7vLm2PzR9w -destkeystore a.jks -deststorepass Wd4kHs8nYb3c",
            "SEC027",
            "Tq7vLm2PzR9w",
        ),
        (
            "keytool -importkeystore -srckeystore a.p12 -srcstorepass Tq7vLm2PzR9w -destkeystore a.jks -deststorepass Wd4kHs8nYb3c",
            "SEC027",
            "Wd4kHs8nYb3c",
        ),
        (
            "$ sqlplus billing/Hx82kQpz71Lm@//db-prod:1521/BILL",
            "SEC027",
            "Hx82kQpz71Lm",
        ),
        (
            "snmpwalk -v2c -c r0uter-Kp3s9 10.0.0.1",
            "SEC027",
            "r0uter-Kp3s9",
        ),
        (
            "snmp-server community Zx8-mon1tor RO 10",
            "SEC027",
            "Zx8-mon1tor",
        ),
        (
            "JWT_GEHEIMNIS=Qm9vbGVhbi1sb2dpYy1oZXJlLXRlc3Q4NzE2",
            "SEC013",
            "Qm9vbGVhbi1sb2dpYy1oZXJlLXRlc3Q4NzE2",
        ),
        (
            "password = pypi-AgENdGVzdC5weXBpLm9yZwIkZDM0N2U4YjctNmQ5Ny00ZTFlLTlhYjItMzVkYzE3ZmI4NGE1AAIqWzMsIjk",
            "SEC019",
            "pypi-AgENdGVzdC5weXBpLm9yZwIkZDM0N2U4YjctNmQ5Ny00ZTFlLTlhYjItMzVkYzE3ZmI4NGE1AAIqWzMsIjk",
        ),
        (
            "LaunchDarkly.init('sdk-4f1c9e2a-7b3d-4c8e-a1f6-92d0b7e3c5a8')",
            "SEC029",
            "sdk-4f1c9e2a-7b3d-4c8e-a1f6-92d0b7e3c5a8",
        ),
        (
            "ASANA_PAT=2/1204457712093345/1208836401127719:7c3e9a1f5b2d8e4c6a0f1b3d5e7c9a2b",
            "SEC029",
            "2/1204457712093345/1208836401127719:7c3e9a1f5b2d8e4c6a0f1b3d5e7c9a2b",
        ),
        (
            "default = \"Jp28Q~vTn3kW.Rb7Yq_Lm4Zs9Xc1Hd6Fg2Kw5Nt8\"",
            "SEC029",
            "Jp28Q~vTn3kW.Rb7Yq_Lm4Zs9Xc1Hd6Fg2Kw5Nt8",
        ),
    ];
    for (text, code, value) in cases {
        assert_secret(text, code, value);
    }
    for (text, code) in [
        ("snmpwalk -v2c -c public 10.0.0.1", "SEC027"),
        ("snmp-server community private RW", "SEC027"),
        ("keytool -list -storepass:env STOREPASS", "SEC027"),
        ("sqlplus / as sysdba", "SEC027"),
        (
            "trace sdk-00000000-0000-0000-0000-000000000000 started",
            "SEC029",
        ),
        (
            "see 2/1204457712093345/1208836401127719:00000000000000000000000000000000",
            "SEC029",
        ),
    ] {
        assert_not_found(text, code);
    }
}

#[test]
fn credentials_in_config_files_calls_and_key_files() {
    let putty = "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: deploy@ci-07\nPublic-Lines: 2\nAAAAC3NzaC1lZDI1NTE5AAAAIK3mQv8pW2xR7tLz9YbN4cF6hJ1sD5gE0aU\n3kPq\nPrivate-Lines: 1\nAAAAIFp2Wq9Xr4Lm7Tz1Kc8Vb3Nd6Yh0Js5Ge2Fa9Qw4Ru\nPrivate-MAC: 8c1e4b7a0d3f6e9c2b5a8d1f4e7c0b3a6d9e2f5c8b1a4d7e0f3c6b9a2d5e8f1c";
    let cases: &[(&str, &str, &str)] = &[
        // rclone's `[remote]` sections: a bare `key =`
        (
            "[b2-archive]\ntype = b2\naccount = 0027c1f5a9e3\nkey = K002mX7vQ9pLr3T_wZ8yN4kB6hJ2cF5dG1s\n",
            "SEC013",
            "K002mX7vQ9pLr3T_wZ8yN4kB6hJ2cF5dG1s",
        ),
        // ipsec.secrets
        (
            "@gw-west 203.0.113.7 : PSK \"Vq8Lm2Xr7Tz4Kc9Nb3Wd6Yh1\"",
            "SEC013",
            "Vq8Lm2Xr7Tz4Kc9Nb3Wd6Yh1",
        ),
        // the password of a login call, an app password with its spaces
        (
            "server.login(\"alerts@mail.example\", \"qhzt wmpc vrxk jdnb\")",
            "SEC013",
            "qhzt wmpc vrxk jdnb",
        ),
        (
            "imap.login('ops', 'T7x!mQ2v#Lp9')",
            "SEC013",
            "T7x!mQ2v#Lp9",
        ),
        // Twilio's auth token beside its account SID
        (
            "twilio_client = Client(\"AC5b1f9e3d7c2a4b6e8f0a1c3d5e7f9b2a\", \"e4c8a2f6b0d9e3c7a1f5b8d2e6c0a4f9\")",
            "SEC013",
            "e4c8a2f6b0d9e3c7a1f5b8d2e6c0a4f9",
        ),
        // Segment's write key
        (
            "analytics.write_key = 'Hq3Zt8Wm1Lx6Vb9Nc4Kp7Ry2'",
            "SEC013",
            "Hq3Zt8Wm1Lx6Vb9Nc4Kp7Ry2",
        ),
        // PostgreSQL's password file
        (
            "# ~/.pgpass\npg-main.internal:5432:orders:app_rw:Zt4!kQ9wLm2x\n*:*:*:replicator:Rp7#vN3cXq8b\n",
            "SEC013",
            "Zt4!kQ9wLm2x",
        ),
        (
            "# ~/.pgpass\npg-main.internal:5432:orders:app_rw:Zt4!kQ9wLm2x\n*:*:*:replicator:Rp7#vN3cXq8b\n",
            "SEC013",
            "Rp7#vN3cXq8b",
        ),
        // an Adyen API key under a name longer than 128 characters
        (
            "adyen:\n  api-key: AQEwhmfxKo3NbRZGw0m/n3Q5qf3VaY9UCJ1+XWZE03G/k2NFitRvbe4N1XqH1eHaH2AksaEQwV1bDb7kfNy1WIxIIkxgBw==-q8Tz3Lm7Xr2Vb9Nc4Kp1Wd6Yh0Js5Ge",
            "SEC029",
            "AQEwhmfxKo3NbRZGw0m/n3Q5qf3VaY9UCJ1+XWZE03G/k2NFitRvbe4N1XqH1eHaH2AksaEQwV1bDb7kfNy1WIxIIkxgBw==-q8Tz3Lm7Xr2Vb9Nc4Kp1Wd6Yh0Js5Ge",
        ),
        // a PuTTY key file, from its first line to its MAC
        (putty, "SEC012", putty),
    ];
    for (text, code, value) in cases {
        assert_secret(text, code, value);
    }
    for (text, code) in [
        // a bare `key` with a value that is not random
        ("key: app.kubernetes.io/name", "SEC013"),
        ("key = ctrl-shift-enter-toggle", "SEC013"),
        ("[keys]\nkey = alphabetical_order_first", "SEC013"),
        // the header line of a password file, a log line
        ("hostname:port:database:username:password", "SEC013"),
        ("10:15:2024:INFO:server-started", "SEC013"),
        // a login call with a placeholder
        ("client.login(\"user\", \"<password>\")", "SEC013"),
        // a PuTTY header with no private lines
        ("PuTTY-User-Key-File-2: ssh-rsa\nEncryption: none", "SEC012"),
    ] {
        assert_not_found(text, code);
    }
}

#[test]
fn session_cookies() {
    let cases: &[(&str, &str)] = &[
        (
            "Set-Cookie: _gitlab_session=7f3a9c1e5b2d8f4a6c0e9b3d7f1a5c2e; path=/; secure; HttpOnly",
            "7f3a9c1e5b2d8f4a6c0e9b3d7f1a5c2e",
        ),
        (
            "curl -b 'PHPSESSID=k2v8q4m1x7z3p9w5r0t6' https://shop.example/cart",
            "k2v8q4m1x7z3p9w5r0t6",
        ),
        (
            "Cookie: theme=dark; connect.sid=s%3AQm8Xr2Tz7Lp4Vb.9Nc1Kw6Yh3Js0Ge5Fa8Du",
            "s%3AQm8Xr2Tz7Lp4Vb.9Nc1Kw6Yh3Js0Ge5Fa8Du",
        ),
        (
            "{\"sessionid\": \"x9c2m7q4v1z8k3p6w0r5t2\"}",
            "x9c2m7q4v1z8k3p6w0r5t2",
        ),
        ("Cookie: lang=de; SID=Fq7Lm2Xr9Tz4Kc1Nb6Wd3", "Fq7Lm2Xr9Tz4Kc1Nb6Wd3"),
    ];
    for (text, value) in cases {
        assert_secret(text, "SEC036", value);
    }
    for text in [
        // words, placeholders, short values
        "The session=long meeting about keys took all afternoon",
        "sessionId: 'user-session-identifier-here'",
        "Set-Cookie: sessionid=<your-session-id>; path=/",
        "Cookie: PHPSESSID=abc123",
        // an account's SID, not a session; the end of a word
        "TWILIO_ACCOUNT_SID=AC5b1f9e3d7c2a4b6e8f0a1c3d5e7f9b2a",
        "Bessid=9s8d7f6g5h4j3k2l1qwerty12",
    ] {
        assert_not_found(text, "SEC036");
    }
}

#[test]
fn a_secret_is_hidden_wherever_its_value_stands_again() {
    // a stack trace prints the password once per frame; only the first frame's call
    // is one SEC013 reads
    let text = "#0 Connector.php(65): PDO->__construct('mysql:host=db', 'shop', 'Qv7!Lm2x#Tz9', Array)\n#1 Connector.php(44): Connector->createPdoConnection('mysql:host=db', 'shop', 'Qv7!Lm2x#Tz9', Array)";
    let f = strong(text, Role::User);
    let copies = f
        .iter()
        .filter(|f| f.rule == "SEC013" && slice(text, f.span) == "Qv7!Lm2x#Tz9")
        .count();
    assert_eq!(copies, 2, "{f:?}");
    // inside a longer token the value is not a copy; non-ASCII text before it moves
    // character offsets, not the value found
    let text =
        "Passwort: Kq8!vL3m#Xz7 — später stand Kq8!vL3m#Xz7 im Log, aber nicht in xKq8!vL3m#Xz7y";
    let f = strong(text, Role::User);
    let spans: Vec<String> = f
        .iter()
        .filter(|f| f.category == rampart_guard::Category::Secret)
        .map(|f| slice(text, f.span))
        .collect();
    assert_eq!(spans, ["Kq8!vL3m#Xz7", "Kq8!vL3m#Xz7"], "{f:?}");
    // every copy, however many: a log that prints the password on each retry
    let mut log = String::from("DB_PASSWORD=\"Wz5#pR8!kT2q\"\n");
    for i in 0..400 {
        log.push_str(&format!(
            "retry {i}: auth failed for app using Wz5#pR8!kT2q\n"
        ));
    }
    let copies = strong(&log, Role::User)
        .iter()
        .filter(|f| slice(&log, f.span) == "Wz5#pR8!kT2q")
        .count();
    assert_eq!(copies, 401);
}

#[test]
fn door_codes_with_letters_alternatives_and_code_words() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "Arrivée dès 15h. Digicode de la résidence : 52C71, puis escalier B.",
            "SEC030",
            "52C71",
        ),
        ("Der Türcode ist jetzt B4092.", "SEC030", "B4092"),
        (
            "Mein altes Kennwort war was mit der Katze: entweder Minka!Sofa2018 oder minka-sofa-2018, beides geht nicht",
            "SEC015",
            "Minka!Sofa2018 oder minka-sofa-2018",
        ),
        (
            "als de meldkamer belt, noem je het codewoord \"Zeepaardje\" en dan pas de code",
            "SEC015",
            "Zeepaardje",
        ),
        (
            "fournisseur Metro : carte 55120734, code internet Saucisson_82",
            "SEC015",
            "Saucisson_82",
        ),
    ];
    for (text, code, value) in cases {
        assert_secret(text, code, value);
    }
    for (text, code) in [
        // a word in capitals after the door word, a code of letters only
        ("door code: ABCD", "SEC030"),
        ("Der Türcode steht im WIKI", "SEC030"),
        // the word for a code word, not a code word
        ("Bitte das Codewort \"Passwort\" nicht verwenden", "SEC015"),
        // a game's or a role-play's codeword: nobody asks for it by phone
        ("Use the codeword \"restart\" to reset the game", "SEC015"),
    ] {
        assert_not_found(text, code);
    }
}

/// Secrets whose whole string is the credential, hidden whole: a JDBC URL with its
/// password (the value alone left host, database and user of the system it opens), a
/// Discord webhook URL (its id and token post together), a service account's key with
/// the escaped line break that closes its JSON string; and a refresh token in JSON
/// kept as a string inside JSON (`localStorage`), whose escaped quotes hid it.
#[test]
fn credentials_hidden_whole_and_tokens_in_escaped_json() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "spring.datasource.url=jdbc:mysql://db-legacy.prod.orbital.example:3306/analytics?user=worker&password=LtAXT3lPjFlEseCDHgkAy2mKQbx&useSSL=true&serverTimezone=UTC\nspring.jpa.show-sql=false",
            "SEC013",
            "jdbc:mysql://db-legacy.prod.orbital.example:3306/analytics?user=worker&password=LtAXT3lPjFlEseCDHgkAy2mKQbx&useSSL=true&serverTimezone=UTC",
        ),
        (
            "url: \"jdbc:sqlserver://sql01.corp.example:1433;databaseName=Lager;user=sa;password=Gr4nit!Fels;encrypt=true\"",
            "SEC013",
            "jdbc:sqlserver://sql01.corp.example:1433;databaseName=Lager;user=sa;password=Gr4nit!Fels;encrypt=true",
        ),
        (
            "Connecting with jdbc:oracle:thin:scott/T1ger#2024@db.corp.example:1521:ORCL fails.",
            "SEC013",
            "jdbc:oracle:thin:scott/T1ger#2024@db.corp.example:1521:ORCL",
        ),
        (
            "DISCORD_WEBHOOK = \"https://discord.com/api/webhooks/1018015912723898763/E6BQ4UtOhGvIFsOasxWZp6yeB8ohHlJgTqxsF9JuiGSsjkybzgyzfDzZz5KqMGSd51Z2\"",
            "SEC024",
            "https://discord.com/api/webhooks/1018015912723898763/E6BQ4UtOhGvIFsOasxWZp6yeB8ohHlJgTqxsF9JuiGSsjkybzgyzfDzZz5KqMGSd51Z2",
        ),
        (
            "\"auth\": \"{\\\"accessToken\\\":\\\"opaque\\\",\\\"refreshToken\\\":\\\"MEyOaSXTGKnKDvsppneXAE-7WY8kbJNnGhSz0PMhAe5-Mm5O\\\",\\\"expiresAt\\\":1701067102}\"",
            "SEC013",
            "MEyOaSXTGKnKDvsppneXAE-7WY8kbJNnGhSz0PMhAe5-Mm5O",
        ),
    ];
    for (text, code, value) in cases {
        assert_secret(text, code, value);
    }
    let body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\\nMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu\\nNMoSfm76oqFvAp8Gy0iz5sxjZmSnXyCdPEovGhLa0VzMaQ8s+CLOyS56YyCFGeJZ\\n";
    let key = format!("-----BEGIN PRIVATE KEY-----\\n{body}-----END PRIVATE KEY-----\\n");
    let text = format!("{{\n  \"type\": \"service_account\",\n  \"private_key\": \"{key}\",\n  \"client_id\": \"1\"\n}}");
    assert_secret(&text, "SEC012", &key);
    // no password, a variable, a placeholder: nothing to hide
    for text in [
        "spring.datasource.url=jdbc:postgresql://db.intern.example.de:5432/warenwirtschaft",
        "url: jdbc:mysql://db:3306/app?user=app&password=${DB_PASSWORD}&useSSL=true",
        "jdbc:sqlserver://localhost:1433;databaseName=test;user=sa;password=<your-password>",
        "jdbc:oracle:thin:@//db.corp.example:1521/ORCL",
    ] {
        assert_no_secret(text);
    }
}

/// A PIN announced as one may be three digits, or capitals with a digit (a one-time
/// PIN of Spain's Cl@ve: `K7Q`); a word, a run, a length, a date or a quantity after
/// "PIN" is not one.
#[test]
fn short_pins_and_pins_with_letters() {
    for (text, value) in [
        (
            "me ha llegado el PIN de Cl@ve por la app: K7Q\ndónde lo pongo?",
            "K7Q",
        ),
        ("the PIN is 739", "739"),
        ("Código PIN: A3F9", "A3F9"),
    ] {
        assert_secret(text, "SEC015", value);
    }
    for text in [
        "PIN: OK",
        "The PIN is 4 digits long",
        "PIN: 123",
        "Your PIN: 2024-05-01",
        "PIN code: 512GB",
        "PIN is ABC",
    ] {
        assert_no_secret(text);
    }
}
