//! Tar archives (ustar, GNU and PAX), read by header walking so that member data is
//! never read unless a member is scanned, plus PyTorch's oldest checkpoint format: a
//! tar with members `sys_info`, `pickle`, `storages` and `tensors`, where `storages`
//! and `tensors` interleave pickles with raw bytes.
//!
//! Written by hand rather than with the `tar` crate because scanning needs positional
//! access (member windows over the file, no sequential copy of tensor data) and the
//! tolerant handling of damaged headers that the rules report.

use crate::blob::{Blob, Cursor, SubBlob};
use crate::context::Ctx;
use crate::engine;
use crate::format::Format;
use crate::formats::pickle::{self, torch_storage_element_size, PickleIr, V};
use crate::formats::zip::{Archive, Entry};
use crate::rules::{self, scn001_malformed_file as scn001, scn002_resource_limit as scn002};

const BLOCK: u64 = 512;
/// Longest long-name or PAX record read.
const MAX_EXTENDED_HEADER: u64 = 1024 * 1024;

/// True when the head has the ustar magic at offset 257.
pub fn looks_like_tar(head: &[u8]) -> bool {
    matches!(head.get(257..262), Some(b"ustar"))
}

fn octal(field: &[u8]) -> Option<u64> {
    if field.first().is_some_and(|b| b & 0x80 != 0) {
        // GNU base-256: big-endian binary in the remaining bytes.
        let mut v: u64 = 0;
        for &b in field.get(1..)? {
            v = v.checked_mul(256)?.checked_add(u64::from(b))?;
        }
        return Some(v);
    }
    let text = std::str::from_utf8(field).ok()?;
    let digits = text.trim_matches(|c: char| c == '\0' || c == ' ');
    if digits.is_empty() {
        return Some(0);
    }
    u64::from_str_radix(digits, 8).ok()
}

fn cstr(field: &[u8]) -> String {
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    String::from_utf8_lossy(field.get(..end).unwrap_or_default()).into_owned()
}

/// Reads the member list: names with data offsets and sizes.
pub fn read_entries(blob: &dyn Blob, ctx: &mut Ctx<'_>) -> Result<Archive, String> {
    let mut archive = Archive::default();
    let mut pos = 0u64;
    let mut long_name: Option<String> = None;
    while pos + BLOCK <= blob.len() {
        let header = blob
            .read_vec(pos, BLOCK as usize)
            .map_err(|e| e.to_string())?;
        if header.iter().all(|&b| b == 0) {
            break;
        }
        let stored_sum = header
            .get(148..156)
            .and_then(octal)
            .ok_or("bad header checksum field")?;
        let computed: u64 = header
            .iter()
            .enumerate()
            .map(|(i, &b)| {
                if (148..156).contains(&i) {
                    32
                } else {
                    u64::from(b)
                }
            })
            .sum();
        if stored_sum != computed {
            return Err(format!("tar header at offset {pos} has a bad checksum"));
        }
        let size = header
            .get(124..136)
            .and_then(octal)
            .ok_or("bad size field")?;
        let kind = header.get(156).copied().unwrap_or(0);
        let data_start = pos + BLOCK;
        let padded = size.checked_add(BLOCK - 1).ok_or("size overflows")? / BLOCK * BLOCK;
        let next = data_start.checked_add(padded).ok_or("size overflows")?;
        if data_start + size > blob.len() {
            return Err(format!(
                "member at offset {pos} runs past the end of the archive"
            ));
        }
        let mut name = cstr(header.get(0..100).unwrap_or_default());
        let prefix = cstr(header.get(345..500).unwrap_or_default());
        if !prefix.is_empty() && header.get(257..262) == Some(b"ustar") {
            name = format!("{prefix}/{name}");
        }
        match kind {
            b'L' | b'x' | b'g' => {
                if size > MAX_EXTENDED_HEADER {
                    return Err(format!("extended header of {size} bytes exceeds the cap"));
                }
                let data = blob
                    .read_vec(data_start, size as usize)
                    .map_err(|e| e.to_string())?;
                if kind == b'L' {
                    long_name = Some(cstr(&data));
                } else if kind == b'x' {
                    long_name = pax_path(&data).or(long_name);
                }
            }
            _ => {
                if archive.entries.len() >= ctx.limits.archive_members {
                    archive.truncated_at_cap = true;
                    break;
                }
                let name = long_name.take().unwrap_or(name);
                let is_file = matches!(kind, b'0' | 0 | b'7');
                archive.entries.push(Entry {
                    name: if is_file || name.ends_with('/') {
                        name
                    } else {
                        format!("{name}/")
                    },
                    local_name: None,
                    flags: 0,
                    local_flags: None,
                    method: 0,
                    compressed: if is_file { size } else { 0 },
                    uncompressed: if is_file { size } else { 0 },
                    data_start: Some(data_start),
                    local_error: None,
                });
            }
        }
        pos = next;
    }
    Ok(archive)
}

