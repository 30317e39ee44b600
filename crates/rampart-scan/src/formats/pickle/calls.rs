//! Calls the pickle makes (REDUCE, NEWOBJ, INST, OBJ): resolving `getattr`, recording
//! each call with its arguments, and judging it against the allow-list.

use super::*;

impl Machine<'_> {
    /// Runs a call (`REDUCE`, `OBJ`, `INST`, `NEWOBJ`) in the simulation: records and
    /// judges it, and pushes its result — the name a `getattr` gadget resolved to, a
    /// bound method of a plain container, or an opaque object.
    pub(super) fn call(
        &mut self,
        ir: &mut PickleIr,
        callee: V,
        args: V,
        instantiate: bool,
    ) -> Res<()> {
        if let V::Global(i) = callee {
            if matches!(
                ir.globals.get(i).map(|g| g.judgement),
                Some(Judgement::Gadget(_))
            ) {
                let resolved = if instantiate {
                    None
                } else {
                    self.resolve_getattr(ir, &args)
                };
                self.note_call(ir, &callee, &args, instantiate);
                if let Some(v) = resolved {
                    if let Some(g) = ir.globals.get_mut(i) {
                        g.resolved += 1;
                    }
                    return self.push(v);
                }
                let preview = preview_call(ir, i, &args);
                if let Some(g) = ir.globals.get_mut(i) {
                    if !g.unresolved {
                        g.call_preview = Some(preview);
                    }
                    g.unresolved = true;
                }
                return self.push(V::Obj(Rc::new(Obj {
                    callee: Some(i),
                    args,
                    state: None,
                })));
            }
        }
        self.note_call(ir, &callee, &args, instantiate);
        self.push(V::Obj(Rc::new(Obj {
            callee: global_index(&callee),
            args,
            state: None,
        })))
    }

    /// `getattr(target, 'name')`: on an imported name, the dotted name `target.name`
    /// (recorded and judged like any import); on a plain container, one of its
    /// [`CONTAINER_METHODS`]. Anything else cannot be resolved.
    pub(super) fn resolve_getattr(&mut self, ir: &mut PickleIr, args: &V) -> Option<V> {
        let items = args.items().filter(|a| a.len() == 2)?;
        let attr = items.get(1)?.as_str()?;
        if !is_dotted_identifier(attr) || attr.contains('.') {
            return None;
        }
        match items.first()? {
            V::Global(t) => {
                let g = ir.globals.get(*t)?;
                let (module, name) = (g.module.clone(), format!("{}.{attr}", g.name));
                let i = self.record_global(ir, module, name, "getattr");
                Some(V::Global(i))
            }
            target => {
                let kind = container_kind(ir, target)?;
                CONTAINER_METHODS
                    .contains(&attr)
                    .then(|| V::Method(Rc::from(format!("{kind}.{attr}"))))
            }
        }
    }

    pub(super) fn note_call(&mut self, ir: &mut PickleIr, callee: &V, args: &V, instantiate: bool) {
        match callee {
            V::Global(i) => {
                let (misuse, instantiated) = check_use(ir, *i, args, instantiate);
                for j in instantiated {
                    if let Some(g) = ir.globals.get_mut(j) {
                        g.instantiated = true;
                    }
                }
                let needs_preview = ir.globals.get(*i).is_some_and(|g| g.call_preview.is_none());
                let preview = needs_preview.then(|| preview_call(ir, *i, args));
                if let Some(g) = ir.globals.get_mut(*i) {
                    if instantiate {
                        g.instantiated = true;
                    } else {
                        g.called = true;
                    }
                    if preview.is_some() {
                        g.call_preview = preview;
                    }
                }
                if let Some(message) = misuse {
                    ir.misuse.push(Event {
                        offset: self.op_offset,
                        message,
                    });
                }
            }
            // Calling the result of a dangerous call or gadget, of a computed import or
            // of an extension code is already reported by the rule for that; only
            // results of allowed or unknown callables are reported here.
            V::Obj(obj)
                if obj.callee.is_none_or(|i| {
                    ir.globals.get(i).is_some_and(|g| {
                        matches!(g.judgement, Judgement::Dangerous(_) | Judgement::Gadget(_))
                    })
                }) => {}
            V::Obj(_) | V::Persistent(_) => ir.indirect_calls.push(Event {
                offset: self.op_offset,
                message: format!(
                    "calls {} with {}, a value computed while loading rather than an importable name",
                    callee.preview(&ir.globals),
                    args.preview(&ir.globals)
                ),
            }),
            // A bound method of a plain container (`dict.get`): nothing runs but the
            // container's own method. Calling a plain value fails when loading.
            _ => {}
        }
    }
}

