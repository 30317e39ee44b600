//! Random-access byte sources.
//!
//! Every parser reads through [`Blob`], a positional-read interface, so that a parser
//! can jump to the central directory of a zip, the header of a member or the next
//! pickle without reading what lies between. This is how a multi-gigabyte checkpoint
//! is judged from its few kilobytes of pickle: tensor data is never read.

use std::fs::File;
use std::io;
use std::sync::atomic::{AtomicU64, Ordering};

/// A read-only, random-access sequence of bytes.
pub trait Blob: Send + Sync {
    /// Total length in bytes.
    fn len(&self) -> u64;

    /// Reads up to `buf.len()` bytes at `offset`; returns how many were read (fewer only
    /// at the end of the blob).
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize>;

    /// True when the blob has no bytes.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Reads exactly `buf.len()` bytes at `offset`, or fails with `UnexpectedEof`.
    fn read_exact_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        let mut done = 0usize;
        while done < buf.len() {
            let Some(rest) = buf.get_mut(done..) else {
                break;
            };
            let at = offset
                .checked_add(done as u64)
                .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "offset overflow"))?;
            let n = self.read_at(at, rest)?;
            if n == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("unexpected end of data at byte {at}"),
                ));
            }
            done += n;
        }
        Ok(())
    }

    /// Reads `len` bytes at `offset` into a new vector, clamped to the end of the blob.
    fn read_vec(&self, offset: u64, len: usize) -> io::Result<Vec<u8>> {
        let available = self.len().saturating_sub(offset);
        let len = len.min(usize::try_from(available).unwrap_or(usize::MAX));
        let mut buf = vec![0u8; len];
        self.read_exact_at(offset, &mut buf)?;
        Ok(buf)
    }
}

/// A file on disk, read with positional reads. Counts the bytes it reads so that tests
/// can prove a scan never touched tensor data.
pub struct FileBlob {
    file: File,
    len: u64,
    bytes_read: AtomicU64,
}

impl FileBlob {
    /// Wraps an open file.
    pub fn new(file: File) -> io::Result<Self> {
        let len = file.metadata()?.len();
        Ok(FileBlob {
            file,
            len,
            bytes_read: AtomicU64::new(0),
        })
    }

    /// Bytes read so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read.load(Ordering::Relaxed)
    }
}

impl Blob for FileBlob {
    fn len(&self) -> u64 {
        self.len
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        if offset >= self.len {
            return Ok(0);
        }
        let n = read_file_at(&self.file, offset, buf)?;
        self.bytes_read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

#[cfg(unix)]
fn read_file_at(file: &File, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
fn read_file_at(file: &File, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

impl Blob for [u8] {
    fn len(&self) -> u64 {
        <[u8]>::len(self) as u64
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        let Ok(start) = usize::try_from(offset) else {
            return Ok(0);
        };
        let Some(src) = self.get(start..) else {
            return Ok(0);
        };
        let n = src.len().min(buf.len());
        if let (Some(dst), Some(src)) = (buf.get_mut(..n), src.get(..n)) {
            dst.copy_from_slice(src);
        }
        Ok(n)
    }
}

impl Blob for &[u8] {
    fn len(&self) -> u64 {
        <[u8]>::len(self) as u64
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        (**self).read_at(offset, buf)
    }
}

impl Blob for Vec<u8> {
    fn len(&self) -> u64 {
        self.as_slice().len() as u64
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        self.as_slice().read_at(offset, buf)
    }
}

/// A window `[start, start + len)` of another blob, e.g. a stored zip member.
pub struct SubBlob<'a> {
    inner: &'a dyn Blob,
    start: u64,
    len: u64,
}

impl<'a> SubBlob<'a> {
    /// The window is clamped to the inner blob's end.
    pub fn new(inner: &'a dyn Blob, start: u64, len: u64) -> Self {
        let start = start.min(inner.len());
        let len = len.min(inner.len() - start);
        SubBlob { inner, start, len }
    }
}

impl Blob for SubBlob<'_> {
    fn len(&self) -> u64 {
        self.len
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        if offset >= self.len {
            return Ok(0);
        }
        let max = usize::try_from(self.len - offset).unwrap_or(usize::MAX);
        let take = buf.len().min(max);
        let Some(window) = buf.get_mut(..take) else {
            return Ok(0);
        };
        self.inner.read_at(self.start + offset, window)
    }
}

/// Another blob that counts the bytes and reads that reach it: how much work a parser
/// did, as an operation count (tests hold parsers to a read budget with it, which a
/// loaded machine cannot break the way a wall-clock limit breaks).
pub struct CountingBlob<'a> {
    inner: &'a dyn Blob,
    bytes: AtomicU64,
    reads: AtomicU64,
}

impl<'a> CountingBlob<'a> {
    /// Counts from zero.
    pub fn new(inner: &'a dyn Blob) -> Self {
        CountingBlob {
            inner,
            bytes: AtomicU64::new(0),
            reads: AtomicU64::new(0),
        }
    }

    /// Bytes read so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// `read_at` calls so far.
    pub fn reads(&self) -> u64 {
        self.reads.load(Ordering::Relaxed)
    }
}

impl Blob for CountingBlob<'_> {
    fn len(&self) -> u64 {
        self.inner.len()
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read_at(offset, buf)?;
        self.bytes.fetch_add(n as u64, Ordering::Relaxed);
        self.reads.fetch_add(1, Ordering::Relaxed);
        Ok(n)
    }
}

