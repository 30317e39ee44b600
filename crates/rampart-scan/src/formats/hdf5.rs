//! Bounded, read-only reader for the **root group attributes** of an HDF5 file.
//!
//! Keras' legacy `.h5` format stores the model architecture as root attributes:
//! `model_config` (JSON text), `training_config`, `keras_version` and `backend`.
//! Keras writes `json.dumps(cfg).encode("utf8")` (a fixed-length string); h5py
//! writes a Python `str` as a variable-length UTF-8 string kept in the global
//! heap. This module extracts attribute names and, for string-typed attributes,
//! their text. It never reads datasets and never interprets anything.
//!
//! # Why hand-written
//! The `hdf5` / `hdf5-metno` crates bind libhdf5, a large C parser with a long
//! CVE history (heap overflows, infinite loops and null dereferences on crafted
//! files) — the opposite of what a scanner of hostile files wants. There is no
//! maintained pure-Rust reader. Reading root attributes needs only a small,
//! well-specified subset of the format, implemented here with every length and
//! count checked before use, no recursion, no `unsafe`, and no panicking
//! indexing.
//!
//! # Format subset (HDF5 File Format Specification Version 3.0)
//! * II.A "Disk Format: Level 0A – Format Signature and Superblock": versions
//!   0 and 1 (root group symbol table entry, III.C "Symbol Table Entry"), 2 and 3
//!   (root object header address). Sizes of offsets / lengths must be 4 or 8.
//! * IV.A.1.a "Version 1 Data Object Header Prefix" and IV.A.1.b "Version 2
//!   Data Object Header Prefix" (including "OCHK" continuation blocks).
//! * IV.A.2.m "Attribute Message" (versions 1–3), IV.A.2.d "Datatype Message"
//!   (class 3 string, class 9 variable-length), IV.A.2.b "Dataspace Message"
//!   (versions 1 and 2), IV.A.2.q "Object Header Continuation Message",
//!   IV.A.2.v "Attribute Info Message" and III.E "Disk Format: Level 1E –
//!   Global Heap" for variable-length strings.
//!
//! Not read, reported in [`Hdf5Ir::unsupported`] instead: dense attribute
//! storage (fractal heap + v2 B-tree), shared attribute messages, attributes
//! whose datatype or dataspace is shared (committed), unknown attribute
//! message versions.
//!
//! # Bounds
//! Object header chunks are never loaded whole: each message header is read on
//! its own and only attribute / continuation / attribute-info payloads (at most
//! 65 535 bytes, the width of the size field) are loaded. Continuations are
//! followed iteratively with a visited set and [`Hdf5Limits::max_continuations`];
//! messages, attributes, decoded text and cached global-heap bytes are capped
//! by [`Hdf5Limits`]. Exceeding a limit is an error, as is any structure that
//! runs past its container or the end of the blob.

// Input-driven panics are impossible by construction; keep it machine-checked.
#![deny(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    unsafe_code
)]

use crate::blob::Blob;
use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;

/// The 8-byte format signature that starts every superblock.
pub const HDF5_SIGNATURE: &[u8; 8] = b"\x89HDF\r\n\x1a\n";

/// Maximum number of attribute elements (strings) decoded, over the whole file.
const MAX_ELEMENTS: u64 = 1 << 20;
/// Maximum dataspace rank (the specification allows 32).
const MAX_RANK: usize = 32;
/// Sentinel class reported for an attribute whose datatype is shared and was
/// therefore not read.
pub const CLASS_UNKNOWN: u8 = u8::MAX;

/// One attribute of the root group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// Attribute name.
    pub name: String,
    /// Attribute value.
    pub value: AttrValue,
}

/// Value of an attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttrValue {
    /// String-typed attribute: one string for a scalar, one per element for an array.
    Text(Vec<String>),
    /// Any other datatype; `class` is the HDF5 datatype class (0 = fixed-point,
    /// 1 = floating point, ..., [`CLASS_UNKNOWN`] when the datatype is shared).
    Other {
        /// HDF5 datatype class.
        class: u8,
    },
}

