//! NumPy `.npy`: a magic string, a version, a header that is a Python dict literal
//! (`{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }`), then the data. Arrays
//! of object dtype store their data as a pickle, which `numpy.load(allow_pickle=True)`
//! unpickles.

use crate::blob::Blob;
use crate::context::Ctx;
use crate::engine;
use crate::format::Format;
use crate::formats::pylit::{self, Lit};
use crate::rules::{npy001_object_array as npy001, scn001_malformed_file as scn001};

/// The `.npy` magic.
pub const MAGIC: &[u8] = b"\x93NUMPY";
/// Largest header NumPy itself accepts by default.
const MAX_HEADER: u64 = 1024 * 1024;

/// A parsed `.npy` header.
#[derive(Debug)]
pub struct NpyHeader {
    /// The `descr` entry.
    pub descr: Lit,
    /// Whether the dtype holds Python objects (data is a pickle).
    pub has_object: bool,
    /// Offset of the data.
    pub data_offset: u64,
}

/// Parses the header.
pub fn parse_header(blob: &dyn Blob) -> Result<NpyHeader, String> {
    let fixed = blob.read_vec(0, 12).map_err(|e| e.to_string())?;
    let (Some(&major), Some(_minor)) = (fixed.get(6), fixed.get(7)) else {
        return Err("truncated .npy preamble".into());
    };
    let (len, start) = match major {
        1 => (
            u64::from(u16::from_le_bytes([
                fixed.get(8).copied().unwrap_or(0),
                fixed.get(9).copied().unwrap_or(0),
            ])),
            10u64,
        ),
        2 | 3 => {
            let b = fixed.get(8..12).ok_or("truncated .npy preamble")?;
            (
                u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])),
                12u64,
            )
        }
        other => return Err(format!("unsupported .npy format version {other}")),
    };
    if len > MAX_HEADER {
        return Err(format!(
            "header of {len} bytes exceeds the {MAX_HEADER}-byte cap"
        ));
    }
    if start + len > blob.len() {
        return Err("header runs past the end of the file".into());
    }
    let raw = blob
        .read_vec(start, len as usize)
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8(raw).map_err(|_| "header is not text".to_string())?;
    let lit = pylit::parse(text.trim_end_matches(['\n', ' ', '\0']))
        .map_err(|e| format!("header is not a Python literal: {e}"))?;
    let Lit::Dict(entries) = &lit else {
        return Err("header is not a dict".into());
    };
    let get = |key: &str| {
        entries
            .iter()
            .find(|(k, _)| matches!(k, Lit::Str(s) if s == key))
            .map(|(_, v)| v)
    };
    let descr = get("descr").ok_or("header has no 'descr'")?.clone();
    let shape = get("shape").ok_or("header has no 'shape'")?;
    if !matches!(shape, Lit::Tuple(dims) if dims.iter().all(|d| matches!(d, Lit::Int(n) if *n >= 0)))
    {
        return Err("'shape' is not a tuple of non-negative integers".into());
    }
    if !matches!(get("fortran_order"), Some(Lit::Bool(_))) {
        return Err("'fortran_order' is not a bool".into());
    }
    Ok(NpyHeader {
        has_object: descr_has_object(&descr),
        descr,
        data_offset: start + len,
    })
}

/// True when a dtype description contains an object field (`'|O'`, `[('a', 'O')]`).
fn descr_has_object(descr: &Lit) -> bool {
    match descr {
        Lit::Str(s) => s.trim_start_matches(['<', '>', '|', '=']).starts_with('O'),
        Lit::List(items) | Lit::Tuple(items) => items.iter().any(descr_has_object),
        _ => false,
    }
}

/// Scans a `.npy` file.
pub fn scan(blob: &dyn Blob, ctx: &mut Ctx<'_>) -> Format {
    let header = match parse_header(blob) {
        Ok(h) => h,
        Err(e) => {
            ctx.report(
                &scn001::RULE,
                format!(".npy file is malformed: {e}"),
                None,
                None,
            );
            ctx.mark_incomplete();
            return Format::NumpyNpy;
        }
    };
    if header.has_object {
        ctx.report(
            &npy001::RULE,
            format!(
                "array of dtype {} stores Python objects as a pickle; loading needs allow_pickle=True",
                header.descr
            ),
            Some(header.data_offset),
            None,
        );
        if engine::scan_pickle_data(blob, header.data_offset, ctx).is_none() {
            ctx.report(
                &scn001::RULE,
                "object array data is not a valid pickle",
                Some(header.data_offset),
                None,
            );
            ctx.mark_incomplete();
        }
    }
    Format::NumpyNpy
}
