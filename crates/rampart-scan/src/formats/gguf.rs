//! GGUF (llama.cpp): a header, typed key-value metadata, tensor descriptions, data.
//! The metadata's `tokenizer.chat_template` is a Jinja template that some runtimes
//! render with a full Python Jinja environment, so a template that reaches Python
//! internals is code execution (CVE-2024-34359). Everything is bounded: counts, string
//! lengths and array sizes are checked against the file before any allocation, and
//! only chat templates are kept in memory.

use crate::blob::{Blob, Cursor};
use crate::context::Ctx;
use crate::format::Format;
use crate::formats::template::TemplateIr;
use crate::rules::{self, scn001_malformed_file as scn001, scn002_resource_limit as scn002};

/// The GGUF magic.
pub const MAGIC: &[u8] = b"GGUF";
const MAX_ARRAY_NESTING: usize = 4;
const MAX_DIMS: u32 = 8;

/// What the parser keeps.
#[derive(Debug, Default)]
pub struct GgufIr {
    /// Format version.
    pub version: u32,
    /// Number of metadata entries.
    pub metadata: u64,
    /// Number of tensors.
    pub tensors: u64,
    /// Chat templates: key and text.
    pub templates: Vec<(String, String)>,
}

struct Reader<'a> {
    cur: Cursor<'a>,
    big_endian: bool,
    version: u32,
}

type R<T> = Result<T, String>;

impl Reader<'_> {
    fn u32(&mut self) -> R<u32> {
        let v = self.cur.u32_le().map_err(|e| e.to_string())?;
        Ok(if self.big_endian { v.swap_bytes() } else { v })
    }

    fn u64(&mut self) -> R<u64> {
        let v = self.cur.u64_le().map_err(|e| e.to_string())?;
        Ok(if self.big_endian { v.swap_bytes() } else { v })
    }

    fn len(&mut self) -> R<u64> {
        if self.version == 1 {
            self.u32().map(u64::from)
        } else {
            self.u64()
        }
    }

    fn skip(&mut self, n: u64) -> R<()> {
        self.cur.skip(n).map_err(|e| e.to_string())
    }

    /// Reads a string when it fits in `keep` bytes, else skips it.
    fn string(&mut self, keep: u64) -> R<Option<String>> {
        let at = self.cur.pos();
        let n = self.len()?;
        if n > self.cur.remaining() {
            return Err(format!(
                "string of {n} bytes at offset {at} runs past the end of the file"
            ));
        }
        if n > keep {
            self.skip(n)?;
            return Ok(None);
        }
        let bytes = self.cur.take(n as usize).map_err(|e| e.to_string())?;
        Ok(Some(String::from_utf8_lossy(bytes).into_owned()))
    }

    fn scalar_size(ty: u32) -> Option<u64> {
        Some(match ty {
            0 | 1 | 7 => 1,
            2 | 3 => 2,
            4..=6 => 4,
            10..=12 => 8,
            _ => return None,
        })
    }

    fn skip_value(&mut self, ty: u32, depth: usize, limit: u64) -> R<()> {
        if let Some(size) = Self::scalar_size(ty) {
            return self.skip(size);
        }
        match ty {
            8 => self.string(0).map(|_| ()),
            9 => {
                if depth >= MAX_ARRAY_NESTING {
                    return Err("arrays nested too deeply".into());
                }
                let elem = self.u32()?;
                let count = self.len()?;
                if let Some(size) = Self::scalar_size(elem) {
                    let bytes = count.checked_mul(size).ok_or("array size overflows")?;
                    return self.skip(bytes);
                }
                if count > limit || count > self.cur.remaining() {
                    return Err(format!(
                        "array of {count} elements is larger than the file allows"
                    ));
                }
                for _ in 0..count {
                    self.skip_value(elem, depth + 1, limit)?;
                }
                Ok(())
            }
            other => Err(format!("unknown metadata value type {other}")),
        }
    }
}

/// Parses the header and metadata into `ir`; on error, `ir` holds what was read before.
pub fn parse(blob: &dyn Blob, table_limit: u64, keep: u64, ir: &mut GgufIr) -> Result<(), String> {
    let mut r = Reader {
        cur: Cursor::new(blob, 4),
        big_endian: false,
        version: 0,
    };
    let raw_version = r.u32()?;
    let (version, big_endian) = match raw_version {
        1..=3 => (raw_version, false),
        v if (1..=3).contains(&v.swap_bytes()) => (v.swap_bytes(), true),
        v => return Err(format!("unsupported GGUF version {v}")),
    };
    r.big_endian = big_endian;
    r.version = version;
    let tensors = r.len()?;
    let metadata = r.len()?;
    if metadata > table_limit || tensors > table_limit {
        return Err(format!(
            "{metadata} metadata entries and {tensors} tensors exceed the cap of {table_limit}"
        ));
    }
    ir.version = version;
    ir.metadata = metadata;
    ir.tensors = tensors;
    for _ in 0..metadata {
        let Some(key) = r.string(64 * 1024)? else {
            return Err("metadata key longer than 64 KiB".into());
        };
        let ty = r.u32()?;
        if ty == 8
            && (key == "tokenizer.chat_template" || key.starts_with("tokenizer.chat_template."))
        {
            match r.string(keep)? {
                Some(text) => ir.templates.push((key, text)),
                None => return Err(format!("chat template {key:?} is larger than {keep} bytes")),
            }
        } else {
            r.skip_value(ty, 0, table_limit)?;
        }
    }
    for _ in 0..tensors {
        r.string(0)?;
        let dims = r.u32()?;
        if dims > MAX_DIMS {
            return Err(format!("tensor with {dims} dimensions"));
        }
        r.skip(u64::from(dims) * 8 + 4 + 8)?;
    }
    Ok(())
}

/// Scans a GGUF file.
pub fn scan(blob: &dyn Blob, ctx: &mut Ctx<'_>) -> Format {
    let mut ir = GgufIr::default();
    let result = parse(
        blob,
        ctx.limits.table_entries,
        ctx.limits.document_bytes,
        &mut ir,
    );
    let templates = TemplateIr::from_templates(ir.templates);
    rules::run_template(&templates, ctx);
    match result {
        Ok(()) => {}
        Err(e)
            if e.contains("exceed the cap")
                || e.contains("larger than") && e.contains("chat template") =>
        {
            ctx.report(
                &scn002::RULE,
                format!("GGUF metadata not judged: {e}"),
                None,
                None,
            );
            ctx.mark_incomplete();
        }
        Err(e) => {
            ctx.report(
                &scn001::RULE,
                format!("GGUF file is malformed: {e}"),
                None,
                None,
            );
            ctx.mark_incomplete();
        }
    }
    Format::Gguf
}
