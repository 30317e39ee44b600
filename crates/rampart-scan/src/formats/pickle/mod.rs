//! Static simulation of the pickle machine.
//!
//! A pickle is a program for a small stack machine; unpickling runs it, and its
//! `GLOBAL`/`STACK_GLOBAL`/`INST` opcodes import any name while `REDUCE`/`OBJ`/`INST`/
//! `NEWOBJ` call what was imported. This module runs the same program over a simulated
//! stack, memo and mark stack — never importing or calling anything — and records
//! every name imported and how it was used, so that every callable is resolved to its
//! module and name even when the names are assembled through the memo.
//!
//! The simulation is bounded by [`Limits`]: opcodes, stack, memo, retained values, text
//! line length, streams. Large byte payloads are skipped without being read.

mod calls;
mod globals;
mod legacy;
mod numpy;
mod ops;
mod strings;
pub(crate) mod value;

use std::collections::HashMap;
use std::rc::Rc;

use calls::dunder_key;
pub use globals::{
    canonical, canonical_module, judge, judge_with, looks_like_class, refuse_user_allow,
    torch_storage_element_size, Judgement, UserAllow,
};
use legacy::walk_legacy_storages;
use ops::Op;
pub(crate) use value::V;
use value::{Obj, MAX_KEPT_STRING};

use crate::allowlist::{Allows, Arg};
use crate::blob::{Blob, Cursor};
use crate::limits::Limits;

/// How an imported name was used.
#[derive(Debug, Clone)]
pub struct GlobalUse {
    /// Module as written in the pickle.
    pub module: String,
    /// Name (possibly dotted) as written in the pickle.
    pub name: String,
    /// Offset of the first opcode that imported it.
    pub offset: u64,
    /// The opcode that imported it first (`GLOBAL`, `STACK_GLOBAL`, `INST`).
    pub opcode: &'static str,
    /// Called as a function (`REDUCE`, `OBJ`, `INST`).
    pub called: bool,
    /// Instantiated with `NEWOBJ`/`NEWOBJ_EX`.
    pub instantiated: bool,
    /// A rendering of the first call, e.g. `os.system("echo hi")` (for a gadget, of the
    /// first call that could not be resolved).
    pub call_preview: Option<String>,
    /// How the name was judged (built-in lists and the user's allowed names).
    pub judgement: Judgement,
    /// Times the name was pushed on the stack as a value.
    pub pushes: u32,
    /// Times a gadget call on it was resolved to an allowed name.
    pub resolved: u32,
    /// A gadget call on it could not be resolved.
    pub unresolved: bool,
}

impl GlobalUse {
    /// `module.name`.
    pub fn path(&self) -> String {
        format!("{}.{}", self.module, self.name)
    }

    /// The judgement of this name.
    pub fn judgement(&self) -> Judgement {
        self.judgement
    }

    /// For a gadget: true when some use of it was not resolved to an allowed name — a
    /// call on a target or attribute that cannot be judged, or the gadget itself passed
    /// around as a value (stored, returned, given to another call), where anything
    /// could call it later.
    pub fn gadget_escaped(&self) -> bool {
        self.unresolved || self.pushes > self.resolved
    }

    /// What to show for it: the call when there was one, else the name.
    pub fn display(&self) -> String {
        self.call_preview.clone().unwrap_or_else(|| self.path())
    }
}

/// Something noteworthy at an offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Byte offset of the opcode.
    pub offset: u64,
    /// What happened.
    pub message: String,
}

/// What the simulation learned about a pickle file (one or more streams).
#[derive(Debug, Default)]
pub struct PickleIr {
    /// Every distinct name imported, in order of first import.
    pub globals: Vec<GlobalUse>,
    /// `STACK_GLOBAL` whose module or name was not a literal string.
    pub dynamic_imports: Vec<Event>,
    /// `EXT1`/`EXT2`/`EXT4` uses.
    pub ext_codes: Vec<Event>,
    /// Calls of values that are not imported names (results of other calls).
    pub indirect_calls: Vec<Event>,
    /// `BUILD` applied directly to an imported class or function (monkey-patching).
    pub global_mutations: Vec<Event>,
    /// Allow-listed callables used outside the arguments that make them safe.
    pub misuse: Vec<Event>,
    /// `BUILD` states that set a dunder attribute (`__class__`, `__reduce_ex__`, …).
    pub dunder_states: Vec<Event>,
    /// Parse failures (the judgement covers everything before them).
    pub errors: Vec<Event>,
    /// Resource limits reached.
    pub limits: Vec<Event>,
    /// Streams parsed to `STOP`.
    pub streams: usize,
    /// joblib arrays walked.
    pub joblib_arrays: usize,
    /// NumPy arrays with object dtype inside joblib dumps.
    pub joblib_object_arrays: usize,
    /// The file is a legacy (pre-zip) PyTorch checkpoint.
    pub legacy_torch: bool,
    /// Names the user allowed.
    allow: UserAllow,
    index: HashMap<(String, String), usize>,
}