fn pax_path(data: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(data);
    for record in text.split('\n') {
        let (_, kv) = record.split_once(' ')?;
        if let Some(path) = kv.strip_prefix("path=") {
            return Some(path.to_string());
        }
    }
    None
}

/// Scans a tar archive.
pub fn scan(blob: &dyn Blob, ctx: &mut Ctx<'_>) -> Format {
    let archive = match read_entries(blob, ctx) {
        Ok(a) => a,
        Err(e) => {
            ctx.report(
                &scn001::RULE,
                format!("tar archive cannot be read: {e}"),
                None,
                None,
            );
            ctx.mark_incomplete();
            return Format::Tar;
        }
    };
    if archive.truncated_at_cap {
        ctx.report(
            &scn002::RULE,
            "tar archive has too many members; the rest were not judged",
            None,
            None,
        );
        ctx.mark_incomplete();
    }
    rules::run_archive(&archive, ctx);
    let has = |n: &str| archive.entries.iter().any(|e| e.name == n);
    let legacy = has("pickle") && has("storages") && has("sys_info");
    if ctx.nesting_exhausted(&scn002::RULE, "archive") {
        return if legacy {
            Format::PytorchLegacyTar
        } else {
            Format::Tar
        };
    }
    for entry in archive.entries.iter().filter(|e| !e.is_dir()) {
        let Some(start) = entry.data_start else {
            continue;
        };
        let member = SubBlob::new(blob, start, entry.uncompressed);
        ctx.in_member(&entry.name, |ctx| {
            if legacy && (entry.name == "storages" || entry.name == "tensors") {
                let mut ir = PickleIr::with_allow(ctx.allow);
                walk_legacy_member(&member, &entry.name, &mut ir, ctx);
                engine::judge_pickle(&ir, ctx);
            } else {
                let format = engine::scan_blob(&member, &entry.name, ctx);
                if legacy
                    && matches!(format, Format::Unknown | Format::Empty)
                    && (entry.name == "pickle" || entry.name == "sys_info")
                {
                    ctx.report(
                        &scn001::RULE,
                        "legacy checkpoint member is not a pickle",
                        None,
                        None,
                    );
                    ctx.mark_incomplete();
                }
            }
        });
    }
    if legacy {
        Format::PytorchLegacyTar
    } else {
        Format::Tar
    }
}

/// Walks `storages` (count; per storage a pickled `(key, location, storage_type)` then
/// an 8-byte element count and the elements; then a pickled list of views) or
/// `tensors` (count; per tensor a pickled `(key, storage_id, tensor_type)`, a 4-byte
/// `ndim`, 4 padding bytes, `ndim` sizes and strides of 8 bytes, an 8-byte offset).
fn walk_legacy_member(member: &dyn Blob, name: &str, ir: &mut PickleIr, ctx: &mut Ctx<'_>) {
    let mut cur = Cursor::new(member, 0);
    let Some(count) = pickle::run_one_stream(&mut cur, ir, ctx.limits) else {
        return;
    };
    let Some(count) = count.as_int().and_then(|n| u64::try_from(n).ok()) else {
        ctx.report(
            &scn001::RULE,
            format!("legacy `{name}` member does not start with a count"),
            None,
            None,
        );
        ctx.mark_incomplete();
        return;
    };
    for _ in 0..count {
        let at = cur.pos();
        let Some(record) = pickle::run_one_stream(&mut cur, ir, ctx.limits) else {
            return;
        };
        let walked = if name == "storages" {
            let elem = record
                .items()
                .and_then(|items| items.get(2))
                .and_then(|ty| match ty {
                    V::Global(i) => ir
                        .globals
                        .get(*i)
                        .and_then(|g| torch_storage_element_size(&g.name)),
                    _ => None,
                });
            elem.and_then(|elem| {
                let n = cur.u64_le().ok()?;
                cur.skip(n.checked_mul(elem)?).ok()
            })
        } else {
            cur.u32_le().ok().and_then(|ndim| {
                cur.skip(4).ok()?;
                cur.skip(u64::from(ndim).checked_mul(16)?.checked_add(8)?)
                    .ok()
            })
        };
        if walked.is_none() {
            ctx.report(
                &scn001::RULE,
                format!(
                    "legacy `{name}` record is malformed; the rest of the member was not judged"
                ),
                Some(at),
                None,
            );
            ctx.mark_incomplete();
            return;
        }
    }
    if name == "storages" && !cur.at_end() {
        pickle::run_one_stream(&mut cur, ir, ctx.limits);
    }
}
