//! safetensors: an 8-byte little-endian header length, a JSON header mapping tensor
//! names to `{dtype, shape, data_offsets}` (plus optional `__metadata__` of strings),
//! then the tensor bytes. The format cannot carry code; the risk is a header that
//! makes loaders read out of bounds or allocate without limit, so the header is
//! validated exactly: size cap, JSON, dtypes, shapes, contiguous non-overlapping
//! offsets covering the data, and dtype × shape = byte length.
//!
//! Validation uses only the header and the file length; tensor data is never read.
//! (The `safetensors` crate's own validation wants the whole file in memory.)

use serde_json::Value;

use crate::blob::Blob;
use crate::context::Ctx;
use crate::format::Format;
use crate::rules;

/// Header size cap, the same as the reference implementation's.
pub const MAX_HEADER: u64 = 100_000_000;

/// Which part of the file a problem concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Header length, JSON, dtype, shape or metadata.
    Header,
    /// Offsets and sizes of the data.
    Layout,
}

/// The validation result.
#[derive(Debug, Default)]
pub struct SafetensorsIr {
    /// Problems found, each with what it concerns and a message.
    pub problems: Vec<(Problem, String, Option<String>)>,
    /// Number of tensors described.
    pub tensors: usize,
}

/// True when the first bytes look like a safetensors header.
pub fn looks_like_safetensors(head: &[u8], _len: u64) -> bool {
    let Some(n) = head.get(..8).map(|b| {
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        u64::from_le_bytes(a)
    }) else {
        return false;
    };
    (2..(1 << 40)).contains(&n) && head.get(8) == Some(&b'{')
}

/// Bits per element of a dtype.
fn dtype_bits(dtype: &str) -> Option<u64> {
    Some(match dtype {
        "F4" => 4,
        "F6_E2M3" | "F6_E3M2" => 6,
        "BOOL" | "U8" | "I8" | "F8_E5M2" | "F8_E4M3" | "F8_E8M0" => 8,
        "I16" | "U16" | "F16" | "BF16" => 16,
        "I32" | "U32" | "F32" => 32,
        "F64" | "I64" | "U64" | "C64" => 64,
        _ => return None,
    })
}