impl PickleIr {
    /// An empty representation that judges names with the user's allowed names.
    pub fn with_allow(allow: &UserAllow) -> Self {
        PickleIr {
            allow: allow.clone(),
            ..PickleIr::default()
        }
    }

    fn global(&mut self, module: String, name: String, offset: u64, opcode: &'static str) -> usize {
        let key = (module, name);
        if let Some(&i) = self.index.get(&key) {
            return i;
        }
        let i = self.globals.len();
        let judgement = judge_with(&key.0, &key.1, &self.allow);
        self.globals.push(GlobalUse {
            module: key.0.clone(),
            name: key.1.clone(),
            offset,
            opcode,
            called: false,
            instantiated: false,
            call_preview: None,
            judgement,
            pushes: 0,
            resolved: 0,
            unresolved: false,
        });
        self.index.insert(key, i);
        i
    }

    /// Records why a stream stopped: a parse error or a limit.
    fn record_stop(&mut self, stop: Stop) {
        let event = Event {
            offset: stop.offset,
            message: stop.message,
        };
        match stop.kind {
            StopKind::Malformed => self.errors.push(event),
            StopKind::Limit => self.limits.push(event),
        }
    }

    /// True when any error or limit event was recorded.
    pub fn incomplete(&self) -> bool {
        !self.errors.is_empty() || !self.limits.is_empty()
    }
}

/// The simulated memo. Pickle writes dense indices (0, 1, 2, …), kept in a vector;
/// anything else goes to a map, so a hostile index cannot force a huge allocation.
#[derive(Default)]
struct Memo {
    dense: Vec<Option<V>>,
    sparse: HashMap<u64, V>,
    len: usize,
}

impl Memo {
    /// Largest jump past the end of the dense part that still extends it.
    const DENSE_SLACK: u64 = 4096;

    fn len(&self) -> usize {
        self.len
    }

    fn get(&self, key: u64) -> Option<&V> {
        match usize::try_from(key).ok().and_then(|k| self.dense.get(k)) {
            Some(slot) => slot.as_ref(),
            None => self.sparse.get(&key),
        }
    }

    fn contains(&self, key: u64) -> bool {
        self.get(key).is_some()
    }

    fn insert(&mut self, key: u64, value: V) {
        let dense_len = self.dense.len() as u64;
        if key < dense_len + Self::DENSE_SLACK {
            if let Ok(k) = usize::try_from(key) {
                if k >= self.dense.len() {
                    self.dense.resize(k + 1, None);
                }
                if let Some(slot) = self.dense.get_mut(k) {
                    if slot.is_none() {
                        self.len += 1;
                    }
                    *slot = Some(value);
                    return;
                }
            }
        }
        if self.sparse.insert(key, value).is_none() {
            self.len += 1;
        }
    }
}

/// Why a stream stopped before `STOP`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StopKind {
    /// Not a valid pickle from this offset on.
    Malformed,
    /// A resource cap was reached.
    Limit,
}

/// A stream that could not be run to its end.
#[derive(Debug, Clone)]
pub struct Stop {
    /// Kind of stop.
    pub kind: StopKind,
    /// Offset of the failing opcode.
    pub offset: u64,
    /// What went wrong.
    pub message: String,
}

type Res<T> = Result<T, Stop>;

const PROTO_MAX: u8 = 5;
/// PyTorch's legacy magic number, the first pickle of a pre-zip checkpoint.
const TORCH_LEGACY_MAGIC: i128 = 0x1950a86a20f9469cfc6c;
/// Nesting of pickles inside joblib object arrays.
const MAX_NESTED_PICKLES: usize = 8;

/// The simulated machine for one stream.
struct Machine<'l> {
    limits: &'l Limits,
    stack: Vec<V>,
    marks: Vec<usize>,
    memo: Memo,
    retained: usize,
    ops: u64,
    op_offset: u64,
    nested: usize,
    first_proto: bool,
    globals_seen: bool,
    persistent: Vec<V>,
    /// Times each imported name was pushed as a value (settled into the IR at the end).
    pushed: HashMap<usize, u32>,
}

fn malformed(offset: u64, message: impl Into<String>) -> Stop {
    Stop {
        kind: StopKind::Malformed,
        offset,
        message: message.into(),
    }
}

