//! A tolerant, bounded zip reader.
//!
//! Written by hand rather than with the `zip` crate on purpose: a scanner must read an
//! archive the way the *loader* reads it, not the way a strict library would. PyTorch
//! (miniz) locates members through the central directory, ignores a local header whose
//! name disagrees with it, and ignores general-purpose flag bits; published bypasses
//! (CVE-2025-1944, CVE-2025-1945) made Python-based scanners reject such archives while
//! `torch.load` happily ran them. This reader accepts what loaders accept and records
//! every discrepancy so that rules can report it. It also never touches member data
//! until asked, so a checkpoint's tensors are never read.

use std::io::{self, Read};

use crate::blob::{Blob, SubBlob};
use crate::limits::Limits;

const EOCD_SIG: u32 = 0x0605_4b50;
const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;
const ZIP64_EOCD_SIG: u32 = 0x0606_4b50;
const CENTRAL_SIG: u32 = 0x0201_4b50;
const LOCAL_SIG: u32 = 0x0403_4b50;
const MAX_COMMENT: u64 = 65_535;
const EOCD_LEN: u64 = 22;
/// Largest central directory read into memory.
const MAX_CENTRAL_DIRECTORY: u64 = 256 * 1024 * 1024;

/// One member, as the central directory and its local header describe it.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Name in the central directory (what loaders use).
    pub name: String,
    /// Name in the local header, when it could be read.
    pub local_name: Option<String>,
    /// General-purpose flags from the central directory.
    pub flags: u16,
    /// Flags from the local header.
    pub local_flags: Option<u16>,
    /// Compression method (0 stored, 8 deflate).
    pub method: u16,
    /// Compressed size.
    pub compressed: u64,
    /// Uncompressed size (as declared).
    pub uncompressed: u64,
    /// Offset of the member's data in the blob, when the local header was readable.
    pub data_start: Option<u64>,
    /// Why the local header could not be used.
    pub local_error: Option<String>,
}

impl Entry {
    /// True for directory entries.
    pub fn is_dir(&self) -> bool {
        self.name.ends_with('/') && self.uncompressed == 0
    }

    /// True when the encryption flag is set in either header.
    pub fn encrypted_flag(&self) -> bool {
        self.flags & 1 != 0 || self.local_flags.is_some_and(|f| f & 1 != 0)
    }
}

/// A parsed archive directory.
#[derive(Debug, Clone, Default)]
pub struct Archive {
    /// Members in central-directory order.
    pub entries: Vec<Entry>,
    /// Bytes before the archive proper (self-extracting stubs, polyglots).
    pub prefix: u64,
    /// The directory was cut short at the member cap.
    pub truncated_at_cap: bool,
}

/// Why the archive directory could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZipError(pub String);

fn err<T>(msg: impl Into<String>) -> Result<T, ZipError> {
    Err(ZipError(msg.into()))
}

fn le16(b: &[u8], at: usize) -> u16 {
    match b.get(at..at + 2) {
        Some(s) => u16::from_le_bytes([s[0], s[1]]),
        None => 0,
    }
}

fn le32(b: &[u8], at: usize) -> u32 {
    match b.get(at..at + 4) {
        Some(s) => u32::from_le_bytes([s[0], s[1], s[2], s[3]]),
        None => 0,
    }
}

fn le64(b: &[u8], at: usize) -> u64 {
    match b.get(at..at + 8) {
        Some(s) => {
            let mut a = [0u8; 8];
            a.copy_from_slice(s);
            u64::from_le_bytes(a)
        }
        None => 0,
    }
}

/// Finds the end-of-central-directory record: the last signature in the tail whose
/// comment length reaches exactly to the end of the blob (or, failing that, the last
/// signature at all).
fn find_eocd(blob: &dyn Blob) -> io::Result<Option<(u64, Vec<u8>)>> {
    let len = blob.len();
    if len < EOCD_LEN {
        return Ok(None);
    }
    let tail_len = (EOCD_LEN + MAX_COMMENT).min(len);
    let tail_start = len - tail_len;
    let tail = blob.read_vec(tail_start, tail_len as usize)?;
    let mut fallback = None;
    let mut i = tail.len().saturating_sub(EOCD_LEN as usize) + 1;
    while i > 0 {
        i -= 1;
        if le32(&tail, i) == EOCD_SIG {
            let comment = u64::from(le16(&tail, i + 20));
            let pos = tail_start + i as u64;
            let record = tail
                .get(i..i + EOCD_LEN as usize)
                .unwrap_or_default()
                .to_vec();
            if pos + EOCD_LEN + comment == len {
                return Ok(Some((pos, record)));
            }
            if fallback.is_none() {
                fallback = Some((pos, record));
            }
        }
    }
    Ok(fallback)
}

