//! A tiny, bounded protobuf wire-format walker over a [`Blob`].
//!
//! # Why not prost / rust-protobuf?
//!
//! Generated decoders need the whole message in memory (`&[u8]` / `Buf`) and decode
//! every field, including `bytes` fields, into owned values. An ONNX model is one
//! `ModelProto` message that can be several gigabytes, almost all of it tensor payload
//! (`TensorProto.raw_data`); a TensorFlow graph keeps its constants inside
//! `NodeDef.attr`. A scanner needs none of those bytes. This walker yields fields one
//! at a time as `(field_number, WireValue)`; a length-delimited value is reported as an
//! `(offset, len)` range and the caller chooses to read it (a name), descend into it
//! (a sub-message) or skip it (a tensor payload) — skipping is just moving the cursor,
//! so the payload is never read. All reads are positional and go through a 64 KiB
//! window, so walking many small fields does not issue one read per byte.
//!
//! # Hostile input
//!
//! Everything is bounded: group wire types (3/4) and the reserved 6/7 are rejected,
//! varints longer than 10 bytes (or overflowing 64 bits) are rejected, field number 0
//! is rejected, a length that runs past the end of its enclosing message is rejected,
//! descent depth is capped ([`ProtoLimits::max_depth`]), the total number of fields
//! visited is capped ([`ProtoLimits::max_fields`]), every string read is capped
//! ([`ProtoLimits::max_string`], and [`MAX_OP_LEN`] for op types), and the total number
//! of string bytes a parser may keep is capped ([`MAX_TOTAL_STRING_BYTES`]). No
//! arithmetic on input values can overflow (checked/saturating everywhere) and no
//! indexing can panic.

use std::fmt;

use crate::blob::Blob;

/// Size of the read window.
pub const WINDOW: usize = 64 * 1024;

/// Cap on op-type / op-name strings (they are identifiers; anything longer is hostile).
pub const MAX_OP_LEN: usize = 64 * 1024;

/// Cap on the total bytes of strings a single parse may keep (names, paths, ...), so
/// that output memory stays bounded even when many fields repeat long names.
pub const MAX_TOTAL_STRING_BYTES: u64 = 256 * 1024 * 1024;

/// A malformed or over-limit input, with the byte offset where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtoError {
    /// Byte offset in the blob.
    pub offset: u64,
    /// What was wrong.
    pub message: String,
}

impl ProtoError {
    /// Builds an error.
    pub fn new(offset: u64, message: impl Into<String>) -> Self {
        ProtoError {
            offset,
            message: message.into(),
        }
    }
}

impl fmt::Display for ProtoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.message, self.offset)
    }
}

impl std::error::Error for ProtoError {}

/// Resource limits for one parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtoLimits {
    /// Maximum sub-message nesting (the top-level message is depth 0).
    pub max_depth: usize,
    /// Maximum number of fields visited over the whole parse.
    pub max_fields: u64,
    /// Maximum length of any single string read (names, producers, tags).
    pub max_string: usize,
}

impl Default for ProtoLimits {
    fn default() -> Self {
        ProtoLimits {
            max_depth: 64,
            max_fields: 50_000_000,
            max_string: 1024 * 1024,
        }
    }
}

/// One field's value, as found on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WireValue {
    /// Wire type 0.
    Varint(u64),
    /// Wire type 1 (little-endian).
    Fixed64(u64),
    /// Wire type 5 (little-endian).
    Fixed32(u32),
    /// Wire type 2: the value's bytes are `[offset, offset + len)`; not read.
    Len {
        /// Absolute offset of the first value byte.
        offset: u64,
        /// Number of value bytes.
        len: u64,
    },
}

impl WireValue {
    /// Human-readable wire type name, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            WireValue::Varint(_) => "varint",
            WireValue::Fixed64(_) => "fixed64",
            WireValue::Fixed32(_) => "fixed32",
            WireValue::Len { .. } => "length-delimited",
        }
    }
}

/// The shared state of one parse: the blob, the read window and the budgets.
pub struct Source<'a> {
    blob: &'a dyn Blob,
    blob_len: u64,
    limits: ProtoLimits,
    window: Vec<u8>,
    window_start: u64,
    fields: u64,
    string_bytes: u64,
    bytes_read: u64,
}

