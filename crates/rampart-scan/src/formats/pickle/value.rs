//! Values of the simulated pickle machine.
//!
//! Containers are shared (`Rc`) so that memo fetches are cheap; mutation of a shared
//! container clones it (copy on write), which can make a memo entry lag behind later
//! mutations of the same object. The judgement never depends on that: every import and
//! call is recorded when its opcode runs.

use std::rc::Rc;

/// Longest string kept verbatim; longer strings keep only their length.
pub(crate) const MAX_KEPT_STRING: usize = 64 * 1024;

/// A simulated Python value.
#[derive(Debug, Clone)]
pub(crate) enum V {
    None,
    Bool(bool),
    Int(i128),
    BigInt,
    Float,
    Str(Rc<str>),
    /// A string too long to keep, by length.
    LongStr(u64),
    Bytes(u64),
    Tuple(Rc<Vec<V>>),
    List(Rc<Vec<V>>),
    Dict(Rc<Vec<(V, V)>>),
    Set,
    /// An imported name: index into `PickleIr::globals`.
    Global(usize),
    /// The result of calling or instantiating something.
    Obj(Rc<Obj>),
    /// The result of a persistent load.
    Persistent(Rc<V>),
    /// A pickle-5 out-of-band buffer.
    Buffer,
    /// A bound method of a plain container reached with `getattr` (`dict.get`).
    Method(Rc<str>),
}

/// The result of REDUCE, NEWOBJ, OBJ or INST, and its BUILD state.
#[derive(Debug, Clone)]
pub(crate) struct Obj {
    /// The global called, when the callable was an imported name.
    pub callee: Option<usize>,
    pub args: V,
    pub state: Option<V>,
}

impl V {
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            V::Str(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn as_int(&self) -> Option<i128> {
        match self {
            V::Int(i) => Some(*i),
            V::Bool(b) => Some(i128::from(*b)),
            _ => None,
        }
    }

    pub(crate) fn items(&self) -> Option<&[V]> {
        match self {
            V::Tuple(v) | V::List(v) => Some(v),
            _ => None,
        }
    }

    /// Looks a string key up in a dict value.
    pub(crate) fn dict_get(&self, key: &str) -> Option<&V> {
        match self {
            V::Dict(pairs) => pairs
                .iter()
                .rev()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// A short rendering for messages: strings quoted and cut, containers summarised.
    pub(crate) fn preview(&self, globals: &[super::GlobalUse]) -> String {
        match self {
            V::None => "None".into(),
            V::Bool(b) => if *b { "True" } else { "False" }.into(),
            V::Int(i) => i.to_string(),
            V::BigInt => "<int>".into(),
            V::Float => "<float>".into(),
            V::Str(s) => {
                let cut: String = s.chars().take(80).collect();
                if cut.len() < s.len() {
                    format!("{cut:?}…")
                } else {
                    format!("{cut:?}")
                }
            }
            V::LongStr(n) => format!("<str of {n} bytes>"),
            V::Bytes(n) => format!("<bytes of {n} bytes>"),
            V::Tuple(items) | V::List(items) => {
                let inner: Vec<String> = items.iter().take(4).map(|v| v.preview(globals)).collect();
                let more = if items.len() > 4 { ", …" } else { "" };
                format!("({}{more})", inner.join(", "))
            }
            V::Dict(pairs) => format!("<dict of {} items>", pairs.len()),
            V::Set => "<set>".into(),
            V::Global(i) => globals
                .get(*i)
                .map_or_else(|| "<global>".into(), |g| g.path()),
            V::Obj(o) => match o.callee.and_then(|i| globals.get(i)) {
                Some(g) => format!("<{}(…)>", g.path()),
                None => "<object>".into(),
            },
            V::Persistent(pid) => format!("<persistent id {}>", pid.preview(globals)),
            V::Buffer => "<buffer>".into(),
            V::Method(m) => format!("<bound method {m}>"),
        }
    }
}
