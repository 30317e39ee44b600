//! The semantic allow-list of pickle globals: what a pickle may import, and how it may
//! use each name — reference it as a value, construct it, or call it with particular
//! arguments.
//!
//! One module per library family ([`FAMILIES`]); the whole list is versioned by
//! [`VERSION`] and documented in `docs/scan-allowlist.md`, which is generated from these
//! tables (`UPDATE_DOCS=1 cargo test -p rampart-scan --lib allowlist` rewrites it; a test
//! fails when it is stale).
//!
//! Being on the list never outranks the deny-list: a name that reaches the system, runs
//! code or walks Python internals is judged dangerous first (see
//! [`crate::formats::pickle::judge`]). And being on the list is not a blank cheque: an
//! entry says how the name may be used, and the pickle simulation checks every use —
//! a name allowed as a reference that is called, a function called with arguments its
//! entry does not admit, or a class argument that is not an allowed class, is a finding.

mod boosters;
mod joblib;
mod numpy;
mod pandas;
mod scipy;
mod sklearn;
mod stdlib;
mod torch;

/// Version of the allow-list. Bumped whenever an entry is added, removed or changed;
/// `docs/scan-allowlist.md` shows it.
pub const VERSION: &str = "2026.12.1";

/// What an allow-listed name may be used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allows {
    /// Referenced as a value only (a type used as a dtype, a function stored in an
    /// estimator); calling it while loading is a finding.
    Reference,
    /// Constructed: instantiated (`NEWOBJ`, `REDUCE`, `copyreg._reconstructor`) with any
    /// arguments, and given any `BUILD` state. Every name inside the arguments and the
    /// state is judged on its own.
    Construct,
    /// Called with exactly these positional arguments.
    Call(&'static [Arg]),
    /// Called with these positional arguments, then any number of further ones (any
    /// values).
    CallThen(&'static [Arg]),
    /// Called with the first `n` of these positional arguments, and optionally the
    /// rest.
    CallOptional(&'static [Arg], usize),
}

/// A constraint on one argument of an allow-listed call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arg {
    /// Any value: data, objects built while loading, allowed names (each judged on its own).
    Any,
    /// A text string.
    Str,
    /// An integer (or a boolean).
    Int,
    /// `None`.
    None,
    /// A string from this list (compared ignoring ASCII case).
    OneOf(&'static [&'static str]),
    /// An imported name that the allow-list lets be constructed: the call creates an
    /// instance of it.
    Class,
    /// A class, as [`Arg::Class`], or a string naming one (NumPy's bit generators).
    ClassOrStr,
    /// An imported name on the allow-list (any use): the callee calls it.
    Callable,
}