/// Sequential reader over a blob with a read-ahead buffer. Skipping is free: it only
/// moves the position.
pub struct Cursor<'a> {
    blob: &'a dyn Blob,
    pos: u64,
    buf: Vec<u8>,
    buf_start: u64,
}

const CURSOR_BUFFER: usize = 64 * 1024;

impl<'a> Cursor<'a> {
    /// A cursor at `pos`.
    pub fn new(blob: &'a dyn Blob, pos: u64) -> Self {
        Cursor {
            blob,
            pos,
            buf: Vec::new(),
            buf_start: 0,
        }
    }

    /// Current position.
    pub fn pos(&self) -> u64 {
        self.pos
    }

    /// Bytes left after the position.
    pub fn remaining(&self) -> u64 {
        self.blob.len().saturating_sub(self.pos)
    }

    /// True when the position is at the end.
    pub fn at_end(&self) -> bool {
        self.remaining() == 0
    }

    /// The underlying blob.
    pub fn blob(&self) -> &'a dyn Blob {
        self.blob
    }

    fn fill(&mut self, want: usize) -> io::Result<()> {
        let buf_end = self.buf_start + self.buf.len() as u64;
        if self.pos >= self.buf_start && self.pos + want as u64 <= buf_end {
            return Ok(());
        }
        // Refill in place: the buffer is allocated once per cursor and reused.
        let available =
            usize::try_from(self.blob.len().saturating_sub(self.pos)).unwrap_or(usize::MAX);
        let size = want.max(CURSOR_BUFFER).min(available);
        self.buf.resize(size, 0);
        self.blob.read_exact_at(self.pos, &mut self.buf)?;
        self.buf_start = self.pos;
        Ok(())
    }

    /// Reads exactly `n` bytes. The caller bounds `n`.
    pub fn take(&mut self, n: usize) -> io::Result<&[u8]> {
        if (n as u64) > self.remaining() {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!(
                    "needed {n} bytes at offset {}, only {} left",
                    self.pos,
                    self.remaining()
                ),
            ));
        }
        self.fill(n)?;
        let start = usize::try_from(self.pos - self.buf_start).unwrap_or(usize::MAX);
        self.pos += n as u64;
        self.buf
            .get(start..start + n)
            .ok_or_else(|| io::Error::new(io::ErrorKind::UnexpectedEof, "short read"))
    }

    /// Reads one byte.
    pub fn u8(&mut self) -> io::Result<u8> {
        Ok(self.take(1)?.first().copied().unwrap_or(0))
    }

    /// Reads a little-endian u16.
    pub fn u16_le(&mut self) -> io::Result<u16> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    /// Reads a little-endian u32.
    pub fn u32_le(&mut self) -> io::Result<u32> {
        let mut a = [0u8; 4];
        a.copy_from_slice(self.take(4)?);
        Ok(u32::from_le_bytes(a))
    }

    /// Reads a little-endian u64.
    pub fn u64_le(&mut self) -> io::Result<u64> {
        let mut a = [0u8; 8];
        a.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(a))
    }

    /// Reads up to and excluding the next `\n`, consuming it. Fails if no newline is
    /// found within `max` bytes.
    pub fn line(&mut self, max: usize) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        loop {
            if self.at_end() {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "end of data inside a text line",
                ));
            }
            let chunk = usize::try_from(self.remaining().min(4096)).unwrap_or(4096);
            let data = self.take(chunk)?.to_vec();
            if let Some(nl) = data.iter().position(|&b| b == b'\n') {
                out.extend_from_slice(data.get(..nl).unwrap_or_default());
                self.pos -= (chunk - nl - 1) as u64;
                if out.len() > max {
                    break;
                }
                return Ok(out);
            }
            out.extend_from_slice(&data);
            if out.len() > max {
                break;
            }
        }
        Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("text line longer than {max} bytes"),
        ))
    }

    /// Moves the position forward by `n` bytes without reading them.
    pub fn skip(&mut self, n: u64) -> io::Result<()> {
        if n > self.remaining() {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!(
                    "cannot skip {n} bytes at offset {}: only {} left",
                    self.pos,
                    self.remaining()
                ),
            ));
        }
        self.pos += n;
        Ok(())
    }

    /// Moves to an absolute position (clamped to the end).
    pub fn seek(&mut self, pos: u64) {
        self.pos = pos.min(self.blob.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_reads_lines_and_skips() {
        let data = b"abc\ndef\nxyz".to_vec();
        let mut c = Cursor::new(&data, 0);
        assert_eq!(c.line(10).ok(), Some(b"abc".to_vec()));
        c.skip(2).ok();
        assert_eq!(c.line(10).ok(), Some(b"f".to_vec()));
        assert!(c.line(10).is_err());
        let mut c = Cursor::new(&data, 0);
        assert!(c.line(2).is_err());
        assert!(c.skip(100).is_err());
    }

    #[test]
    fn sub_blob_is_clamped() {
        let data = b"0123456789".to_vec();
        let sub = SubBlob::new(&data, 8, 100);
        assert_eq!(sub.len(), 2);
        assert_eq!(sub.read_vec(0, 10).ok(), Some(b"89".to_vec()));
    }
}