/// Validates the header of `blob`.
pub fn validate(blob: &dyn Blob) -> SafetensorsIr {
    let mut ir = SafetensorsIr::default();
    let mut header = |p: Problem, m: String, item: Option<String>| ir.problems.push((p, m, item));
    let len = blob.len();
    let n = match blob.read_vec(0, 8) {
        Ok(b) if b.len() == 8 => {
            let mut a = [0u8; 8];
            a.copy_from_slice(&b);
            u64::from_le_bytes(a)
        }
        _ => {
            header(
                Problem::Header,
                "file is shorter than the 8-byte header length".into(),
                None,
            );
            return ir;
        }
    };
    if n > MAX_HEADER {
        header(
            Problem::Header,
            format!("header length {n} exceeds the {MAX_HEADER}-byte cap"),
            None,
        );
        return ir;
    }
    if 8 + n > len {
        header(
            Problem::Header,
            format!("header length {n} runs past the end of the {len}-byte file"),
            None,
        );
        return ir;
    }
    let raw = match blob.read_vec(8, n as usize) {
        Ok(r) => r,
        Err(e) => {
            header(Problem::Header, format!("cannot read header: {e}"), None);
            return ir;
        }
    };
    let json: Value = match serde_json::from_slice(&raw) {
        Ok(v) => v,
        Err(e) => {
            header(
                Problem::Header,
                format!("header is not valid JSON: {e}"),
                None,
            );
            return ir;
        }
    };
    let Value::Object(map) = json else {
        header(Problem::Header, "header is not a JSON object".into(), None);
        return ir;
    };
    let mut spans: Vec<(u64, u64, String)> = Vec::new();
    for (name, info) in &map {
        if name == "__metadata__" {
            let ok = info
                .as_object()
                .is_some_and(|m| m.values().all(Value::is_string));
            if !ok {
                header(
                    Problem::Header,
                    "`__metadata__` is not a map of strings".into(),
                    Some(name.clone()),
                );
            }
            continue;
        }
        let item = Some(name.clone());
        let Some(info) = info.as_object() else {
            header(
                Problem::Header,
                format!("tensor {name:?} is not an object"),
                item,
            );
            continue;
        };
        let offsets: Option<Vec<u64>> = info
            .get("data_offsets")
            .and_then(Value::as_array)
            .and_then(|o| o.iter().map(Value::as_u64).collect());
        let Some([begin, end]) = offsets
            .as_deref()
            .and_then(|o| <[u64; 2]>::try_from(o).ok())
        else {
            header(
                Problem::Header,
                format!("tensor {name:?} has no valid data_offsets"),
                item,
            );
            continue;
        };
        if end < begin {
            header(
                Problem::Layout,
                format!("tensor {name:?} ends ({end}) before it begins ({begin})"),
                item,
            );
            continue;
        }
        // The span counts for the layout even when the dtype or shape is bad.
        spans.push((begin, end, name.clone()));
        let Some(dtype) = info.get("dtype").and_then(Value::as_str) else {
            header(
                Problem::Header,
                format!("tensor {name:?} has no dtype"),
                item,
            );
            continue;
        };
        let Some(bits) = dtype_bits(dtype) else {
            header(
                Problem::Header,
                format!("tensor {name:?} has unknown dtype {dtype:?}"),
                item,
            );
            continue;
        };
        let shape: Option<Vec<u64>> = info
            .get("shape")
            .and_then(Value::as_array)
            .and_then(|dims| dims.iter().map(Value::as_u64).collect());
        let Some(shape) = shape else {
            header(
                Problem::Header,
                format!("tensor {name:?} has no valid shape"),
                item,
            );
            continue;
        };
        let elements = shape.iter().try_fold(1u64, |acc, &d| acc.checked_mul(d));
        let expected = elements
            .and_then(|e| e.checked_mul(bits))
            .filter(|b| b % 8 == 0)
            .map(|b| b / 8);
        match expected {
            Some(bytes) if bytes == end - begin => {}
            Some(bytes) => header(
                Problem::Layout,
                format!("tensor {name:?} is {dtype} {shape:?} = {bytes} bytes but its offsets span {} bytes", end - begin),
                item.clone(),
            ),
            None => header(
                Problem::Layout,
                format!("tensor {name:?} shape {shape:?} overflows or is not a whole number of bytes"),
                item.clone(),
            ),
        }
    }
    ir.tensors = spans.len();
    spans.sort();
    let data_len = len - 8 - n;
    let mut expected_start = 0u64;
    for (begin, end, name) in &spans {
        if *begin > expected_start {
            ir.problems.push((
                Problem::Layout,
                format!(
                    "gap of {} bytes before tensor {name:?}",
                    begin - expected_start
                ),
                Some(name.clone()),
            ));
        } else if *begin < expected_start {
            ir.problems.push((
                Problem::Layout,
                format!("tensor {name:?} overlaps the previous tensor"),
                Some(name.clone()),
            ));
        }
        if *end > data_len {
            ir.problems.push((
                Problem::Layout,
                format!("tensor {name:?} ends at {end}, past the {data_len} bytes of data"),
                Some(name.clone()),
            ));
        }
        expected_start = expected_start.max(*end);
    }
    if expected_start < data_len {
        ir.problems.push((
            Problem::Layout,
            format!(
                "{} bytes after the last tensor are not described by the header",
                data_len - expected_start
            ),
            None,
        ));
    }
    ir
}

/// Scans a safetensors file.
pub fn scan(blob: &dyn Blob, ctx: &mut Ctx<'_>) -> Format {
    let ir = validate(blob);
    rules::run_safetensors(&ir, ctx);
    Format::Safetensors
}
