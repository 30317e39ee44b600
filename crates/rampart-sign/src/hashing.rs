//! Hashing files and byte ranges of files, fast: large positional reads (no second
//! pass over any byte), files and shards in parallel across cores (rayon), and
//! BLAKE3's own multi-threading inside large chunks.

use std::fs::File;
use std::io;
use std::path::Path;

use sha2::Digest;

/// Bytes read per call; large enough that syscalls are noise, small enough that
/// per-thread buffers stay cheap.
const CHUNK: usize = 8 * 1024 * 1024;

/// A digest algorithm, named as in OMS manifests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashAlgorithm {
    /// SHA-256 (the OMS default).
    Sha256,
    /// BLAKE2b with a 512-bit digest.
    Blake2b,
    /// BLAKE3 (256-bit).
    Blake3,
}

impl HashAlgorithm {
    /// The name written into manifests.
    pub fn name(self) -> &'static str {
        match self {
            HashAlgorithm::Sha256 => "sha256",
            HashAlgorithm::Blake2b => "blake2b",
            HashAlgorithm::Blake3 => "blake3",
        }
    }

    /// Parses a manifest or command-line name.
    pub fn parse(s: &str) -> Option<HashAlgorithm> {
        match s.to_ascii_lowercase().replace(['-', '_'], "").as_str() {
            "sha256" => Some(HashAlgorithm::Sha256),
            "blake2b" | "blake2" | "blake2b512" => Some(HashAlgorithm::Blake2b),
            "blake3" => Some(HashAlgorithm::Blake3),
            _ => None,
        }
    }

    /// A fresh incremental hasher.
    pub fn hasher(self) -> Hasher {
        match self {
            HashAlgorithm::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
            HashAlgorithm::Blake2b => Hasher::Blake2b(blake2::Blake2b512::new()),
            HashAlgorithm::Blake3 => Hasher::Blake3(Box::new(blake3::Hasher::new())),
        }
    }

    /// The digest of `data`.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        let mut h = self.hasher();
        h.update(data);
        h.finalize()
    }
}

/// An incremental hasher.
pub enum Hasher {
    /// SHA-256 (uses the CPU's SHA extensions when present).
    Sha256(sha2::Sha256),
    /// BLAKE2b-512.
    Blake2b(blake2::Blake2b512),
    /// BLAKE3.
    Blake3(Box<blake3::Hasher>),
}

impl Hasher {
    /// Absorbs bytes. Large BLAKE3 inputs are hashed on several threads.
    pub fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Sha256(h) => h.update(data),
            Hasher::Blake2b(h) => h.update(data),
            Hasher::Blake3(h) => {
                if data.len() >= 1024 * 1024 {
                    h.update_rayon(data);
                } else {
                    h.update(data);
                }
            }
        }
    }

    /// The digest.
    pub fn finalize(self) -> Vec<u8> {
        match self {
            Hasher::Sha256(h) => h.finalize().to_vec(),
            Hasher::Blake2b(h) => h.finalize().to_vec(),
            Hasher::Blake3(h) => h.finalize().as_bytes().to_vec(),
        }
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

/// Hashes bytes `[start, end)` of `path`, calling `progress` with the number of
/// bytes after each chunk. Fails if the file is shorter than `end` (it changed).
pub fn hash_range(
    path: &Path,
    start: u64,
    end: u64,
    algorithm: HashAlgorithm,
    progress: &(dyn Fn(u64) + Sync),
) -> io::Result<Vec<u8>> {
    // Whole files under BLAKE3 go through the crate's memory-mapped, multi-threaded
    // path (what b3sum does): no copy, all cores on one file. (As with any mmap, a
    // file truncated by another process while it is hashed can fault; rampart hashes
    // model files at rest.)
    if algorithm == HashAlgorithm::Blake3 && start == 0 {
        let size = std::fs::metadata(path)?.len();
        if size == end && size >= 16 * 1024 * 1024 {
            let mut hasher = blake3::Hasher::new();
            hasher.update_mmap_rayon(path)?;
            progress(size);
            return Ok(hasher.finalize().as_bytes().to_vec());
        }
    }
    let file = File::open(path)?;
    let mut hasher = algorithm.hasher();
    let total = end.saturating_sub(start);
    let mut buf = vec![0u8; CHUNK.min(usize::try_from(total).unwrap_or(CHUNK)).max(1)];
    let mut pos = start;
    while pos < end {
        let want = usize::try_from(end - pos)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let Some(window) = buf.get_mut(..want) else {
            break;
        };
        let mut filled = 0usize;
        while filled < want {
            let Some(rest) = window.get_mut(filled..) else {
                break;
            };
            let n = read_at(&file, rest, pos + filled as u64)?;
            if n == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!(
                        "{} ended at byte {} while hashing up to {end}",
                        path.display(),
                        pos + filled as u64
                    ),
                ));
            }
            filled += n;
        }
        hasher.update(window);
        pos += want as u64;
        progress(want as u64);
    }
    Ok(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answers() {
        assert_eq!(
            hex::encode(HashAlgorithm::Sha256.digest(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex::encode(HashAlgorithm::Blake3.digest(b"")),
            "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"
        );
        assert_eq!(HashAlgorithm::Blake2b.digest(b"").len(), 64);
    }

    #[test]
    fn ranges_hash_like_slices() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        for alg in [
            HashAlgorithm::Sha256,
            HashAlgorithm::Blake2b,
            HashAlgorithm::Blake3,
        ] {
            let got = hash_range(&path, 10, 70_000, alg, &|_| {}).unwrap();
            assert_eq!(got, alg.digest(&data[10..70_000]));
        }
        assert!(hash_range(&path, 0, 200_000, HashAlgorithm::Sha256, &|_| {}).is_err());
    }

    #[test]
    fn large_blake3_files_take_the_mapped_path_and_agree() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big");
        let data: Vec<u8> = (0..17 * 1024 * 1024u32).map(|i| (i % 253) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let len = data.len() as u64;
        let mapped = hash_range(&path, 0, len, HashAlgorithm::Blake3, &|_| {}).unwrap();
        assert_eq!(mapped, HashAlgorithm::Blake3.digest(&data));
        let read = hash_range(&path, 1, len, HashAlgorithm::Blake3, &|_| {}).unwrap();
        assert_eq!(read, HashAlgorithm::Blake3.digest(&data[1..]));
    }
}
