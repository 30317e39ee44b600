#![allow(clippy::expect_used, clippy::unwrap_used)]
//! Every compression a model loader opens (issue 11): joblib's `compress=` zlib,
//! gzip, bz2, lzma, xz and lz4, and pandas' zstd, are opened and their pickle judged;
//! a decompression bomb in each is bounded by the limits.

use std::io::Write;

use rampart_core::Severity;
use rampart_scan::{scan_bytes, Format, Limits};

/// A protocol-2 pickle that calls `os.system` when loaded.
const EVIL_PICKLE: &[u8] =
    b"\x80\x02cos\nsystem\nq\x00X\x0a\x00\x00\x00echo pwnedq\x01\x85q\x02Rq\x03.";

fn data_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Gzip,
    Zlib,
    Bzip2,
    Xz,
    Lzma,
    Lz4,
    Zstd,
}

const ALL: [Kind; 7] = [
    Kind::Gzip,
    Kind::Zlib,
    Kind::Bzip2,
    Kind::Xz,
    Kind::Lzma,
    Kind::Lz4,
    Kind::Zstd,
];

fn compress(kind: Kind, data: &[u8]) -> Vec<u8> {
    match kind {
        Kind::Gzip => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        }
        Kind::Zlib => {
            let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        }
        Kind::Bzip2 => {
            let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        }
        Kind::Xz => {
            let mut out = Vec::new();
            lzma_rs::xz_compress(&mut std::io::Cursor::new(data), &mut out).unwrap();
            out
        }
        Kind::Lzma => {
            let mut out = Vec::new();
            lzma_rs::lzma_compress(&mut std::io::Cursor::new(data), &mut out).unwrap();
            out
        }
        Kind::Lz4 => {
            let mut e = lz4_flex::frame::FrameEncoder::new(Vec::new());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        }
        Kind::Zstd => {
            ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest)
        }
    }
}

#[test]
fn joblib_magics_are_the_ones_joblib_writes() {
    // joblib/compressor.py: _ZLIB_PREFIX b"\x78", _GZIP_PREFIX b"\x1f\x8b",
    // _BZ2_PREFIX b"BZ", _XZ_PREFIX b"\xfd\x37\x7a\x58\x5a", _LZMA_PREFIX b"\x5d\x00",
    // _LZ4_PREFIX b"\x04\x22\x4D\x18"; zstd frames start 28 b5 2f fd.
    let prefixes: [&[u8]; 7] = [
        b"\x1f\x8b",
        b"\x78",
        b"BZ",
        b"\xfd\x37\x7a\x58\x5a",
        b"\x5d\x00",
        b"\x04\x22\x4d\x18",
        b"\x28\xb5\x2f\xfd",
    ];
    for (kind, prefix) in ALL.iter().zip(prefixes) {
        assert!(compress(*kind, b"x").starts_with(prefix), "{kind:?}");
    }
}

#[test]
fn a_compressed_malicious_pickle_is_caught_in_every_format() {
    for kind in ALL {
        let data = compress(kind, EVIL_PICKLE);
        let scan = scan_bytes(&data, "model.joblib", &Limits::default());
        let codes: Vec<&str> = scan.findings.iter().map(|f| f.rule).collect();
        assert!(codes.contains(&"PKL001"), "{kind:?}: {codes:?}");
        assert!(
            scan.findings.iter().all(|f| f.rule != "SCN003"),
            "{kind:?} was not opened: {codes:?}"
        );
        assert_eq!(scan.format, Format::Joblib, "{kind:?}");
        assert!(
            scan.findings.iter().any(|f| f.severity >= Severity::High),
            "{kind:?}"
        );
    }
}

#[test]
fn a_decompression_bomb_is_bounded_in_every_format() {
    let limits = Limits {
        member_bytes: 1 << 20,
        ..Limits::default()
    };
    // A pickle whose payload hides behind 8 MiB of padding: only the first MiB is
    // decompressed, the cap is reported and the file is not called complete.
    let mut bomb = EVIL_PICKLE.to_vec();
    bomb.extend(std::iter::repeat_n(0u8, 8 << 20));
    for kind in ALL {
        // lzma-rs writes literal-only streams: the xz and lzma bombs are made by
        // Python's lzma module (scripts/fixtures/gen_compression_bombs.py), the
        // payload being the same.
        let data = match kind {
            Kind::Xz => std::fs::read(data_dir().join("bomb.pkl.xz")).unwrap(),
            Kind::Lzma => std::fs::read(data_dir().join("bomb.pkl.lzma")).unwrap(),
            _ => compress(kind, &bomb),
        };
        assert!(data.len() < (64 << 10), "{kind:?} did not compress");
        let scan = scan_bytes(&data, "model.pkl.z", &limits);
        let limit = scan
            .findings
            .iter()
            .find(|f| f.rule == "SCN002")
            .unwrap_or_else(|| panic!("{kind:?}: {:?}", scan.findings));
        assert!(
            limit.message.contains("1048576"),
            "{kind:?}: {}",
            limit.message
        );
        assert!(scan.incomplete, "{kind:?}");
        // What was read is still judged.
        assert!(scan.findings.iter().any(|f| f.rule == "PKL001"), "{kind:?}");
    }
}

#[test]
fn truncated_and_corrupt_streams_are_errors_not_clean() {
    for kind in ALL {
        let mut payload = EVIL_PICKLE.to_vec();
        payload.extend((0..20_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
        let data = compress(kind, &payload);
        for cut in [data.len() / 2, data.len() - 3] {
            let scan = scan_bytes(&data[..cut], "model.joblib", &Limits::default());
            let judged_clean = scan.findings.is_empty() && !scan.incomplete;
            assert!(!judged_clean, "{kind:?} cut at {cut}: {:?}", scan.findings);
        }
    }
}

#[test]
fn seven_zip_and_rar_are_still_reported_as_not_opened() {
    for (data, name) in [
        (
            &b"7z\xbc\xaf\x27\x1c\x00\x04rest of archive"[..],
            "model.7z",
        ),
        (&b"Rar!\x1a\x07\x01\x00rest of archive"[..], "model.rar"),
    ] {
        let scan = scan_bytes(data, name, &Limits::default());
        assert!(scan.findings.iter().any(|f| f.rule == "SCN003"), "{name}");
        assert!(scan.incomplete, "{name}");
    }
}

#[test]
fn a_huge_lzma_dictionary_is_refused_not_allocated() {
    // lzma-alone header: properties 5d, a 3.75 GiB dictionary, unknown size.
    let mut data = vec![0x5d, 0x00, 0x00, 0x00, 0xf0];
    data.extend_from_slice(&[0xff; 8]);
    data.extend_from_slice(&[0x00, 0x41, 0x17, 0x99, 0x02, 0x10, 0x00, 0x00]);
    let scan = scan_bytes(&data, "model.pkl", &Limits::default());
    assert!(
        !scan.findings.is_empty() || scan.incomplete,
        "judged clean: {:?}",
        scan.format
    );
}