/// Cheap check: does the blob end like a zip archive (or start like one)?
pub fn looks_like_zip(head: &[u8], blob: &dyn Blob) -> bool {
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return true;
    }
    matches!(find_eocd(blob), Ok(Some(_)))
}

/// Reads the central directory and every local header.
pub fn read_archive(blob: &dyn Blob, limits: &Limits) -> Result<Archive, ZipError> {
    let Some((eocd_pos, eocd)) = find_eocd(blob).map_err(|e| ZipError(e.to_string()))? else {
        return err("no end-of-central-directory record: truncated or not a zip archive");
    };
    let mut total = u64::from(le16(&eocd, 10));
    let mut cd_size = u64::from(le32(&eocd, 12));
    let mut cd_offset = u64::from(le32(&eocd, 16));
    let mut cd_end = eocd_pos;

    let needs_zip64 = total == 0xffff || cd_size == 0xffff_ffff || cd_offset == 0xffff_ffff;
    if eocd_pos >= 20 {
        let locator = blob
            .read_vec(eocd_pos - 20, 20)
            .map_err(|e| ZipError(e.to_string()))?;
        if le32(&locator, 0) == ZIP64_LOCATOR_SIG {
            let claimed = le64(&locator, 8);
            // The ZIP64 record sits right before the locator, whatever offset it claims
            // (archives with a prefix shift every offset).
            let actual = eocd_pos - 20;
            let candidates = [claimed, actual.saturating_sub(56)];
            let mut found = false;
            for at in candidates {
                let rec = blob.read_vec(at, 56).map_err(|e| ZipError(e.to_string()))?;
                if le32(&rec, 0) == ZIP64_EOCD_SIG {
                    total = le64(&rec, 32);
                    cd_size = le64(&rec, 40);
                    cd_offset = le64(&rec, 48);
                    cd_end = at;
                    found = true;
                    break;
                }
            }
            if !found && needs_zip64 {
                return err("ZIP64 locator points to no ZIP64 end-of-central-directory record");
            }
        } else if needs_zip64 {
            return err("archive needs ZIP64 but has no ZIP64 locator");
        }
    }

    if cd_size > MAX_CENTRAL_DIRECTORY {
        return err(format!(
            "central directory of {cd_size} bytes is larger than the {MAX_CENTRAL_DIRECTORY}-byte cap"
        ));
    }
    let Some(actual_cd) = cd_end.checked_sub(cd_size) else {
        return err("central directory size is larger than the archive");
    };
    let prefix = actual_cd.saturating_sub(cd_offset);
    if cd_offset > actual_cd {
        return err(format!(
            "central directory offset {cd_offset} points past its actual position {actual_cd}"
        ));
    }
    let cd = blob
        .read_vec(actual_cd, cd_size as usize)
        .map_err(|e| ZipError(e.to_string()))?;
    if (cd.len() as u64) < cd_size {
        return err("central directory runs past the end of the archive");
    }

    let mut archive = Archive {
        prefix,
        ..Archive::default()
    };
    let mut at = 0usize;
    let cap = limits
        .archive_members
        .min(usize::try_from(total).unwrap_or(usize::MAX).max(1) * 2 + 16);
    while at + 46 <= cd.len() {
        if le32(&cd, at) != CENTRAL_SIG {
            if archive.entries.is_empty() {
                return err(format!(
                    "bad central directory signature at offset {}",
                    actual_cd + at as u64
                ));
            }
            break;
        }
        if archive.entries.len() >= limits.archive_members {
            archive.truncated_at_cap = true;
            break;
        }
        if archive.entries.len() >= cap {
            break;
        }
        let flags = le16(&cd, at + 8);
        let method = le16(&cd, at + 10);
        let mut compressed = u64::from(le32(&cd, at + 20));
        let mut uncompressed = u64::from(le32(&cd, at + 24));
        let name_len = usize::from(le16(&cd, at + 28));
        let extra_len = usize::from(le16(&cd, at + 30));
        let comment_len = usize::from(le16(&cd, at + 32));
        let mut local_offset = u64::from(le32(&cd, at + 42));
        let name_start = at + 46;
        let Some(name_bytes) = cd.get(name_start..name_start + name_len) else {
            return err("central directory entry name runs past the directory");
        };
        let extra = cd
            .get(name_start + name_len..name_start + name_len + extra_len)
            .unwrap_or_default();
        apply_zip64_extra(extra, &mut uncompressed, &mut compressed, &mut local_offset);
        let name = String::from_utf8_lossy(name_bytes).into_owned();
        let mut entry = Entry {
            name,
            local_name: None,
            flags,
            local_flags: None,
            method,
            compressed,
            uncompressed,
            data_start: None,
            local_error: None,
        };
        read_local_header(blob, local_offset.saturating_add(prefix), &mut entry);
        archive.entries.push(entry);
        at = name_start + name_len + extra_len + comment_len;
    }
    Ok(archive)
}