impl<'a> Source<'a> {
    /// Starts a parse of `blob` under `limits`.
    pub fn new(blob: &'a dyn Blob, limits: &ProtoLimits) -> Self {
        Source {
            blob,
            blob_len: blob.len(),
            limits: limits.clone(),
            window: Vec::new(),
            window_start: 0,
            fields: 0,
            string_bytes: 0,
            bytes_read: 0,
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> &ProtoLimits {
        &self.limits
    }

    /// Length of the underlying blob.
    pub fn blob_len(&self) -> u64 {
        self.blob_len
    }

    /// Bytes this source has read from the blob so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// A reader over the whole blob (depth 0).
    pub fn root(&self) -> MessageReader {
        MessageReader {
            pos: 0,
            end: self.blob_len,
            depth: 0,
            last_tag: 0,
        }
    }

    /// A reader over `[start, end)` at depth 0; `end` is clamped to the blob.
    pub fn range(&self, start: u64, end: u64) -> MessageReader {
        let end = end.min(self.blob_len);
        MessageReader {
            pos: start.min(end),
            end,
            depth: 0,
            last_tag: start,
        }
    }

    /// Charges `n` bytes against the total output-string budget.
    pub fn charge(&mut self, n: u64, offset: u64) -> Result<(), ProtoError> {
        self.string_bytes = self.string_bytes.saturating_add(n);
        if self.string_bytes > MAX_TOTAL_STRING_BYTES {
            return Err(ProtoError::new(
                offset,
                format!("more than {MAX_TOTAL_STRING_BYTES} bytes of strings extracted"),
            ));
        }
        Ok(())
    }

    fn in_window(&self, pos: u64) -> Option<usize> {
        let rel = pos.checked_sub(self.window_start)?;
        let rel = usize::try_from(rel).ok()?;
        (rel < self.window.len()).then_some(rel)
    }

    /// Loads the window so that it starts at `pos` (clamped to the blob end).
    fn refill(&mut self, pos: u64) -> Result<(), ProtoError> {
        let available = self.blob_len.saturating_sub(pos);
        let n = usize::try_from(available).unwrap_or(usize::MAX).min(WINDOW);
        if n == 0 {
            return Err(ProtoError::new(pos, "unexpected end of data"));
        }
        self.window.resize(n, 0);
        self.window_start = pos;
        if let Err(e) = self.blob.read_exact_at(pos, &mut self.window) {
            self.window.clear();
            return Err(ProtoError::new(pos, format!("read error: {e}")));
        }
        self.bytes_read = self.bytes_read.saturating_add(n as u64);
        Ok(())
    }

    fn byte(&mut self, pos: u64) -> Result<u8, ProtoError> {
        if self.in_window(pos).is_none() {
            self.refill(pos)?;
        }
        self.in_window(pos)
            .and_then(|i| self.window.get(i).copied())
            .ok_or_else(|| ProtoError::new(pos, "unexpected end of data"))
    }

    /// Reads the bytes of a length-delimited value, refusing more than `max` bytes.
    pub fn read_bytes(&mut self, offset: u64, len: u64, max: usize) -> Result<Vec<u8>, ProtoError> {
        let n = usize::try_from(len)
            .ok()
            .filter(|&n| n <= max)
            .ok_or_else(|| {
                ProtoError::new(offset, format!("string of {len} bytes exceeds limit {max}"))
            })?;
        if n == 0 {
            return Ok(Vec::new());
        }
        let end = offset
            .checked_add(len)
            .filter(|&e| e <= self.blob_len)
            .ok_or_else(|| ProtoError::new(offset, "string runs past end of data"))?;
        if n <= WINDOW {
            if self.in_window(offset).is_none() || self.in_window(end - 1).is_none() {
                self.refill(offset)?;
            }
            if let Some(start) = self.in_window(offset) {
                if let Some(bytes) = self.window.get(start..start.saturating_add(n)) {
                    return Ok(bytes.to_vec());
                }
            }
            return Err(ProtoError::new(offset, "unexpected end of data"));
        }
        let v = self
            .blob
            .read_vec(offset, n)
            .map_err(|e| ProtoError::new(offset, format!("read error: {e}")))?;
        self.bytes_read = self.bytes_read.saturating_add(v.len() as u64);
        if v.len() != n {
            return Err(ProtoError::new(offset, "unexpected end of data"));
        }
        Ok(v)
    }

    /// The UTF-8 string in length-delimited `field` of message `msg` (read at `at`),
    /// within the string limit.
    pub fn string_field(
        &mut self,
        field: u32,
        value: WireValue,
        at: u64,
        msg: &str,
    ) -> Result<String, ProtoError> {
        let (offset, len) = expect_len(field, value, at, msg)?;
        let max = self.limits().max_string;
        self.read_string(offset, len, max)
    }

    /// Reads a UTF-8 string of at most `max` bytes, charging it to the string budget.
    pub fn read_string(&mut self, offset: u64, len: u64, max: usize) -> Result<String, ProtoError> {
        let bytes = self.read_bytes(offset, len, max)?;
        self.charge(len, offset)?;
        String::from_utf8(bytes).map_err(|_| ProtoError::new(offset, "string is not valid UTF-8"))
    }
}

/// A cursor over one message's byte range `[pos, end)`.
#[derive(Debug, Clone)]
pub struct MessageReader {
    pos: u64,
    end: u64,
    depth: usize,
    last_tag: u64,
}

impl MessageReader {
    /// Nesting depth of this message (0 for the top level).
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// Offset of the tag of the field most recently returned (for error messages).
    pub fn field_offset(&self) -> u64 {
        self.last_tag
    }

    /// Current position.
    pub fn position(&self) -> u64 {
        self.pos
    }

    /// End of this message's range.
    pub fn end(&self) -> u64 {
        self.end
    }

    /// A reader for the sub-message stored in a length-delimited value of this message.
    /// Fails past [`ProtoLimits::max_depth`].
    pub fn descend(
        &self,
        src: &Source<'_>,
        offset: u64,
        len: u64,
    ) -> Result<MessageReader, ProtoError> {
        let depth = self.depth.saturating_add(1);
        if depth > src.limits.max_depth {
            return Err(ProtoError::new(
                offset,
                format!("message nesting deeper than {}", src.limits.max_depth),
            ));
        }
        let end = offset
            .checked_add(len)
            .filter(|&e| e <= self.end)
            .ok_or_else(|| ProtoError::new(offset, "sub-message runs past its parent"))?;
        Ok(MessageReader {
            pos: offset,
            end,
            depth,
            last_tag: offset,
        })
    }

    fn varint(&mut self, src: &mut Source<'_>) -> Result<u64, ProtoError> {
        let start = self.pos;
        let mut value = 0u64;
        for i in 0..10u32 {
            if self.pos >= self.end {
                return Err(ProtoError::new(start, "truncated varint"));
            }
            let b = src.byte(self.pos)?;
            self.pos += 1;
            if i == 9 && b > 1 {
                return Err(ProtoError::new(
                    start,
                    "varint longer than 10 bytes or overflowing",
                ));
            }
            value |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(ProtoError::new(start, "varint longer than 10 bytes"))
    }

    fn fixed(&mut self, src: &mut Source<'_>, n: u32) -> Result<u64, ProtoError> {
        let start = self.pos;
        let mut value = 0u64;
        for i in 0..n {
            if self.pos >= self.end {
                return Err(ProtoError::new(start, "truncated fixed-width value"));
            }
            let b = src.byte(self.pos)?;
            self.pos += 1;
            value |= u64::from(b) << (8 * i);
        }
        Ok(value)
    }

    /// The next field, or `None` at the end of the message. A length-delimited value is
    /// skipped over (not read); the caller gets its range.
    pub fn next_field(
        &mut self,
        src: &mut Source<'_>,
    ) -> Result<Option<(u32, WireValue)>, ProtoError> {
        if self.pos >= self.end {
            return Ok(None);
        }
        self.last_tag = self.pos;
        src.fields = src.fields.saturating_add(1);
        if src.fields > src.limits.max_fields {
            return Err(ProtoError::new(
                self.pos,
                format!("more than {} fields", src.limits.max_fields),
            ));
        }
        let tag_at = self.pos;
        let tag = self.varint(src)?;
        let number = tag >> 3;
        if number == 0 {
            return Err(ProtoError::new(tag_at, "field number 0"));
        }
        let number = u32::try_from(number)
            .ok()
            .filter(|&n| n <= 0x1fff_ffff)
            .ok_or_else(|| ProtoError::new(tag_at, "field number out of range"))?;
        let value = match tag & 7 {
            0 => WireValue::Varint(self.varint(src)?),
            1 => WireValue::Fixed64(self.fixed(src, 8)?),
            5 => WireValue::Fixed32(self.fixed(src, 4)? as u32),
            2 => {
                let len_at = self.pos;
                let len = self.varint(src)?;
                let offset = self.pos;
                let end = offset
                    .checked_add(len)
                    .filter(|&e| e <= self.end)
                    .ok_or_else(|| {
                        ProtoError::new(len_at, format!("length {len} runs past end of message"))
                    })?;
                self.pos = end;
                WireValue::Len { offset, len }
            }
            3 | 4 => return Err(ProtoError::new(tag_at, "group wire type not supported")),
            w => return Err(ProtoError::new(tag_at, format!("invalid wire type {w}"))),
        };
        Ok(Some((number, value)))
    }
}

/// Requires a length-delimited value; returns `(offset, len)`.
pub fn expect_len(
    field: u32,
    value: WireValue,
    at: u64,
    msg: &str,
) -> Result<(u64, u64), ProtoError> {
    match value {
        WireValue::Len { offset, len } => Ok((offset, len)),
        other => Err(ProtoError::new(
            at,
            format!(
                "{msg} field {field}: expected length-delimited, found {}",
                other.kind()
            ),
        )),
    }
}

/// Requires a varint value.
pub fn expect_varint(field: u32, value: WireValue, at: u64, msg: &str) -> Result<u64, ProtoError> {
    match value {
        WireValue::Varint(v) => Ok(v),
        other => Err(ProtoError::new(
            at,
            format!(
                "{msg} field {field}: expected varint, found {}",
                other.kind()
            ),
        )),
    }
}

/// Requires a specific non-length wire type, or (for packed repeated scalars) allows
/// length-delimited too.
pub fn expect_scalar(
    field: u32,
    value: WireValue,
    at: u64,
    msg: &str,
    want: fn(&WireValue) -> bool,
    packable: bool,
) -> Result<(), ProtoError> {
    if want(&value) || (packable && matches!(value, WireValue::Len { .. })) {
        Ok(())
    } else {
        Err(ProtoError::new(
            at,
            format!("{msg} field {field}: unexpected wire type {}", value.kind()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(bytes: &[u8]) -> Result<Vec<(u32, WireValue)>, ProtoError> {
        let blob = bytes.to_vec();
        let mut src = Source::new(&blob, &ProtoLimits::default());
        let mut r = src.root();
        let mut out = Vec::new();
        while let Some(f) = r.next_field(&mut src)? {
            out.push(f);
        }
        Ok(out)
    }

    #[test]
    fn basic_fields() {
        let f = walk(&[
            0x08, 0x96, 0x01, 0x12, 0x02, b'h', b'i', 0x1d, 1, 0, 0, 0, 0x21, 2, 0, 0, 0, 0, 0, 0,
            0,
        ])
        .unwrap();
        assert_eq!(
            f,
            vec![
                (1, WireValue::Varint(150)),
                (2, WireValue::Len { offset: 5, len: 2 }),
                (3, WireValue::Fixed32(1)),
                (4, WireValue::Fixed64(2)),
            ]
        );
    }

    #[test]
    fn rejects_malformed() {
        assert!(walk(&[0x0b]).is_err()); // group start
        assert!(walk(&[0x0c]).is_err()); // group end
        assert!(walk(&[0x0e]).is_err()); // wire type 6
        assert!(walk(&[0x0f]).is_err()); // wire type 7
        assert!(walk(&[0x00, 0x00]).is_err()); // field 0
        assert!(
            walk(&[0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])
                .is_err()
        );
        assert!(walk(&[0x12, 0x05, b'a']).is_err()); // length past end
                                                     // length 2^62
        assert!(walk(&[0x12, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40]).is_err());
        assert!(walk(&[0x08]).is_err()); // truncated varint
    }

    #[test]
    fn field_cap() {
        let blob = [0x08u8, 0x01].repeat(100);
        let limits = ProtoLimits {
            max_fields: 10,
            ..ProtoLimits::default()
        };
        let mut src = Source::new(&blob, &limits);
        let mut r = src.root();
        let mut n = 0;
        let err = loop {
            match r.next_field(&mut src) {
                Ok(Some(_)) => n += 1,
                Ok(None) => panic!("cap not enforced"),
                Err(e) => break e,
            }
        };
        assert_eq!(n, 10);
        assert!(err.message.contains("fields"));
    }

    #[test]
    fn window_spans_many_reads() {
        // 100k small fields: the walker must cross window boundaries correctly.
        let blob = [0x08u8, 0x7f].repeat(100_000);
        let mut src = Source::new(&blob, &ProtoLimits::default());
        let mut r = src.root();
        let mut n = 0;
        while let Some((f, v)) = r.next_field(&mut src).unwrap() {
            assert_eq!((f, v), (1, WireValue::Varint(127)));
            n += 1;
        }
        assert_eq!(n, 100_000);
        assert_eq!(src.bytes_read(), 200_000);
    }
}