/// What was read from the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hdf5Ir {
    /// Root-group attributes that could be read.
    pub attributes: Vec<Attribute>,
    /// Things seen but not read, e.g. "dense attribute storage (fractal heap)".
    pub unsupported: Vec<String>,
}

/// Malformed input or a limit exceeded; the message says what and at which offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hdf5Error(pub String);

impl fmt::Display for Hdf5Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "hdf5: {}", self.0)
    }
}

impl std::error::Error for Hdf5Error {}

/// Resource limits applied while reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hdf5Limits {
    /// Header messages visited, over all chunks.
    pub max_messages: usize,
    /// Bytes of decoded text in total, and bytes of global heap loaded in total.
    pub max_string: usize,
    /// Object header continuation chunks followed.
    pub max_continuations: usize,
    /// Attributes returned.
    pub max_attributes: usize,
}

impl Default for Hdf5Limits {
    fn default() -> Self {
        Hdf5Limits {
            max_messages: 10_000,
            max_string: 64 << 20,
            max_continuations: 1_000,
            max_attributes: 10_000,
        }
    }
}

type R<T> = Result<T, Hdf5Error>;

fn bad<T>(off: u64, what: impl fmt::Display) -> R<T> {
    Err(Hdf5Error(format!("{what} at offset {off}")))
}

/// Finds the superblock: offset 0, 512, 1024, 2048, … (powers of two) up to the blob length.
pub fn find_superblock(blob: &dyn Blob) -> Option<u64> {
    let len = blob.len();
    let mut off = 0u64;
    while off.checked_add(8)? <= len {
        let mut sig = [0u8; 8];
        if blob.read_exact_at(off, &mut sig).is_ok() && &sig == HDF5_SIGNATURE {
            return Some(off);
        }
        off = if off == 0 { 512 } else { off.checked_mul(2)? };
    }
    None
}

/// Reads the attributes of the root group. Never panics on malformed input.
pub fn read_root_attributes(blob: &dyn Blob, limits: &Hdf5Limits) -> Result<Hdf5Ir, Hdf5Error> {
    let sb = match find_superblock(blob) {
        Some(o) => o,
        None => return bad(0, "no HDF5 signature"),
    };
    let mut r = Reader {
        blob,
        limits,
        base: sb,
        so: 8,
        sl: 8,
        messages: 0,
        elements: 0,
        text_used: 0,
        heap_used: 0,
        heaps: HashMap::new(),
        ir: Hdf5Ir::default(),
    };
    let root = r.superblock(sb)?;
    r.object_header(root)?;
    Ok(r.ir)
}

/// Bounds-checked little-endian cursor over a byte slice that was read from
/// file offset `at` (used in error messages).
struct Cur<'b> {
    buf: &'b [u8],
    pos: usize,
    at: u64,
}

impl<'b> Cur<'b> {
    fn new(buf: &'b [u8], at: u64) -> Self {
        Cur { buf, pos: 0, at }
    }
    fn off(&self) -> u64 {
        self.at.saturating_add(self.pos as u64)
    }
    fn remaining(&self) -> usize {
        self.buf.len().saturating_sub(self.pos)
    }
    fn bytes(&mut self, n: usize) -> R<&'b [u8]> {
        let slice = self
            .pos
            .checked_add(n)
            .and_then(|end| self.buf.get(self.pos..end));
        match slice {
            Some(s) => {
                self.pos = self.pos.saturating_add(n);
                Ok(s)
            }
            None => bad(self.off(), format!("truncated structure (need {n} bytes)")),
        }
    }
    fn skip(&mut self, n: usize) -> R<()> {
        self.bytes(n).map(|_| ())
    }
    /// Little-endian unsigned integer of `n` (≤ 8) bytes.
    fn uint(&mut self, n: u8) -> R<u64> {
        let b = self.bytes(usize::from(n.min(8)))?;
        Ok(b.iter()
            .rev()
            .fold(0u64, |acc, &x| (acc << 8) | u64::from(x)))
    }
    fn u8(&mut self) -> R<u8> {
        Ok(self.uint(1)? as u8)
    }
    fn u16(&mut self) -> R<u16> {
        Ok(self.uint(2)? as u16)
    }
    fn u32(&mut self) -> R<u32> {
        Ok(self.uint(4)? as u32)
    }
    fn rest(&mut self) -> &'b [u8] {
        let s = self.buf.get(self.pos..).unwrap_or(&[]);
        self.pos = self.buf.len();
        s
    }
}