/// Walks local headers from the start of the blob, for archives whose central
/// directory is missing (truncated downloads, damaged files). Only members whose sizes
/// are in their local header can be walked; the walk stops at the first that is not.
pub fn read_local_headers(blob: &dyn Blob, limits: &Limits) -> Archive {
    let mut archive = Archive::default();
    let mut pos = 0u64;
    while archive.entries.len() < limits.archive_members {
        let Ok(h) = blob.read_vec(pos, 30) else { break };
        if h.len() < 30 || le32(&h, 0) != LOCAL_SIG {
            break;
        }
        let flags = le16(&h, 6);
        let method = le16(&h, 8);
        let mut compressed = u64::from(le32(&h, 18));
        let mut uncompressed = u64::from(le32(&h, 22));
        let name_len = u64::from(le16(&h, 26));
        let extra_len = u64::from(le16(&h, 28));
        let Ok(name) = blob.read_vec(pos + 30, name_len as usize) else {
            break;
        };
        let Ok(extra) = blob.read_vec(pos + 30 + name_len, extra_len as usize) else {
            break;
        };
        let mut ignored = 0u64;
        apply_zip64_extra(&extra, &mut uncompressed, &mut compressed, &mut ignored);
        if flags & 8 != 0 && compressed == 0 {
            break;
        }
        let name = String::from_utf8_lossy(&name).into_owned();
        let start = pos + 30 + name_len + extra_len;
        let fits = start.saturating_add(compressed) <= blob.len();
        archive.entries.push(Entry {
            local_name: Some(name.clone()),
            name,
            flags,
            local_flags: Some(flags),
            method,
            compressed,
            uncompressed,
            data_start: fits.then_some(start),
            local_error: (!fits)
                .then(|| "member data runs past the end of the archive".to_string()),
        });
        if !fits {
            break;
        }
        pos = start + compressed;
    }
    archive
}

fn apply_zip64_extra(extra: &[u8], uncompressed: &mut u64, compressed: &mut u64, offset: &mut u64) {
    let mut i = 0usize;
    while i + 4 <= extra.len() {
        let id = le16(extra, i);
        let size = usize::from(le16(extra, i + 2));
        let Some(body) = extra.get(i + 4..i + 4 + size) else {
            return;
        };
        if id == 0x0001 {
            let mut j = 0usize;
            for field in [uncompressed, compressed, offset] {
                if *field == 0xffff_ffff && j + 8 <= body.len() {
                    *field = le64(body, j);
                    j += 8;
                }
            }
            return;
        }
        i += 4 + size;
    }
}

fn read_local_header(blob: &dyn Blob, offset: u64, entry: &mut Entry) {
    let header = match blob.read_vec(offset, 30) {
        Ok(h) if h.len() == 30 => h,
        _ => {
            entry.local_error = Some(format!(
                "local header at {offset} is past the end of the archive"
            ));
            return;
        }
    };
    if le32(&header, 0) != LOCAL_SIG {
        entry.local_error = Some(format!("no local header signature at offset {offset}"));
        return;
    }
    entry.local_flags = Some(le16(&header, 6));
    let name_len = u64::from(le16(&header, 26));
    let extra_len = u64::from(le16(&header, 28));
    if let Ok(name) = blob.read_vec(offset + 30, name_len as usize) {
        entry.local_name = Some(String::from_utf8_lossy(&name).into_owned());
    }
    let start = offset + 30 + name_len + extra_len;
    if start.saturating_add(entry.compressed) > blob.len() {
        entry.local_error = Some(format!(
            "member data ({} bytes at offset {start}) runs past the end of the archive",
            entry.compressed
        ));
        return;
    }
    entry.data_start = Some(start);
}

/// A `Read` over a window of a blob.
pub struct BlobReader<'a> {
    blob: &'a dyn Blob,
    pos: u64,
}

impl<'a> BlobReader<'a> {
    /// Reads `blob` from its start.
    pub fn new(blob: &'a dyn Blob) -> Self {
        BlobReader { blob, pos: 0 }
    }
}