impl<'l> Machine<'l> {
    fn new(limits: &'l Limits, nested: usize) -> Self {
        Machine {
            limits,
            stack: Vec::new(),
            marks: Vec::new(),
            memo: Memo::default(),
            retained: 0,
            ops: 0,
            op_offset: 0,
            nested,
            first_proto: false,
            globals_seen: false,
            persistent: Vec::new(),
            pushed: HashMap::new(),
        }
    }

    fn err(&self, message: impl Into<String>) -> Stop {
        malformed(self.op_offset, message)
    }

    fn limit(&self, message: impl Into<String>) -> Stop {
        Stop {
            kind: StopKind::Limit,
            offset: self.op_offset,
            message: message.into(),
        }
    }

    fn io(&self, e: std::io::Error) -> Stop {
        self.err(format!("truncated or unreadable: {e}"))
    }

    fn base(&self) -> usize {
        self.marks.last().copied().unwrap_or(0)
    }

    fn push(&mut self, v: V) -> Res<()> {
        if self.stack.len() >= self.limits.pickle_stack {
            return Err(self.limit(format!(
                "pickle stack deeper than {} entries",
                self.limits.pickle_stack
            )));
        }
        if let V::Global(i) = v {
            *self.pushed.entry(i).or_insert(0) += 1;
        }
        self.stack.push(v);
        Ok(())
    }

    fn pop(&mut self) -> Res<V> {
        if self.stack.len() <= self.base() {
            return Err(self.err("stack underflow"));
        }
        self.stack.pop().ok_or_else(|| self.err("stack underflow"))
    }

    fn top_mut(&mut self) -> Res<&mut V> {
        if self.stack.len() <= self.base() {
            return Err(self.err("stack underflow"));
        }
        let at = self.op_offset;
        self.stack
            .last_mut()
            .ok_or_else(|| malformed(at, "stack underflow"))
    }

    fn pop_mark(&mut self) -> Res<Vec<V>> {
        let Some(mark) = self.marks.pop() else {
            return Err(self.err("MARK expected but not found"));
        };
        Ok(self.stack.split_off(mark.min(self.stack.len())))
    }

    /// Keeps up to the retention budget of `items`; the rest are dropped from the
    /// simulation (they were already judged when created).
    fn retain(&mut self, mut items: Vec<V>) -> Vec<V> {
        let room = self.limits.pickle_values.saturating_sub(self.retained);
        items.truncate(room);
        self.retained += items.len();
        items
    }

    fn string(bytes: &[u8]) -> V {
        if bytes.len() > MAX_KEPT_STRING {
            return V::LongStr(bytes.len() as u64);
        }
        V::Str(Rc::from(String::from_utf8_lossy(bytes).as_ref()))
    }

    fn read_len_prefixed(&mut self, cur: &mut Cursor<'_>, len: u64) -> Res<V> {
        if len as usize > MAX_KEPT_STRING || len > cur.remaining() {
            if len > cur.remaining() {
                return Err(self.err(format!(
                    "string of {len} bytes runs past the end of the data"
                )));
            }
            cur.skip(len).map_err(|e| self.io(e))?;
            return Ok(V::LongStr(len));
        }
        let at = self.op_offset;
        let bytes = cur
            .take(len as usize)
            .map_err(|e| malformed(at, format!("truncated or unreadable: {e}")))?;
        Ok(Self::string(bytes))
    }

    fn skip_bytes(&mut self, cur: &mut Cursor<'_>, len: u64) -> Res<V> {
        cur.skip(len).map_err(|e| self.io(e))?;
        Ok(V::Bytes(len))
    }

    fn line(&self, cur: &mut Cursor<'_>) -> Res<Vec<u8>> {
        cur.line(self.limits.pickle_line).map_err(|e| self.io(e))
    }

    fn text_line(&self, cur: &mut Cursor<'_>, what: &str) -> Res<String> {
        let line = self.line(cur)?;
        String::from_utf8(line).map_err(|_| self.err(format!("{what} is not UTF-8")))
    }

    fn record_global(
        &mut self,
        ir: &mut PickleIr,
        module: String,
        name: String,
        opcode: &'static str,
    ) -> usize {
        self.globals_seen = true;
        ir.global(module, name, self.op_offset, opcode)
    }

    /// Fails like `find_class` does for names that cannot be imported.
    fn check_importable(&self, module: &str, name: &str) -> Res<()> {
        if is_dotted_identifier(module) && is_dotted_identifier(name) {
            Ok(())
        } else {
            Err(self.err(format!(
                "import of {:?}.{:?}, which is not a Python name and cannot be imported",
                truncate(module, 60),
                truncate(name, 60)
            )))
        }
    }

