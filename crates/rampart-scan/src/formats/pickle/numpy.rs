//! NumPy arrays inside pickles: the dtype layout of `_reconstruct`ed arrays and the
//! raw arrays joblib writes after its `NumpyArrayWrapper`.

use super::*;

impl Machine<'_> {
    /// joblib writes each NumPy array right after the pickled `NumpyArrayWrapper`
    /// that describes it, and its unpickler reads the array when it runs that
    /// wrapper's BUILD: raw bytes for plain dtypes, a nested pickle for object dtype.
    pub(super) fn joblib_array(
        &mut self,
        cur: &mut Cursor<'_>,
        ir: &mut PickleIr,
        wrapper: &Obj,
    ) -> Res<()> {
        ir.joblib_arrays += 1;
        let state = wrapper
            .state
            .as_ref()
            .ok_or_else(|| self.err("joblib array without state"))?;
        let dtype = state
            .dict_get("dtype")
            .ok_or_else(|| self.err("joblib array wrapper without a dtype"))?;
        let Some(layout) = numpy_dtype_layout(dtype) else {
            return Err(self.err(format!(
                "joblib array with an unrecognised dtype {}; cannot find where the array ends",
                dtype.preview(&ir.globals)
            )));
        };
        let shape = state
            .dict_get("shape")
            .and_then(V::items)
            .ok_or_else(|| self.err("joblib array wrapper without a shape"))?;
        let mut count: u64 = 1;
        for dim in shape {
            let d = dim
                .as_int()
                .and_then(|d| u64::try_from(d).ok())
                .ok_or_else(|| {
                    self.err("joblib array shape is not a tuple of non-negative integers")
                })?;
            count = count
                .checked_mul(d)
                .ok_or_else(|| self.err("joblib array shape overflows"))?;
        }
        match layout {
            DtypeLayout::Object => {
                ir.joblib_object_arrays += 1;
                if self.nested >= MAX_NESTED_PICKLES {
                    return Err(self.limit("joblib object arrays nested too deeply"));
                }
                let mut inner = Machine::new(self.limits, self.nested + 1);
                inner.run(cur, ir)?;
                self.globals_seen |= inner.globals_seen;
            }
            DtypeLayout::Plain(itemsize) => {
                if state
                    .dict_get("numpy_array_alignment_bytes")
                    .and_then(V::as_int)
                    .is_some()
                {
                    let padding = cur.u8().map_err(|e| self.io(e))?;
                    cur.skip(u64::from(padding)).map_err(|e| self.io(e))?;
                }
                let bytes = count
                    .checked_mul(itemsize)
                    .ok_or_else(|| self.err("joblib array size overflows"))?;
                cur.skip(bytes).map_err(|_| {
                    self.err(format!(
                        "joblib array of {bytes} bytes runs past the end of the data"
                    ))
                })?;
            }
        }
        Ok(())
    }
}

pub(super) enum DtypeLayout {
    Object,
    Plain(u64),
}

/// The element layout of a pickled `numpy.dtype(...)`: `dtype(('f8', False, True))`
/// with BUILD state `(3, '<', None, names, fields, elsize, alignment, flags)`.
pub(super) fn numpy_dtype_layout(dtype: &V) -> Option<DtypeLayout> {
    let V::Obj(obj) = dtype else { return None };
    let code = obj.args.items()?.first()?.as_str()?;
    let state = obj.state.as_ref().and_then(V::items);
    if code.starts_with('O') {
        return Some(DtypeLayout::Object);
    }
    if let Some(V::Dict(pairs)) = state.and_then(|s| s.get(4)) {
        for (_, field) in pairs.iter() {
            let sub = field.items().and_then(|f| f.first())?;
            if matches!(numpy_dtype_layout(sub)?, DtypeLayout::Object) {
                return Some(DtypeLayout::Object);
            }
        }
    }
    let elsize = state
        .and_then(|s| s.get(5))
        .and_then(V::as_int)
        .filter(|&n| n > 0)
        .and_then(|n| u64::try_from(n).ok());
    if let Some(n) = elsize {
        return Some(DtypeLayout::Plain(n));
    }
    let kind = code.trim_start_matches(['<', '>', '|', '=']);
    let digits: String = kind
        .chars()
        .skip_while(|c| c.is_ascii_alphabetic())
        .take_while(char::is_ascii_digit)
        .collect();
    let size = digits.parse::<u64>().ok()?;
    let letter = kind.chars().next()?;
    match letter {
        'U' => size.checked_mul(4).map(DtypeLayout::Plain),
        'b' | 'i' | 'u' | 'f' | 'c' | 'M' | 'm' | 'S' | 'V' | 'a' => Some(DtypeLayout::Plain(size)),
        _ => None,
    }
}