fn pad8(n: usize) -> usize {
    n.saturating_add(7) & !7
}

/// One "GCOL" global heap collection, loaded whole and indexed.
struct GlobalHeap {
    bytes: Vec<u8>,
    /// Heap object index → (start, len) within `bytes`.
    objects: HashMap<u16, (usize, usize)>,
}

struct Reader<'a> {
    blob: &'a dyn Blob,
    limits: &'a Hdf5Limits,
    /// Absolute offset that file addresses are relative to (the superblock's
    /// offset, as libhdf5 does, so a user block is skipped).
    base: u64,
    /// Size of offsets / size of lengths in bytes (4 or 8).
    so: u8,
    sl: u8,
    messages: usize,
    /// Attribute elements decoded so far (capped by `MAX_ELEMENTS`).
    elements: u64,
    text_used: usize,
    heap_used: usize,
    heaps: HashMap<u64, GlobalHeap>,
    ir: Hdf5Ir,
}

/// Where an object header chunk's messages live: `[start, end)` absolute.
struct Chunk {
    start: u64,
    end: u64,
}

impl Reader<'_> {
    /// Reads exactly `len` bytes at absolute `off`, after checking they exist.
    fn read(&self, off: u64, len: usize) -> R<Vec<u8>> {
        let end = off.checked_add(len as u64);
        if end.is_none_or(|e| e > self.blob.len()) {
            return bad(off, format!("{len} bytes extend past end of file"));
        }
        let mut v = vec![0u8; len];
        match self.blob.read_exact_at(off, &mut v) {
            Ok(()) => Ok(v),
            Err(e) => bad(off, format!("read error: {e}")),
        }
    }

    fn undefined(&self, addr: u64) -> bool {
        addr == if self.so == 4 {
            u64::from(u32::MAX)
        } else {
            u64::MAX
        }
    }

    /// Converts a file address (relative to the base address) to a blob offset.
    fn abs(&self, addr: u64, at: u64) -> R<u64> {
        if self.undefined(addr) {
            return bad(at, "undefined address");
        }
        match self.base.checked_add(addr) {
            Some(a) if a < self.blob.len() => Ok(a),
            _ => bad(at, format!("address {addr} outside the file")),
        }
    }

    fn take_text(&mut self, n: usize, at: u64) -> R<()> {
        self.text_used = self.text_used.saturating_add(n);
        if self.text_used > self.limits.max_string {
            return bad(at, "string data exceeds max_string");
        }
        Ok(())
    }

    /// Parses the superblock (II.A) and returns the root object header's blob offset.
    ///
    /// Versions 0/1: signature, 4 version bytes, 4 size bytes (offsets, lengths),
    /// group leaf/internal K (2+2), consistency flags (4), [v1: indexed storage
    /// K (2) + reserved (2)], base / free-space / end-of-file / driver-info
    /// addresses, then the root group symbol table entry (link name offset,
    /// object header address, cache type, reserved, 16-byte scratch pad).
    ///
    /// Versions 2/3: signature, version, size of offsets, size of lengths,
    /// flags, base / superblock-extension / end-of-file / root object header
    /// addresses, checksum.
    fn superblock(&mut self, sb: u64) -> R<u64> {
        let at = sb.saturating_add(8);
        let head = self.read(at, 4)?;
        let mut c = Cur::new(&head, at);
        let version = c.u8()?;
        let (so, sl, fixed) = match version {
            0 | 1 => {
                let h = self.read(at, 16)?;
                let mut c = Cur::new(&h, at);
                c.skip(5)?;
                let so = c.u8()?;
                let sl = c.u8()?;
                // 16 bytes read so far (after the signature), plus v1's 4 extra bytes.
                (so, sl, if version == 1 { 20 } else { 16 })
            }
            2 | 3 => (c.u8()?, c.u8()?, 4),
            v => return bad(at, format!("unsupported superblock version {v}")),
        };
        for s in [so, sl] {
            if s != 4 && s != 8 {
                return bad(at, format!("unsupported size of offsets/lengths {s}"));
            }
        }
        self.so = so;
        self.sl = sl;
        let o = usize::from(so);
        let addrs_at = at.saturating_add(fixed);
        // v0/1: base, free-space, EOF, driver info, then the root entry's link
        // name offset and object header address. v2/3: base, extension, EOF, root.
        let (skip, len) = if version <= 1 {
            (5 * o, 6 * o)
        } else {
            (3 * o, 4 * o)
        };
        let b = self.read(addrs_at, len)?;
        let mut c = Cur::new(&b, addrs_at);
        c.skip(skip)?;
        let root = c.uint(so)?;
        self.abs(root, addrs_at)
    }

    /// Walks every message of the object header at `addr`, following
    /// continuation chunks breadth-first (no recursion).
    ///
    /// Version 1 prefix (IV.A.1.a, 16 bytes): version 1, reserved, message count
    /// (2), reference count (4), header size (4), 4 bytes padding. Messages:
    /// type (2), size (2), flags (1), reserved (3), data padded to 8 bytes.
    ///
    /// Version 2 prefix (IV.A.1.b): "OHDR", version 2, flags; times (4×4) if
    /// flags bit 5; max compact / min dense (2+2) if bit 4; chunk-0 size of
    /// 1/2/4/8 bytes per bits 0–1. Messages: type (1), size (2), flags (1),
    /// creation order (2) if flags bit 2. Each chunk ends with a 4-byte
    /// checksum (ignored); continuation chunks start with "OCHK".
    fn object_header(&mut self, addr: u64) -> R<()> {
        let pre = self.read(addr, 4)?;
        let v2 = pre.as_slice() == b"OHDR";
        let (first, msg_hdr) = if v2 {
            let head_len = self.blob.len().saturating_sub(addr).min(4 + 2 + 16 + 4 + 8) as usize;
            let h = self.read(addr, head_len)?;
            let mut c = Cur::new(&h, addr);
            c.skip(4)?;
            let version = c.u8()?;
            if version != 2 {
                return bad(addr, format!("unsupported object header version {version}"));
            }
            let flags = c.u8()?;
            if flags & 0x20 != 0 {
                c.skip(16)?;
            }
            if flags & 0x10 != 0 {
                c.skip(4)?;
            }
            let size = c.uint(1 << (flags & 3))?;
            let start = c.off();
            let msg_hdr = if flags & 0x04 != 0 { 6 } else { 4 };
            (self.chunk(start, size, addr)?, msg_hdr)
        } else {
            if pre.first() != Some(&1) {
                return bad(addr, "unrecognised object header");
            }
            let h = self.read(addr, 16)?;
            let mut c = Cur::new(&h, addr);
            c.skip(8)?;
            let size = u64::from(c.u32()?);
            (self.chunk(addr.saturating_add(16), size, addr)?, 8)
        };
        let mut visited = HashSet::from([first.start]);
        let mut queue = VecDeque::from([first]);
        while let Some(chunk) = queue.pop_front() {
            let mut pos = chunk.start;
            while chunk.end.saturating_sub(pos) >= msg_hdr {
                self.messages = self.messages.saturating_add(1);
                if self.messages > self.limits.max_messages {
                    return bad(pos, "too many header messages (max_messages)");
                }
                let h = self.read(pos, msg_hdr as usize)?;
                let mut c = Cur::new(&h, pos);
                let (mtype, size, flags) = if v2 {
                    (u16::from(c.u8()?), c.u16()?, c.u8()?)
                } else {
                    (c.u16()?, c.u16()?, c.u8()?)
                };
                let data_at = pos.saturating_add(msg_hdr);
                let data_len = u64::from(size);
                if data_len > chunk.end.saturating_sub(data_at) {
                    return bad(pos, format!("message size {size} overruns its chunk"));
                }
                if let Some((caddr, clen)) = self.message(mtype, flags, data_at, size)? {
                    if !visited.insert(caddr) {
                        return bad(data_at, "object header continuation cycle");
                    }
                    if visited.len() > self.limits.max_continuations.saturating_add(1) {
                        return bad(data_at, "too many continuations (max_continuations)");
                    }
                    queue.push_back(if v2 {
                        self.ochk(caddr, clen)?
                    } else {
                        self.chunk(caddr, clen, data_at)?
                    });
                }
                pos = if v2 {
                    data_at.saturating_add(data_len)
                } else {
                    // v1 message data is padded to a multiple of 8 bytes.
                    data_at.saturating_add(data_len.saturating_add(7) & !7)
                };
            }
        }
        Ok(())
    }

    /// Checks that `[start, start+len)` lies inside the blob.
    fn chunk(&self, start: u64, len: u64, at: u64) -> R<Chunk> {
        match start.checked_add(len) {
            Some(end) if end <= self.blob.len() => Ok(Chunk { start, end }),
            _ => bad(
                at,
                format!("header chunk of {len} bytes passes end of file"),
            ),
        }
    }

    /// A version 2 continuation block: "OCHK", messages, checksum (4).
    fn ochk(&self, addr: u64, len: u64) -> R<Chunk> {
        if len < 8 {
            return bad(addr, "continuation block too small");
        }
        let whole = self.chunk(addr, len, addr)?;
        if self.read(addr, 4)?.as_slice() != b"OCHK" {
            return bad(addr, "missing OCHK signature");
        }
        Ok(Chunk {
            start: whole.start.saturating_add(4),
            end: whole.end.saturating_sub(4),
        })
    }

    /// Handles one header message; returns a continuation target (blob offset, length).
    fn message(&mut self, mtype: u16, flags: u8, at: u64, size: u16) -> R<Option<(u64, u64)>> {
        match mtype {
            // IV.A.2.q Object Header Continuation: offset (O), length (L).
            0x0010 => {
                let d = self.read(at, usize::from(size))?;
                let mut c = Cur::new(&d, at);
                let addr = c.uint(self.so)?;
                let len = c.uint(self.sl)?;
                Ok(Some((self.abs(addr, at)?, len)))
            }
            0x000C if flags & 0x02 != 0 => {
                self.ir
                    .unsupported
                    .push(format!("shared attribute message at offset {at}"));
                Ok(None)
            }
            0x000C => {
                let d = self.read(at, usize::from(size))?;
                self.attribute(&d, at)?;
                Ok(None)
            }
            // IV.A.2.v Attribute Info: version 0, flags, [max creation index (2)],
            // fractal heap address (O), name index B-tree address (O), ...
            0x0015 => {
                let d = self.read(at, usize::from(size))?;
                let mut c = Cur::new(&d, at);
                c.skip(1)?;
                if c.u8()? & 0x01 != 0 {
                    c.skip(2)?;
                }
                if !self.undefined(c.uint(self.so)?) {
                    self.ir.unsupported.push(format!(
                        "dense attribute storage (fractal heap) at offset {at}"
                    ));
                }
                Ok(None)
            }
            _ => Ok(None),
        }
    }

    /// IV.A.2.m Attribute Message.
    ///
    /// v1: version, reserved, name size (2), datatype size (2), dataspace size
    /// (2), then name, datatype and dataspace each padded to 8 bytes, then data.
    /// v2: as v1 with a flags byte (bit 0 datatype shared, bit 1 dataspace
    /// shared) instead of reserved and no padding. v3: as v2 plus a name
    /// character-set byte before the name. Sizes include the name's NUL.
    fn attribute(&mut self, d: &[u8], at: u64) -> R<()> {
        let mut c = Cur::new(d, at);
        let version = c.u8()?;
        if !(1..=3).contains(&version) {
            self.ir.unsupported.push(format!(
                "attribute message version {version} at offset {at}"
            ));
            return Ok(());
        }
        let flags = c.u8()?;
        let name_len = usize::from(c.u16()?);
        let dt_len = usize::from(c.u16()?);
        let ds_len = usize::from(c.u16()?);
        if version == 3 {
            c.skip(1)?; // name character set: ASCII or UTF-8, decoded leniently either way
        }
        fn field<'b>(c: &mut Cur<'b>, n: usize, version: u8) -> R<&'b [u8]> {
            let b = c.bytes(n)?;
            if version == 1 {
                // Padding to 8 bytes; tolerated if absent at the very end.
                c.skip(pad8(n).saturating_sub(n).min(c.remaining()))?;
            }
            Ok(b)
        }
        let raw_name = field(&mut c, name_len, version)?;
        let dt_at = c.off();
        let name =
            String::from_utf8_lossy(raw_name.split(|&b| b == 0).next().unwrap_or(&[])).into_owned();
        let dt = field(&mut c, dt_len, version)?;
        let ds_at = c.off();
        let ds = field(&mut c, ds_len, version)?;
        let data_at = c.off();
        let data = c.rest();
        if self.ir.attributes.len() >= self.limits.max_attributes {
            return bad(at, "too many attributes (max_attributes)");
        }
        let value = if version > 1 && flags & 0x03 != 0 {
            self.ir.unsupported.push(format!(
                "attribute '{name}' has a shared datatype or dataspace at offset {at}"
            ));
            AttrValue::Other {
                class: CLASS_UNKNOWN,
            }
        } else {
            self.value((dt, dt_at), (ds, ds_at), (data, data_at))?
        };
        self.ir.attributes.push(Attribute { name, value });
        Ok(())
    }

    /// IV.A.2.d Datatype Message: class (low nibble) and version (high nibble),
    /// 3 bytes of class bit fields, element size (4), class properties.
    /// Class 3 (string): bits 0–3 padding (0 NUL-terminated, 1 NUL-padded,
    /// 2 space-padded), bits 4–7 character set. Class 9 (variable-length):
    /// bits 0–3 type (0 sequence, 1 string), bits 4–7 padding, bits 8–11
    /// character set; the base type follows as properties (not needed here).
    fn value(&mut self, dt: (&[u8], u64), ds: (&[u8], u64), data: (&[u8], u64)) -> R<AttrValue> {
        let (data, at) = data;
        let mut c = Cur::new(dt.0, dt.1);
        let class = c.u8()? & 0x0f;
        let bits0 = c.u8()?;
        c.skip(2)?;
        let size = c.u32()? as usize;
        if class != 3 && !(class == 9 && bits0 & 0x0f == 1) {
            return Ok(AttrValue::Other { class });
        }
        let count = dataspace_count(ds.0, ds.1, self.sl)?;
        self.elements = self.elements.saturating_add(count);
        if self.elements > MAX_ELEMENTS {
            return bad(ds.1, "too many attribute elements in total");
        }
        let (elem, pad) = if class == 3 {
            if size == 0 {
                return bad(dt.1, "string datatype of size 0");
            }
            (size, bits0 & 0x0f)
        } else {
            // Disk form of a variable-length element: length (4), then a global
            // heap ID: collection address (O) + object index (4).
            (usize::from(self.so).saturating_add(8), bits0 >> 4)
        };
        let total = (count as usize).checked_mul(elem);
        let body = match total.and_then(|t| data.get(..t)) {
            Some(b) => b,
            None => return bad(at, format!("attribute data shorter than {count}x{elem}")),
        };
        let mut out = Vec::with_capacity(count as usize);
        let mut c = Cur::new(body, at);
        for _ in 0..count {
            let el_at = c.off();
            let raw: Vec<u8> = if class == 3 {
                c.bytes(elem)?.to_vec()
            } else {
                let len = c.u32()? as usize;
                let addr = c.uint(self.so)?;
                let index = c.u32()?;
                if len == 0 {
                    Vec::new()
                } else if self.text_used.saturating_add(len) > self.limits.max_string {
                    return bad(el_at, format!("string length {len} exceeds max_string"));
                } else {
                    let obj = self.heap_object(addr, index, el_at)?;
                    obj.get(..len.min(obj.len())).unwrap_or(&[]).to_vec()
                }
            };
            self.take_text(raw.len(), el_at)?;
            out.push(decode_string(&raw, pad));
        }
        Ok(AttrValue::Text(out))
    }

    /// III.E Global Heap: a collection is "GCOL", version 1, 3 reserved bytes,
    /// collection size (L, includes this header), then objects: index (2),
    /// reference count (2), reserved (4), object size (L), data padded to 8
    /// bytes. Index 0 marks the free space that ends the collection.
    fn heap_object(&mut self, addr: u64, index: u32, at: u64) -> R<&[u8]> {
        let abs = self.abs(addr, at)?;
        if !self.heaps.contains_key(&abs) {
            let heap = self.load_heap(abs)?;
            self.heaps.insert(abs, heap);
        }
        let heap = match self.heaps.get(&abs) {
            Some(h) => h,
            None => return bad(abs, "global heap missing"),
        };
        let found = u16::try_from(index)
            .ok()
            .and_then(|i| heap.objects.get(&i))
            .and_then(|&(s, n)| heap.bytes.get(s..s.checked_add(n)?));
        match found {
            Some(b) => Ok(b),
            None => bad(at, format!("global heap object {index} not found at {abs}")),
        }
    }

    fn load_heap(&mut self, abs: u64) -> R<GlobalHeap> {
        let l = usize::from(self.sl);
        let head = self.read(abs, 8 + l)?;
        let mut c = Cur::new(&head, abs);
        if c.bytes(4)? != b"GCOL" {
            return bad(abs, "missing GCOL signature");
        }
        c.skip(4)?;
        let size = c.uint(self.sl)?;
        let size = match usize::try_from(size) {
            Ok(n) if n >= 8 + l && (n as u64) <= self.blob.len().saturating_sub(abs) => n,
            _ => return bad(abs, format!("global heap size {size} out of range")),
        };
        self.heap_used = self.heap_used.saturating_add(size);
        if self.heap_used > self.limits.max_string {
            return bad(abs, "global heap data exceeds max_string");
        }
        let bytes = self.read(abs, size)?;
        let mut objects = HashMap::new();
        let mut c = Cur::new(&bytes, abs);
        c.skip(8 + l)?;
        while c.remaining() >= 8 + l {
            let idx = c.u16()?;
            c.skip(6)?;
            let n = c.uint(self.sl)?;
            if idx == 0 {
                break;
            }
            let start = c.pos;
            let n = usize::try_from(n).unwrap_or(usize::MAX);
            if n > c.remaining() {
                return bad(c.off(), format!("global heap object size {n} too big"));
            }
            objects.insert(idx, (start, n));
            c.skip(pad8(n).min(c.remaining()))?;
        }
        Ok(GlobalHeap { bytes, objects })
    }
}