impl Read for BlobReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.blob.read_at(self.pos, buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

/// Member data, ready to scan.
pub enum MemberData<'a> {
    /// Stored: a window of the archive, read lazily.
    Stored(SubBlob<'a>),
    /// Deflated: decompressed into memory (possibly only its first `n` bytes).
    Inflated {
        /// The bytes.
        data: Vec<u8>,
        /// True when the member is longer than what was decompressed.
        partial: bool,
    },
}

/// Why member data could not be produced.
#[derive(Debug)]
pub enum MemberError {
    /// Compression method not supported.
    Unsupported(u16),
    /// Local header unusable.
    NoData(String),
    /// Decompression failed.
    Corrupt(String),
}

/// Opens a member: stored members as a window, deflated members decompressed up to
/// `max` bytes.
pub fn open_member<'a>(
    blob: &'a dyn Blob,
    entry: &Entry,
    max: u64,
) -> Result<MemberData<'a>, MemberError> {
    let Some(start) = entry.data_start else {
        return Err(MemberError::NoData(
            entry
                .local_error
                .clone()
                .unwrap_or_else(|| "no data".into()),
        ));
    };
    match entry.method {
        0 => Ok(MemberData::Stored(SubBlob::new(
            blob,
            start,
            entry.compressed,
        ))),
        8 => {
            let window = SubBlob::new(blob, start, entry.compressed);
            let mut decoder = flate2::read::DeflateDecoder::new(BlobReader::new(&window));
            let mut data = Vec::new();
            let mut limited = (&mut decoder).take(max);
            limited
                .read_to_end(&mut data)
                .map_err(|e| MemberError::Corrupt(e.to_string()))?;
            let mut probe = [0u8; 1];
            let partial = data.len() as u64 >= max
                && decoder.read(&mut probe).map(|n| n > 0).unwrap_or(false);
            Ok(MemberData::Inflated { data, partial })
        }
        other => Err(MemberError::Unsupported(other)),
    }
}

/// Human name of a compression method.
pub fn method_name(method: u16) -> &'static str {
    match method {
        0 => "stored",
        8 => "deflate",
        9 => "deflate64",
        12 => "bzip2",
        14 => "lzma",
        93 => "zstandard",
        95 => "xz",
        99 => "AES encryption",
        _ => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a stored zip with the given members, optionally prefixed.
    pub(crate) fn build(members: &[(&str, &[u8])], prefix: &[u8]) -> Vec<u8> {
        let mut out = prefix.to_vec();
        let mut central = Vec::new();
        for (name, data) in members {
            let offset = (out.len() - prefix.len()) as u32;
            out.extend_from_slice(&LOCAL_SIG.to_le_bytes());
            out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            out.extend_from_slice(&(data.len() as u32).to_le_bytes());
            out.extend_from_slice(&(data.len() as u32).to_le_bytes());
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(data);
            central.extend_from_slice(&CENTRAL_SIG.to_le_bytes());
            central.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            central.extend_from_slice(&(data.len() as u32).to_le_bytes());
            central.extend_from_slice(&(data.len() as u32).to_le_bytes());
            central.extend_from_slice(&(name.len() as u16).to_le_bytes());
            central.extend_from_slice(&[0u8; 12]);
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let cd_offset = (out.len() - prefix.len()) as u32;
        let cd_size = central.len() as u32;
        out.extend_from_slice(&central);
        out.extend_from_slice(&EOCD_SIG.to_le_bytes());
        out.extend_from_slice(&[0, 0, 0, 0]);
        out.extend_from_slice(&(members.len() as u16).to_le_bytes());
        out.extend_from_slice(&(members.len() as u16).to_le_bytes());
        out.extend_from_slice(&cd_size.to_le_bytes());
        out.extend_from_slice(&cd_offset.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }

    #[test]
    fn reads_members_with_and_without_prefix() {
        for prefix in [&b""[..], b"#!/bin/sh\nexit 0\n"] {
            let zip = build(&[("a/data.pkl", b"N."), ("a/data/0", b"\x00\x01")], prefix);
            let archive = read_archive(&zip, &Limits::default()).expect("valid zip");
            assert_eq!(archive.prefix, prefix.len() as u64);
            assert_eq!(archive.entries.len(), 2);
            assert_eq!(archive.entries[0].name, "a/data.pkl");
            assert_eq!(archive.entries[0].local_name.as_deref(), Some("a/data.pkl"));
            match open_member(&zip, &archive.entries[0], 100) {
                Ok(MemberData::Stored(sub)) => {
                    assert_eq!(sub.read_vec(0, 10).ok(), Some(b"N.".to_vec()))
                }
                _ => panic!("stored member expected"),
            }
        }
    }

    #[test]
    fn truncated_archives_are_errors() {
        let zip = build(&[("x", b"hello")], b"");
        for cut in [zip.len() - 1, zip.len() - 30, 10] {
            assert!(
                read_archive(&zip[..cut].to_vec(), &Limits::default()).is_err(),
                "cut {cut}"
            );
        }
    }

    #[test]
    fn member_cap_is_enforced() {
        let names: Vec<String> = (0..20).map(|i| format!("m{i}")).collect();
        let members: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
        let zip = build(&members, b"");
        let limits = Limits {
            archive_members: 5,
            ..Limits::default()
        };
        let archive = read_archive(&zip, &limits).expect("valid zip");
        assert_eq!(archive.entries.len(), 5);
        assert!(archive.truncated_at_cap);
    }
}