    fn int_from_text(&self, text: &str) -> Res<V> {
        let t = text.trim().trim_end_matches('L');
        match t {
            "01" => return Ok(V::Bool(true)),
            "00" => return Ok(V::Bool(false)),
            _ => {}
        }
        if t.is_empty()
            || !t
                .trim_start_matches(['-', '+'])
                .bytes()
                .all(|b| b.is_ascii_digit())
        {
            return Err(self.err(format!("invalid integer literal {:?}", truncate(text, 40))));
        }
        Ok(t.parse::<i128>().map_or(V::BigInt, V::Int))
    }

    fn long_bytes(bytes: &[u8]) -> V {
        if bytes.is_empty() {
            return V::Int(0);
        }
        if bytes.len() > 16 {
            return V::BigInt;
        }
        let negative = bytes.last().is_some_and(|b| b & 0x80 != 0);
        let mut buf = if negative { [0xffu8; 16] } else { [0u8; 16] };
        if let Some(dst) = buf.get_mut(..bytes.len()) {
            dst.copy_from_slice(bytes);
        }
        V::Int(i128::from_le_bytes(buf))
    }

    fn memo_put(&mut self, key: u64) -> Res<()> {
        let top = self
            .stack
            .last()
            .filter(|_| self.stack.len() > self.base())
            .cloned()
            .ok_or_else(|| self.err("memoize with an empty stack"))?;
        if !self.memo.contains(key) && self.memo.len() >= self.limits.pickle_memo {
            return Err(self.limit(format!(
                "pickle memo larger than {} entries",
                self.limits.pickle_memo
            )));
        }
        self.memo.insert(key, top);
        Ok(())
    }

    fn memo_get(&mut self, key: u64) -> Res<()> {
        let v = self
            .memo
            .get(key)
            .cloned()
            .ok_or_else(|| self.err(format!("memo key {key} not found")))?;
        self.push(v)
    }

    /// Runs one stream from the cursor's position to its `STOP`, then settles how often
    /// each imported name was pushed as a value.
    fn run(&mut self, cur: &mut Cursor<'_>, ir: &mut PickleIr) -> Res<V> {
        let result = self.run_ops(cur, ir);
        for (i, n) in self.pushed.drain() {
            if let Some(g) = ir.globals.get_mut(i) {
                g.pushes = g.pushes.saturating_add(n);
            }
        }
        result
    }