/// Which names an entry covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    /// Exactly `module.name`.
    Exact(&'static str),
    /// Every class (a last segment in CamelCase, `_` prefixes allowed) defined under
    /// this module prefix, nested classes included.
    Classes(&'static str),
    /// Every other name under this module prefix (functions, constants).
    Names(&'static str),
    /// Every Cython-generated unpickler (`__pyx_unpickle_NAME`) under this prefix.
    CythonUnpicklers(&'static str),
    /// Nothing under this module prefix is allowed by this family, whatever a later
    /// pattern says (subpackages that read files, reach the network or run tests).
    Except(&'static str),
}

/// One allow-list entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// The names it covers.
    pub pattern: Pattern,
    /// How they may be used.
    pub allows: Allows,
    /// Why it is here (shown in the docs).
    pub note: &'static str,
}

/// The entries for one library family.
#[derive(Debug)]
pub struct Family {
    /// The family, e.g. `scikit-learn`.
    pub name: &'static str,
    /// The library versions whose pickles the entries were written from and tested
    /// against.
    pub versions: &'static str,
    /// Entries, checked in order: the first that covers a name decides (so
    /// [`Pattern::Except`] entries come first).
    pub entries: &'static [Entry],
}

/// Every family, checked in this order.
pub static FAMILIES: &[&Family] = &[
    &stdlib::FAMILY,
    &numpy::FAMILY,
    &pandas::FAMILY,
    &scipy::FAMILY,
    &sklearn::FAMILY,
    &boosters::FAMILY,
    &joblib::FAMILY,
    &torch::FAMILY,
];

pub(crate) const fn exact(path: &'static str, allows: Allows, note: &'static str) -> Entry {
    Entry {
        pattern: Pattern::Exact(path),
        allows,
        note,
    }
}

pub(crate) const fn except(prefix: &'static str, note: &'static str) -> Entry {
    Entry {
        pattern: Pattern::Except(prefix),
        allows: Allows::Reference,
        note,
    }
}

/// True when `path` is `prefix` or lies under it (`prefix.…`).
fn under(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// True when the last segment reads as a class name (`Booster`, `_BinMapper`).
pub(crate) fn class_like(path: &str) -> bool {
    let last = path.rsplit('.').next().unwrap_or(path);
    last.trim_start_matches('_')
        .chars()
        .next()
        .is_some_and(char::is_uppercase)
}

/// A pattern's verdict on a canonical `module.name`: `Some(true)` covered,
/// `Some(false)` excluded, `None` silent.
fn covers(pattern: Pattern, path: &str) -> Option<bool> {
    match pattern {
        Pattern::Exact(p) => (p == path).then_some(true),
        Pattern::Except(p) => under(path, p).then_some(false),
        Pattern::Classes(p) => (under(path, p) && path != p && class_like(path)).then_some(true),
        Pattern::Names(p) => (under(path, p) && path != p).then_some(true),
        Pattern::CythonUnpicklers(p) => (under(path, p)
            && path
                .rsplit('.')
                .next()
                .is_some_and(|n| n.starts_with("__pyx_unpickle_")))
        .then_some(true),
    }
}

/// Looks a canonical `module.name` up: the entry that allows it and its family.
pub fn lookup(path: &str) -> Option<(&'static Family, &'static Entry)> {
    for family in FAMILIES {
        for entry in family.entries {
            match covers(entry.pattern, path) {
                Some(true) => return Some((family, entry)),
                Some(false) => break,
                None => {}
            }
        }
    }
    None
}

/// `docs/scan-allowlist.md`: every family and entry.
pub fn markdown() -> String {
    let mut out = format!(
        "<!-- Generated from crates/rampart-scan/src/allowlist/ by \
         `UPDATE_DOCS=1 cargo test -p rampart-scan --lib allowlist`; do not edit. -->\n\
         # rampart scan: the pickle allow-list (version {VERSION})\n\n\
         A pickle may import a name only when an entry below covers it, and may use it only \
         as the entry says: **reference** (kept as a value, never called while loading), \
         **construct** (instantiated with any arguments and given any `BUILD` state; every \
         name inside them is judged on its own) or **call** with the arguments listed. A \
         name that reaches the system or runs code is judged dangerous before this list is \
         consulted, `builtins.getattr` is resolved (`getattr(zoneinfo.ZoneInfo, '_unpickle')` \
         is judged as `zoneinfo.ZoneInfo._unpickle`; on a plain container only the methods \
         `{methods}` are allowed), and entries marked *except* exclude a subpackage from the \
         family's patterns. Names of your own may be added with `rampart scan --allow \
         MODULE.NAME` or `[scan] allow` in `rampart.toml` (never a dangerous one).\n\n\
         Arguments: `any` (any value), `str`, `int`, `None`, `one of …` (a string from the \
         list), `class` (an allowed class, which the call instantiates), `class or str`, \
         `callable` (an allowed name, which the call calls); arguments in `[…]` may be \
         left out.\n",
        methods = crate::formats::pickle::CONTAINER_METHODS.join("`, `"),
    );
    for family in FAMILIES {
        out.push_str(&format!(
            "\n## {}\n\nWritten from and tested against: {}.\n\n| names | allows | why |\n|---|---|---|\n",
            family.name, family.versions
        ));
        for e in family.entries {
            let names = match e.pattern {
                Pattern::Exact(p) => format!("`{p}`"),
                Pattern::Classes(p) => format!("classes under `{p}`"),
                Pattern::Names(p) => format!("other names under `{p}`"),
                Pattern::CythonUnpicklers(p) => format!("`__pyx_unpickle_*` under `{p}`"),
                Pattern::Except(p) => format!("*except* `{p}`"),
            };
            let allows = match (e.pattern, e.allows) {
                (Pattern::Except(_), _) => "nothing".to_string(),
                (_, Allows::Reference) => "reference".into(),
                (_, Allows::Construct) => "construct".into(),
                (_, Allows::Call(args)) => format!("call ({})", args_text(args)),
                (_, Allows::CallThen(args)) => format!("call ({}, …)", args_text(args)),
                (_, Allows::CallOptional(args, n)) => format!(
                    "call ({}{}{})",
                    args_text(args.get(..n).unwrap_or_default()),
                    if n == 0 { "[" } else { "[, " },
                    args_text(args.get(n..).unwrap_or_default()) + "]"
                ),
            };
            out.push_str(&format!("| {names} | {allows} | {} |\n", e.note));
        }
    }
    out
}

fn args_text(args: &[Arg]) -> String {
    args.iter()
        .map(|a| match a {
            Arg::Any => "any".to_string(),
            Arg::Str => "str".into(),
            Arg::Int => "int".into(),
            Arg::None => "None".into(),
            Arg::OneOf(v) => format!("one of {}", v.join("/")),
            Arg::Class => "class".into(),
            Arg::ClassOrStr => "class or str".into(),
            Arg::Callable => "callable".into(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        let allows = |p: &str| lookup(p).map(|(_, e)| e.allows);
        assert_eq!(
            allows("sklearn.linear_model._logistic.LogisticRegression"),
            Some(Allows::Construct)
        );
        assert_eq!(
            allows("sklearn.metrics._classification.accuracy_score"),
            Some(Allows::Reference)
        );
        assert_eq!(allows("sklearn.datasets._base.Bunch"), None);
        assert_eq!(allows("pandas.io.parsers.readers.TextFileReader"), None);
        assert_eq!(allows("pandas.HDFStore"), None);
        assert_eq!(
            allows("pandas.core.frame.DataFrame"),
            Some(Allows::Construct)
        );
        assert!(matches!(
            allows("zoneinfo.ZoneInfo._unpickle"),
            Some(Allows::Call(_))
        ));
        assert!(matches!(
            allows("pandas._libs.arrays.__pyx_unpickle_NDArrayBacked"),
            Some(Allows::Call(_))
        ));
        assert_eq!(allows("xgboost.core.Booster"), Some(Allows::Construct));
        assert_eq!(allows("xgboost.testing.Thing"), None);
        assert_eq!(allows("mylib.Model"), None);
        assert!(class_like("_BinMapper"));
        assert!(!class_like("newObj"));
    }

    #[test]
    fn every_family_is_documented() {
        for family in FAMILIES {
            assert!(!family.versions.is_empty(), "{}", family.name);
            for e in family.entries {
                assert!(!e.note.is_empty(), "{}: {:?}", family.name, e.pattern);
            }
        }
    }

    /// docs/scan-allowlist.md is generated from the tables; this fails when it is stale.
    #[test]
    fn committed_docs_are_current() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/scan-allowlist.md");
        let checked = rampart_core::generated::check(
            &path,
            &markdown(),
            "UPDATE_DOCS",
            "UPDATE_DOCS=1 cargo test -p rampart-scan --lib allowlist",
        );
        assert_eq!(checked, Ok(()));
    }
}