/// The built-in container a value is (`dict`, `list`, …), when it is one.
pub(super) fn container_kind(ir: &PickleIr, v: &V) -> Option<&'static str> {
    match v {
        V::Dict(_) => Some("dict"),
        V::List(_) => Some("list"),
        V::Tuple(_) => Some("tuple"),
        V::Set => Some("set"),
        V::Obj(obj) => {
            let g = obj.callee.and_then(|i| ir.globals.get(i))?;
            let (module, name) = canonical(&g.module, &g.name);
            match (module.as_str(), name.as_str()) {
                ("builtins", "dict") => Some("dict"),
                ("builtins", "list") => Some("list"),
                ("builtins", "set") => Some("set"),
                ("builtins", "frozenset") => Some("frozenset"),
                ("builtins", "tuple") => Some("tuple"),
                ("collections", "OrderedDict") => Some("OrderedDict"),
                ("collections", "defaultdict") => Some("defaultdict"),
                ("collections", "Counter") => Some("Counter"),
                ("collections", "deque") => Some("deque"),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `module.name(args…)` for messages.
pub(super) fn preview_call(ir: &PickleIr, i: usize, args: &V) -> String {
    format!(
        "{}{}",
        ir.globals.get(i).map(GlobalUse::path).unwrap_or_default(),
        match args {
            V::Tuple(_) => args.preview(&ir.globals),
            other => format!("({})", other.preview(&ir.globals)),
        }
    )
}

/// Checks a call of global `i` against what its allow-list entry admits. Returns the
/// misuse (if any) and the unknown names the call instantiates (class arguments).
pub(super) fn check_use(
    ir: &PickleIr,
    i: usize,
    args: &V,
    instantiate: bool,
) -> (Option<String>, Vec<usize>) {
    let Some(g) = ir.globals.get(i) else {
        return (None, Vec::new());
    };
    let (spec, arity) = match g.judgement {
        Judgement::Safe(Allows::Reference) => {
            return (
                Some(format!(
                    "`{}` is allowed only as a value, but is {} while loading: {}",
                    g.path(),
                    if instantiate {
                        "instantiated"
                    } else {
                        "called"
                    },
                    preview_call(ir, i, args)
                )),
                Vec::new(),
            );
        }
        Judgement::Safe(Allows::Call(spec)) => (spec, spec.len()..=spec.len()),
        Judgement::Safe(Allows::CallThen(spec)) => (spec, spec.len()..=usize::MAX),
        Judgement::Safe(Allows::CallOptional(spec, n)) => (spec, n..=spec.len()),
        _ => return (None, Vec::new()),
    };
    let misuse = |why: String| {
        Some(format!(
            "`{}` is allowed only {}, but is called as {}",
            g.path(),
            why,
            preview_call(ir, i, args)
        ))
    };
    let Some(items) = args.items() else {
        return (misuse("with literal arguments".into()), Vec::new());
    };
    if !arity.contains(&items.len()) {
        let count = match (*arity.start(), *arity.end()) {
            (a, b) if a == b => format!("{a}"),
            (a, usize::MAX) => format!("at least {a}"),
            (a, b) => format!("{a} to {b}"),
        };
        return (misuse(format!("with {count} argument(s)")), Vec::new());
    }
    let mut instantiated = Vec::new();
    for (n, (arg, v)) in spec.iter().zip(items).enumerate() {
        if let Err(why) = arg_matches(ir, *arg, v, &mut instantiated) {
            return (
                misuse(format!("when argument {} is {why}", n + 1)),
                instantiated,
            );
        }
    }
    (None, instantiated)
}

/// Whether one argument satisfies its constraint; the error says what it must be.
pub(super) fn arg_matches(
    ir: &PickleIr,
    arg: Arg,
    v: &V,
    instantiated: &mut Vec<usize>,
) -> Result<(), String> {
    let class = |v: &V, instantiated: &mut Vec<usize>| match v {
        V::Global(j) => match ir.globals.get(*j).map(|g| g.judgement) {
            Some(Judgement::Safe(Allows::Construct) | Judgement::Dangerous(_)) => Ok(()),
            Some(Judgement::Unknown) => {
                instantiated.push(*j);
                Ok(())
            }
            _ => Err("a class the allow-list lets be constructed".to_string()),
        },
        _ => Err("an imported class".to_string()),
    };
    match arg {
        Arg::Any => Ok(()),
        Arg::Str => match v {
            V::Str(_) | V::LongStr(_) => Ok(()),
            _ => Err("a string".into()),
        },
        Arg::Int => match v {
            V::Int(_) | V::BigInt | V::Bool(_) => Ok(()),
            _ => Err("an integer".into()),
        },
        Arg::None => match v {
            V::None => Ok(()),
            _ => Err("None".into()),
        },
        Arg::OneOf(allowed) => match v.as_str() {
            Some(s) if allowed.iter().any(|a| a.eq_ignore_ascii_case(s)) => Ok(()),
            _ => Err(format!("one of {}", allowed.join(", "))),
        },
        Arg::Class => class(v, instantiated),
        Arg::ClassOrStr => match v {
            V::Str(_) => Ok(()),
            _ => class(v, instantiated).map_err(|e| format!("a string or {e}")),
        },
        Arg::Callable => match v {
            V::Global(j) => match ir.globals.get(*j).map(|g| g.judgement) {
                Some(Judgement::Safe(_) | Judgement::Dangerous(_)) => Ok(()),
                _ => Err("a name on the allow-list (the call calls it)".into()),
            },
            V::Method(_) => Ok(()),
            _ => Err("an imported name on the allow-list (the call calls it)".into()),
        },
    }
}

/// A dunder key (`__class__`, `__reduce_ex__`, …) that a `BUILD` state sets: in a state
/// dict, or in the slot-state dict of a `(state, slotstate)` pair.
pub(super) fn dunder_key(state: &V) -> Option<String> {
    let dict_key = |d: &V| -> Option<String> {
        let V::Dict(pairs) = d else { return None };
        pairs.iter().find_map(|(k, _)| {
            let k = k.as_str()?;
            (k.len() > 4 && k.starts_with("__") && k.ends_with("__")).then(|| k.to_string())
        })
    };
    dict_key(state).or_else(|| {
        let items = state.items()?;
        items.iter().take(2).find_map(dict_key)
    })
}