/// IV.A.2.b Dataspace Message → number of elements.
/// v1: version, rank, flags, reserved (1), reserved (4), dims (L each), [max dims].
/// v2: version, rank, flags, type (0 scalar, 1 simple, 2 null), dims (L each).
/// Rank 0 in v1 means scalar.
fn dataspace_count(ds: &[u8], at: u64, sl: u8) -> R<u64> {
    let mut c = Cur::new(ds, at);
    let version = c.u8()?;
    let rank = usize::from(c.u8()?);
    c.skip(1)?;
    match version {
        1 => c.skip(5)?,
        2 => match c.u8()? {
            0 => return Ok(1),
            1 => {}
            2 => return Ok(0),
            t => return bad(at, format!("unknown dataspace type {t}")),
        },
        v => return bad(at, format!("unsupported dataspace version {v}")),
    }
    if rank > MAX_RANK {
        return bad(at, format!("dataspace rank {rank} too large"));
    }
    let mut n = 1u64;
    for _ in 0..rank {
        n = match n.checked_mul(c.uint(sl)?) {
            Some(v) if v <= MAX_ELEMENTS => v,
            _ => return bad(at, "dataspace has too many elements"),
        };
    }
    Ok(n)
}

/// Decodes a stored string according to its padding type: 0 NUL-terminated
/// and 1 NUL-padded end at the first NUL; 2 space-padded drops trailing
/// spaces (and NULs). Invalid UTF-8 is replaced, never rejected.
fn decode_string(raw: &[u8], pad: u8) -> String {
    let s = match pad {
        2 => {
            let end = raw
                .iter()
                .rposition(|&b| b != b' ' && b != 0)
                .map_or(0, |p| p.saturating_add(1));
            raw.get(..end).unwrap_or(&[])
        }
        _ => raw.split(|&b| b == 0).next().unwrap_or(&[]),
    };
    String::from_utf8_lossy(s).into_owned()
}