    fn run_ops(&mut self, cur: &mut Cursor<'_>, ir: &mut PickleIr) -> Res<V> {
        let mut first = true;
        loop {
            self.ops += 1;
            if self.ops > self.limits.pickle_ops {
                return Err(self.limit(format!(
                    "more than {} pickle opcodes",
                    self.limits.pickle_ops
                )));
            }
            self.op_offset = cur.pos();
            let op = cur
                .u8()
                .map_err(|_| self.err("truncated: no STOP opcode before the end of the data"))?;
            if first {
                self.first_proto = op == Op::Proto as u8;
                first = false;
            }
            let Some(code) = Op::from_byte(op) else {
                return Err(self.err(format!("invalid opcode 0x{op:02x}")));
            };
            match code {
                Op::Mark => {
                    if self.marks.len() >= self.limits.pickle_stack {
                        return Err(self.limit("too many nested MARKs"));
                    }
                    self.marks.push(self.stack.len());
                }
                Op::Stop => return self.pop(),
                Op::Pop => {
                    if self.stack.len() > self.base() {
                        self.pop()?;
                    } else {
                        self.pop_mark()?;
                    }
                }
                Op::PopMark => {
                    self.pop_mark()?;
                }
                Op::Dup => {
                    let top = self.top_mut()?.clone();
                    self.push(top)?;
                }
                Op::Float => {
                    let line = self.text_line(cur, "FLOAT argument")?;
                    if line.trim().parse::<f64>().is_err() {
                        return Err(
                            self.err(format!("invalid float literal {:?}", truncate(&line, 40)))
                        );
                    }
                    self.push(V::Float)?;
                }
                Op::Int | Op::Long => {
                    let line = self.text_line(cur, "INT argument")?;
                    let v = self.int_from_text(&line)?;
                    self.push(v)?;
                }
                Op::Binint => {
                    let v = cur.u32_le().map_err(|e| self.io(e))? as i32;
                    self.push(V::Int(i128::from(v)))?;
                }
                Op::Binint1 => {
                    let v = cur.u8().map_err(|e| self.io(e))?;
                    self.push(V::Int(i128::from(v)))?;
                }
                Op::Binint2 => {
                    let v = cur.u16_le().map_err(|e| self.io(e))?;
                    self.push(V::Int(i128::from(v)))?;
                }
                Op::Long1 => {
                    let n = cur.u8().map_err(|e| self.io(e))?;
                    let bytes = cur.take(usize::from(n)).map_err(|e| self.io(e))?.to_vec();
                    self.push(Self::long_bytes(&bytes))?;
                }
                Op::Long4 => {
                    let n = cur.u32_le().map_err(|e| self.io(e))? as i32;
                    let Ok(n) = u64::try_from(n) else {
                        return Err(self.err("LONG4 with a negative byte count"));
                    };
                    if n <= 16 {
                        let bytes = cur.take(n as usize).map_err(|e| self.io(e))?.to_vec();
                        self.push(Self::long_bytes(&bytes))?;
                    } else {
                        cur.skip(n).map_err(|e| self.io(e))?;
                        self.push(V::BigInt)?;
                    }
                }
                Op::None => self.push(V::None)?,
                Op::Newtrue => self.push(V::Bool(true))?,
                Op::Newfalse => self.push(V::Bool(false))?,
                Op::Persid => {
                    let line = self.line(cur)?;
                    let pid = Self::string(&line);
                    self.persistent_load(pid)?;
                }
                Op::Binpersid => {
                    let pid = self.pop()?;
                    self.persistent_load(pid)?;
                }
                Op::Reduce => {
                    let args = self.pop()?;
                    let callee = self.pop()?;
                    self.call(ir, callee, args, false)?;
                }
                Op::String => {
                    let line = self.line(cur)?;
                    let Some(s) = strings::python_string_literal(&line) else {
                        return Err(self.err("STRING argument is not a quoted literal"));
                    };
                    let v = Self::string(s.as_bytes());
                    self.push(v)?;
                }
                Op::Binstring => {
                    let n = cur.u32_le().map_err(|e| self.io(e))? as i32;
                    let Ok(n) = u64::try_from(n) else {
                        return Err(self.err("BINSTRING with a negative length"));
                    };
                    let v = self.read_len_prefixed(cur, n)?;
                    self.push(v)?;
                }
                Op::ShortBinstring | Op::ShortBinunicode => {
                    let n = cur.u8().map_err(|e| self.io(e))?;
                    let v = self.read_len_prefixed(cur, u64::from(n))?;
                    self.push(v)?;
                }
                Op::Unicode => {
                    let line = self.line(cur)?;
                    let Some(s) = strings::raw_unicode_escape(&line) else {
                        return Err(self.err("UNICODE argument has a broken escape"));
                    };
                    let v = Self::string(s.as_bytes());
                    self.push(v)?;
                }
                Op::Binunicode => {
                    let n = cur.u32_le().map_err(|e| self.io(e))?;
                    let v = self.read_len_prefixed(cur, u64::from(n))?;
                    self.push(v)?;
                }
                Op::Binunicode8 => {
                    let n = cur.u64_le().map_err(|e| self.io(e))?;
                    let v = self.read_len_prefixed(cur, n)?;
                    self.push(v)?;
                }
                Op::Binbytes => {
                    let n = cur.u32_le().map_err(|e| self.io(e))?;
                    let v = self.skip_bytes(cur, u64::from(n))?;
                    self.push(v)?;
                }
                Op::ShortBinbytes => {
                    let n = cur.u8().map_err(|e| self.io(e))?;
                    let v = self.skip_bytes(cur, u64::from(n))?;
                    self.push(v)?;
                }
                Op::Binbytes8 | Op::Bytearray8 => {
                    let n = cur.u64_le().map_err(|e| self.io(e))?;
                    let v = self.skip_bytes(cur, n)?;
                    self.push(v)?;
                }
                Op::Append => {
                    let item = self.pop()?;
                    let keep = self.retained < self.limits.pickle_values;
                    let top = self.top_mut()?;
                    if let (V::List(list), true) = (top, keep) {
                        Rc::make_mut(list).push(item);
                        self.retained += 1;
                    }
                }
                Op::Appends => {
                    let items = self.pop_mark()?;
                    let keep = self.retain(items);
                    let top = self.top_mut()?;
                    if let V::List(list) = top {
                        Rc::make_mut(list).extend(keep);
                    }
                }
                Op::Setitem => {
                    let value = self.pop()?;
                    let key = self.pop()?;
                    let keep = self.retain(vec![key, value]);
                    let top = self.top_mut()?;
                    if let (V::Dict(d), [k, v]) = (top, keep.as_slice()) {
                        Rc::make_mut(d).push((k.clone(), v.clone()));
                    }
                }
                Op::Setitems => {
                    let items = self.pop_mark()?;
                    if items.len() % 2 != 0 {
                        return Err(self.err("SETITEMS with an odd number of items"));
                    }
                    let keep = self.retain(items);
                    let top = self.top_mut()?;
                    if let V::Dict(d) = top {
                        let d = Rc::make_mut(d);
                        let mut it = keep.into_iter();
                        while let (Some(k), Some(v)) = (it.next(), it.next()) {
                            d.push((k, v));
                        }
                    }
                }
                Op::Additems => {
                    let items = self.pop_mark()?;
                    self.retain(items);
                    self.top_mut()?;
                }
                Op::Build => {
                    let state = self.pop()?;
                    self.build(cur, ir, state)?;
                }
                Op::Global => {
                    let module = self.text_line(cur, "GLOBAL module")?;
                    let name = self.text_line(cur, "GLOBAL name")?;
                    self.check_importable(&module, &name)?;
                    let i = self.record_global(ir, module, name, Op::Global.name());
                    self.push(V::Global(i))?;
                }
                Op::StackGlobal => {
                    let name = self.pop()?;
                    let module = self.pop()?;
                    match (module.as_str(), name.as_str()) {
                        (Some(m), Some(n)) => {
                            self.check_importable(m, n)?;
                            let i = self.record_global(
                                ir,
                                m.to_string(),
                                n.to_string(),
                                Op::StackGlobal.name(),
                            );
                            self.push(V::Global(i))?;
                        }
                        _ => {
                            self.globals_seen = true;
                            ir.dynamic_imports.push(Event {
                                offset: self.op_offset,
                                message: format!(
                                    "STACK_GLOBAL imports module {} name {}: values computed while loading, not literal strings",
                                    module.preview(&ir.globals),
                                    name.preview(&ir.globals)
                                ),
                            });
                            self.push(V::Obj(Rc::new(Obj {
                                callee: None,
                                args: V::Tuple(Rc::new(vec![module, name])),
                                state: None,
                            })))?;
                        }
                    }
                }
                Op::Inst => {
                    let module = self.text_line(cur, "INST module")?;
                    let name = self.text_line(cur, "INST name")?;
                    self.check_importable(&module, &name)?;
                    let args = self.pop_mark()?;
                    let i = self.record_global(ir, module, name, Op::Inst.name());
                    let args = V::Tuple(Rc::new(self.retain(args)));
                    self.call(ir, V::Global(i), args, false)?;
                }
                Op::Obj => {
                    let mut items = self.pop_mark()?;
                    if items.is_empty() {
                        return Err(self.err("OBJ without a class"));
                    }
                    let callee = items.remove(0);
                    let args = V::Tuple(Rc::new(self.retain(items)));
                    self.call(ir, callee, args, false)?;
                }
                Op::Newobj => {
                    let args = self.pop()?;
                    let cls = self.pop()?;
                    self.call(ir, cls, args, true)?;
                }
                Op::NewobjEx => {
                    let _kwargs = self.pop()?;
                    let args = self.pop()?;
                    let cls = self.pop()?;
                    self.call(ir, cls, args, true)?;
                }
                Op::Ext1 | Op::Ext2 | Op::Ext4 => {
                    let index = match code {
                        Op::Ext1 => u32::from(cur.u8().map_err(|e| self.io(e))?),
                        Op::Ext2 => u32::from(cur.u16_le().map_err(|e| self.io(e))?),
                        _ => cur.u32_le().map_err(|e| self.io(e))?,
                    };
                    self.globals_seen = true;
                    ir.ext_codes.push(Event {
                        offset: self.op_offset,
                        message: format!(
                            "{} imports the name registered as extension code {index}, which cannot be resolved statically",
                            code.name()
                        ),
                    });
                    self.push(V::Obj(Rc::new(Obj {
                        callee: None,
                        args: V::Int(i128::from(index)),
                        state: None,
                    })))?;
                }
                Op::Dict => {
                    let items = self.pop_mark()?;
                    if items.len() % 2 != 0 {
                        return Err(self.err("DICT with an odd number of items"));
                    }
                    let keep = self.retain(items);
                    let mut pairs = Vec::with_capacity(keep.len() / 2);
                    let mut it = keep.into_iter();
                    while let (Some(k), Some(v)) = (it.next(), it.next()) {
                        pairs.push((k, v));
                    }
                    self.push(V::Dict(Rc::new(pairs)))?;
                }
                Op::EmptyDict => self.push(V::Dict(Rc::new(Vec::new())))?,
                Op::EmptyList => self.push(V::List(Rc::new(Vec::new())))?,
                Op::EmptyTuple => self.push(V::Tuple(Rc::new(Vec::new())))?,
                Op::EmptySet => self.push(V::Set)?,
                Op::Frozenset => {
                    let items = self.pop_mark()?;
                    self.retain(items);
                    self.push(V::Set)?;
                }
                Op::List => {
                    let items = self.pop_mark()?;
                    let keep = self.retain(items);
                    self.push(V::List(Rc::new(keep)))?;
                }
                Op::Tuple => {
                    let items = self.pop_mark()?;
                    let keep = self.retain(items);
                    self.push(V::Tuple(Rc::new(keep)))?;
                }
                Op::Tuple1 | Op::Tuple2 | Op::Tuple3 => {
                    let n = match code {
                        Op::Tuple1 => 1,
                        Op::Tuple2 => 2,
                        _ => 3,
                    };
                    let mut items = Vec::with_capacity(n);
                    for _ in 0..n {
                        items.push(self.pop()?);
                    }
                    items.reverse();
                    let keep = self.retain(items);
                    self.push(V::Tuple(Rc::new(keep)))?;
                }
                Op::Get => {
                    let line = self.text_line(cur, "GET argument")?;
                    let key = line
                        .trim()
                        .parse::<u64>()
                        .map_err(|_| self.err("GET with a non-numeric key"))?;
                    self.memo_get(key)?;
                }
                Op::Binget => {
                    let key = cur.u8().map_err(|e| self.io(e))?;
                    self.memo_get(u64::from(key))?;
                }
                Op::LongBinget => {
                    let key = cur.u32_le().map_err(|e| self.io(e))?;
                    self.memo_get(u64::from(key))?;
                }
                Op::Put => {
                    let line = self.text_line(cur, "PUT argument")?;
                    let key = line
                        .trim()
                        .parse::<u64>()
                        .map_err(|_| self.err("PUT with a negative or non-numeric key"))?;
                    self.memo_put(key)?;
                }
                Op::Binput => {
                    let key = cur.u8().map_err(|e| self.io(e))?;
                    self.memo_put(u64::from(key))?;
                }
                Op::LongBinput => {
                    let key = cur.u32_le().map_err(|e| self.io(e))?;
                    self.memo_put(u64::from(key))?;
                }
                Op::Memoize => {
                    let key = self.memo.len() as u64;
                    self.memo_put(key)?;
                }
                Op::Proto => {
                    let proto = cur.u8().map_err(|e| self.io(e))?;
                    if proto > PROTO_MAX {
                        return Err(self.err(format!("unsupported pickle protocol {proto}")));
                    }
                }
                Op::Frame => {
                    cur.u64_le().map_err(|e| self.io(e))?;
                }
                Op::NextBuffer => self.push(V::Buffer)?,
                Op::ReadonlyBuffer => {
                    self.top_mut()?;
                }
                Op::Binfloat => {
                    cur.take(8).map_err(|e| self.io(e))?;
                    self.push(V::Float)?;
                }
            }
        }
    }

