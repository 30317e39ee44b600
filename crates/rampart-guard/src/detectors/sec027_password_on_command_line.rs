use rampart_core::declare_rule;

use super::util::is_placeholder;
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a password given on a command line: `mysql -p<password>` (and
/// `mysqldump`, `mysqladmin`, `mariadb`), `sshpass -p <password>`, `redis-cli -a
/// <password>`, `--password <password>` / `--password=<password>`, keytool's and
/// jarsigner's `-storepass`, `-srcstorepass`, `-deststorepass` and `-keypass`,
/// SQL*Plus's `sqlplus user/<password>@service`, and SNMP community strings
/// (`snmpwalk -c <community>`, `snmp-server community <community> RO`).
    ///
    /// ## Why is this dangerous?
    /// Shell history, CI logs and pasted terminal sessions keep the command, and the
/// password with it; other users on the host can read it from the process list.
    ///
    /// ## Example
    /// ```text
    /// mysqldump -u shop -p'<password>' shop_db > dump.sql
    /// sshpass -p "<password>" rsync -az /srv/ backup@nas:/volume1/
    /// ```
    ///
    /// ## Remediation
    /// Redact; change the password and pass it through an option file, an environment
/// variable set from a secret store, or a prompt.
    ///
    /// ## False positives
    /// Variables and placeholders (`-p"$DB_PASS"`, `--password <password>`) are
/// ignored; so is `mysql -p` with nothing attached (it prompts) and `-p 3306` (a
/// port, given apart from the flag). SNMP's published default communities `public`
/// and `private` are not secrets.
    ///
    /// ## References
    /// MySQL Reference Manual, "End-User Guidelines for Password Security";
/// guidelines SD-3, DP-2.
    pub(crate) static RULE = {
        code: "SEC027",
        name: "password-on-command-line",
        severity: High,
        guidelines: [Sd3, Dp2],
        summary: "A password on a command line (`mysql -p…`, `sshpass -p`, `redis-cli -a`, `--password`)",
    }
}

static RULES: &[TokenRule] = &[
    TokenRule {
        re: r#"\b(?:mysql|mysqldump|mysqladmin|mariadb|mariadb-dump|mysqlimport|mysqlcheck)\b[^\n|;&]{0,200}?\s-p["']?(?P<v>[^\s"']{4,128})"#,
        validate,
    },
    TokenRule {
        re: r#"\bsshpass\s+-p\s*["']?(?P<v>[^\s"']{4,128})"#,
        validate,
    },
    TokenRule {
        re: r#"\bredis-cli\b[^\n|;&]{0,200}?\s-a\s+["']?(?P<v>[^\s"']{4,128})"#,
        validate,
    },
    TokenRule {
        re: r#"\s--password(?:=|\s+)["']?(?P<v>[^\s"']{4,128})"#,
        validate,
    },
    // keytool's and jarsigner's store and key passwords
    TokenRule {
        re: r#"\s-(?:src|dest|new)?(?:storepass|keypass)\s+["']?(?P<v>[^\s"']{4,128})"#,
        validate,
    },
    // SQL*Plus's `user/password@service`
    TokenRule {
        re: r#"\bsqlplus\s+(?:-[A-Za-z]+\s+)*["']?[A-Za-z0-9_$#]{1,30}/(?P<v>[^\s@/"']{4,128})@"#,
        validate,
    },
    // an SNMP community string, on the command line or in a device's configuration
    TokenRule {
        re: r#"\bsnmp(?:walk|get|getnext|bulkwalk|bulkget|set|table|trap)\b[^\n|;&]{0,100}?\s-c\s*["']?(?P<v>[^\s"']{4,128})"#,
        validate,
    },
    TokenRule {
        re: r#"\bsnmp-server\s+community\s+(?P<v>[^\s"']{4,128})"#,
        validate,
    },
];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    // SNMP's default communities are published, not secrets
    let default = ["public", "private"]
        .iter()
        .any(|d| v.eq_ignore_ascii_case(d));
    if is_placeholder(v)
        || default
        || v.starts_with(['$', '%', '-'])
        || v.eq_ignore_ascii_case("password")
    {
        return None;
    }
    Some((0.85, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Secret,
    placeholder: "PASSWORD",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