    fn persistent_load(&mut self, pid: V) -> Res<()> {
        if self.persistent.len() < self.limits.pickle_values {
            self.persistent.push(pid.clone());
        }
        self.push(V::Persistent(Rc::new(pid)))
    }

    fn build(&mut self, cur: &mut Cursor<'_>, ir: &mut PickleIr, state: V) -> Res<()> {
        let at = self.op_offset;
        let top = self.top_mut()?;
        match top {
            V::Global(i) => {
                let i = *i;
                let path = ir.globals.get(i).map(GlobalUse::path).unwrap_or_default();
                ir.global_mutations.push(Event {
                    offset: at,
                    message: format!(
                        "BUILD sets attributes on the imported name `{path}` itself (monkey-patching it for the rest of the process) with {}",
                        state.preview(&ir.globals)
                    ),
                });
                Ok(())
            }
            V::Obj(obj) => {
                if let Some(key) = dunder_key(&state) {
                    let target = obj
                        .callee
                        .and_then(|i| ir.globals.get(i))
                        .map_or_else(|| "an object".to_string(), |g| format!("a `{}`", g.path()));
                    ir.dunder_states.push(Event {
                        offset: at,
                        message: format!(
                            "BUILD sets `{key}` on {target}, replacing how Python treats the object (its class, pickling or attribute hooks)"
                        ),
                    });
                }
                Rc::make_mut(obj).state = Some(state);
                let obj = Rc::clone(obj);
                let is_wrapper = obj.callee.and_then(|i| ir.globals.get(i)).is_some_and(|g| {
                    g.name == "NumpyArrayWrapper" && g.module.ends_with("numpy_pickle")
                });
                if is_wrapper {
                    self.joblib_array(cur, ir, &obj)?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

/// True for a dotted Python identifier path (`os`, `torch._utils`, `Popen.__init__`).
/// Anything else cannot be imported, so no code runs: `find_class` fails.
fn is_dotted_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').all(|seg| {
            let mut chars = seg.chars();
            chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
                && chars.all(|c| c.is_alphanumeric() || c == '_')
        })
}

fn global_index(v: &V) -> Option<usize> {
    match v {
        V::Global(i) => Some(*i),
        _ => None,
    }
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// Runs exactly one stream at the cursor, recording a failure in `ir`. Returns the
/// stream's result, or `None` when it failed (the failure is then in `ir.errors` or
/// `ir.limits`). Used by formats that interleave pickles with raw data.
pub(crate) fn run_one_stream(
    cur: &mut Cursor<'_>,
    ir: &mut PickleIr,
    limits: &Limits,
) -> Option<V> {
    let mut machine = Machine::new(limits, 0);
    match machine.run(cur, ir) {
        Ok(v) => {
            ir.streams += 1;
            Some(v)
        }
        Err(stop) => {
            ir.record_stop(stop);
            None
        }
    }
}

/// Result of simulating a pickle file.
pub struct PickleScan {
    /// What was learned.
    pub ir: PickleIr,
    /// True when the data is a pickle: a stream ran to `STOP`, or imported a name
    /// before failing. False when the first opcode already failed.
    pub is_pickle: bool,
}

/// Simulates every pickle stream in `blob` from `start`: concatenated pickles one after
/// another, legacy PyTorch checkpoints (pickles followed by raw storages) and joblib
/// dumps (arrays between pickle opcodes).
pub fn scan_pickles(blob: &dyn Blob, start: u64, limits: &Limits) -> PickleScan {
    scan_pickles_with(blob, start, limits, &UserAllow::new())
}

/// [`scan_pickles`], judging names with the user's allowed names.
pub fn scan_pickles_with(
    blob: &dyn Blob,
    start: u64,
    limits: &Limits,
    allow: &UserAllow,
) -> PickleScan {
    let mut ir = PickleIr::with_allow(allow);
    let mut cur = Cursor::new(blob, start);
    let mut is_pickle = false;
    let mut legacy_stage = 0usize;
    let mut legacy_pids: Vec<V> = Vec::new();
    let mut stream = 0usize;
    while !cur.at_end() {
        if stream >= limits.pickle_streams {
            ir.limits.push(Event {
                offset: cur.pos(),
                message: format!(
                    "more than {} pickle streams in one file",
                    limits.pickle_streams
                ),
            });
            break;
        }
        let mut machine = Machine::new(limits, 0);
        let result = machine.run(&mut cur, &mut ir);
        match result {
            Ok(top) => {
                ir.streams += 1;
                is_pickle = true;
                if stream == 0 && top.as_int() == Some(TORCH_LEGACY_MAGIC) {
                    ir.legacy_torch = true;
                }
                if ir.legacy_torch {
                    legacy_stage += 1;
                    match legacy_stage {
                        4 => legacy_pids = std::mem::take(&mut machine.persistent),
                        5 => {
                            walk_legacy_storages(&mut cur, &mut ir, &legacy_pids, Some(&top));
                            break;
                        }
                        _ => {}
                    }
                }
            }
            Err(stop) => {
                // A stream counts as a pickle when it imported something or began with
                // a valid PROTO opcode and got past it; otherwise this is not pickle
                // data (or trailing bytes after the last stream) and nothing is said.
                let looked_like_pickle =
                    machine.globals_seen || (machine.first_proto && machine.ops >= 2);
                if looked_like_pickle {
                    is_pickle = true;
                    ir.record_stop(stop);
                }
                break;
            }
        }
        stream += 1;
    }
    PickleScan { ir, is_pickle }
}

/// Methods of plain containers that `getattr(container, name)` may reach: a pickled
/// bound method such as `{}.get` (nothing runs but the container's own method).
pub const CONTAINER_METHODS: &[&str] = &[
    "get",
    "keys",
    "values",
    "items",
    "copy",
    "pop",
    "popitem",
    "setdefault",
    "update",
    "fromkeys",
    "append",
    "extend",
    "insert",
    "remove",
    "index",
    "count",
    "add",
    "discard",
];

#[cfg(test)]
mod tests;
