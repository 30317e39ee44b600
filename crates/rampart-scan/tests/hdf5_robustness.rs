//! Hostile-input tests: truncation, byte flips and hand-built malformed files.

#![allow(clippy::unwrap_used)] // test helpers may panic

use rampart_scan::formats::hdf5::{
    find_superblock, read_root_attributes, AttrValue, Hdf5Limits, CLASS_UNKNOWN,
};
use std::time::Instant;

use rampart_scan::blob::CountingBlob;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/data/hdf5/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn every_truncation_is_handled() {
    let limits = Hdf5Limits::default();
    for name in ["a_fixed.h5", "b_vlen.h5", "c_latest.h5"] {
        let full = fixture(name);
        let mut ok = 0;
        for len in 0..=full.len() {
            if read_root_attributes(&full[..len].to_vec(), &limits).is_ok() {
                ok += 1;
            }
        }
        // The attributes sit in the first part of the file; the weights do not matter.
        assert!(ok > 0 && ok < full.len(), "{name}: {ok}");
        assert!(read_root_attributes(&Vec::new(), &limits).is_err());
    }
}

fn flip(name: &str, seed: u64) {
    let orig = fixture(name);
    let limits = Hdf5Limits::default();
    let mut rng = fastrand::Rng::with_seed(seed);
    let start = Instant::now();
    let mut errs = 0;
    for _ in 0..5_000 {
        let mut m = orig.clone();
        for _ in 0..rng.usize(1..=8) {
            // Bias half the flips into the metadata-dense first 2 KiB.
            let span = if rng.bool() {
                2048.min(m.len())
            } else {
                m.len()
            };
            let i = rng.usize(..span);
            m[i] ^= 1 << rng.u32(..8);
        }
        // An operation-count budget, not a wall-clock one: the bytes the reader
        // pulls. It follows addresses in the file, so a mutated address that sends it
        // round in loops or re-reads shows up here.
        let counting = CountingBlob::new(&m);
        if read_root_attributes(&counting, &limits).is_err() {
            errs += 1;
        }
        let budget = 8 * m.len() as u64 + (1 << 20);
        assert!(
            counting.bytes_read() <= budget,
            "{name}: read {} bytes of {} (budget {budget})",
            counting.bytes_read(),
            m.len()
        );
    }
    let took = start.elapsed();
    eprintln!("{name}: 5000 mutations, {errs} errors, {took:?}");
}

#[test]
fn byte_flips_fixed() {
    flip("a_fixed.h5", 0x9E37_79B9_7F4A_7C15);
}

#[test]
fn byte_flips_latest() {
    flip("c_latest.h5", 0xD1B5_4A32_D192_ED03);
}

#[test]
fn byte_flips_vlen() {
    flip("b_vlen.h5", 0x2545_F491_4F6C_DD1D);
}

// ---- hand-built files: superblock v2 + version 2 object header ----

const UNDEF: u64 = u64::MAX;

/// Superblock v2 (48 bytes, checksum not verified) with the root header at 48.
fn superblock_v2() -> Vec<u8> {
    let mut f = b"\x89HDF\r\n\x1a\n".to_vec();
    f.extend_from_slice(&[2, 8, 8, 0]);
    for a in [0, UNDEF, 0, 48] {
        f.extend_from_slice(&a.to_le_bytes());
    }
    f.extend_from_slice(&[0; 4]);
    f
}

/// A v2 header message: type (1), size (2), flags (1), data.
fn msg(mtype: u8, flags: u8, data: &[u8]) -> Vec<u8> {
    let mut m = vec![mtype];
    m.extend_from_slice(&(data.len() as u16).to_le_bytes());
    m.push(flags);
    m.extend_from_slice(data);
    m
}

/// "OHDR" v2 with 4-byte chunk size, then messages and a dummy checksum.
fn ohdr(msgs: &[Vec<u8>]) -> Vec<u8> {
    let body: Vec<u8> = msgs.concat();
    let mut h = b"OHDR".to_vec();
    h.extend_from_slice(&[2, 0x02]);
    h.extend_from_slice(&(body.len() as u32).to_le_bytes());
    h.extend_from_slice(&body);
    h.extend_from_slice(&[0; 4]);
    h
}

fn file(msgs: &[Vec<u8>]) -> Vec<u8> {
    let mut f = superblock_v2();
    f.extend_from_slice(&ohdr(msgs));
    f
}

fn fixed_string_type(size: u32, pad: u8) -> Vec<u8> {
    let mut t = vec![0x13, pad, 0, 0];
    t.extend_from_slice(&size.to_le_bytes());
    t
}

const SCALAR: [u8; 4] = [2, 0, 0, 0];

/// Attribute message v2 (no name encoding byte) or v3.
fn attr(version: u8, flags: u8, name: &str, dt: &[u8], ds: &[u8], data: &[u8]) -> Vec<u8> {
    let mut a = vec![version, flags];
    a.extend_from_slice(&(name.len() as u16 + 1).to_le_bytes());
    a.extend_from_slice(&(dt.len() as u16).to_le_bytes());
    a.extend_from_slice(&(ds.len() as u16).to_le_bytes());
    if version == 3 {
        a.push(1);
    }
    a.extend_from_slice(name.as_bytes());
    a.push(0);
    a.extend_from_slice(dt);
    a.extend_from_slice(ds);
    a.extend_from_slice(data);
    msg(0x0C, 0, &a)
}

fn continuation(addr: u64, len: u64) -> Vec<u8> {
    let mut d = addr.to_le_bytes().to_vec();
    d.extend_from_slice(&len.to_le_bytes());
    msg(0x10, 0, &d)
}

#[test]
fn synthetic_v2_and_v3_attributes() {
    let f = file(&[
        attr(2, 0, "v2", &fixed_string_type(4, 0), &SCALAR, b"ab\0\0"),
        attr(3, 0, "v3", &fixed_string_type(4, 2), &SCALAR, b"cd  "),
        // Attribute info with an undefined fractal heap address: compact, no note.
        msg(
            0x15,
            0,
            &[&[0u8, 0][..], &UNDEF.to_le_bytes(), &UNDEF.to_le_bytes()].concat(),
        ),
    ]);
    let ir = read_root_attributes(&f, &Hdf5Limits::default()).unwrap();
    let got: Vec<(&str, &AttrValue)> = ir
        .attributes
        .iter()
        .map(|a| (a.name.as_str(), &a.value))
        .collect();
    assert_eq!(
        got,
        vec![
            ("v2", &AttrValue::Text(vec!["ab".into()])),
            ("v3", &AttrValue::Text(vec!["cd".into()])),
        ]
    );
    assert!(ir.unsupported.is_empty());
}

#[test]
fn shared_things_are_reported() {
    let f = file(&[
        msg(0x0C, 0x02, &[0; 16]),
        attr(3, 0x01, "committed", &[0; 8], &SCALAR, &[]),
    ]);
    let ir = read_root_attributes(&f, &Hdf5Limits::default()).unwrap();
    assert_eq!(ir.unsupported.len(), 2, "{:?}", ir.unsupported);
    assert_eq!(ir.attributes.len(), 1);
    assert_eq!(
        ir.attributes[0].value,
        AttrValue::Other {
            class: CLASS_UNKNOWN
        }
    );
}

#[test]
fn continuation_cycle_v2_is_an_error() {
    // Root header → OCHK at X; X's continuation points back to X.
    let root_len = ohdr(&[continuation(0, 0)]).len() as u64;
    let x = 48 + root_len;
    let mut f = file(&[continuation(x, 4 + 20 + 4)]);
    assert_eq!(f.len() as u64, x);
    f.extend_from_slice(b"OCHK");
    f.extend_from_slice(&continuation(x, 28));
    f.extend_from_slice(&[0; 4]);
    let err = read_root_attributes(&f, &Hdf5Limits::default()).unwrap_err();
    assert!(err.0.contains("cycle"), "{err}");
}

#[test]
fn continuation_cycle_v1_is_an_error() {
    // Superblock v0 (O = L = 8), root symbol table entry → v1 header at 96
    // whose only message continues into its own first chunk.
    let mut f = b"\x89HDF\r\n\x1a\n".to_vec();
    f.extend_from_slice(&[0, 0, 0, 0, 0, 8, 8, 0, 4, 0, 16, 0, 0, 0, 0, 0]);
    for a in [0, UNDEF, 0, UNDEF, 0, 96] {
        f.extend_from_slice(&a.to_le_bytes());
    }
    f.extend_from_slice(&[0; 24]); // cache type, reserved, scratch
    assert_eq!(f.len(), 96);
    f.extend_from_slice(&[1, 0, 1, 0, 1, 0, 0, 0, 24, 0, 0, 0, 0, 0, 0, 0]);
    f.extend_from_slice(&[0x10, 0, 16, 0, 0, 0, 0, 0]);
    f.extend_from_slice(&112u64.to_le_bytes());
    f.extend_from_slice(&24u64.to_le_bytes());
    let err = read_root_attributes(&f, &Hdf5Limits::default()).unwrap_err();
    assert!(err.0.contains("cycle"), "{err}");
    assert_eq!(find_superblock(&f), Some(0));
}

#[test]
fn huge_fixed_string_is_an_error() {
    let f = file(&[attr(
        3,
        0,
        "big",
        &fixed_string_type(0xFFFF_FFF0, 0),
        &SCALAR,
        b"x",
    )]);
    let err = read_root_attributes(&f, &Hdf5Limits::default()).unwrap_err();
    assert!(err.0.contains("shorter"), "{err}");
}

#[test]
fn huge_vlen_string_is_an_error() {
    // Variable-length string (class 9, type 1) whose length claims 4 GiB.
    let mut dt = vec![0x19, 0x01, 0, 0, 16, 0, 0, 0];
    dt.extend_from_slice(&[0x10, 0, 0, 0, 1, 0, 0, 0, 0, 0, 8, 0]);
    let mut data = u32::MAX.to_le_bytes().to_vec();
    data.extend_from_slice(&0u64.to_le_bytes());
    data.extend_from_slice(&1u32.to_le_bytes());
    let f = file(&[attr(3, 0, "big", &dt, &SCALAR, &data)]);
    let err = read_root_attributes(&f, &Hdf5Limits::default()).unwrap_err();
    assert!(err.0.contains("max_string"), "{err}");
}

#[test]
fn huge_dataspace_is_an_error() {
    let mut ds = vec![2, 2, 0, 1];
    ds.extend_from_slice(&(1u64 << 40).to_le_bytes());
    ds.extend_from_slice(&(1u64 << 40).to_le_bytes());
    let f = file(&[attr(3, 0, "big", &fixed_string_type(1, 0), &ds, b"x")]);
    let err = read_root_attributes(&f, &Hdf5Limits::default()).unwrap_err();
    assert!(err.0.contains("too many elements"), "{err}");
}

#[test]
fn message_overrunning_chunk_is_an_error() {
    let mut f = file(&[msg(0x0C, 0, &[3; 8])]);
    // Claim a larger chunk-0 size than the file holds.
    f[54..58].copy_from_slice(&1_000_000u32.to_le_bytes());
    assert!(read_root_attributes(&f, &Hdf5Limits::default()).is_err());
}

#[test]
fn no_signature() {
    assert!(find_superblock(&Vec::<u8>::new()).is_none());
    assert!(read_root_attributes(&vec![0u8; 4096], &Hdf5Limits::default()).is_err());
}

/// A v1 attribute message (name, datatype, dataspace each padded to 8 bytes)
/// wrapped in a v1 header message (type (2), size (2), flags, reserved (3)).
fn attr_v1(name: &str, dt: &[u8], ds: &[u8], data: &[u8]) -> Vec<u8> {
    let pad = |v: &mut Vec<u8>| v.resize(v.len().div_ceil(8) * 8, 0);
    let mut a = vec![1, 0];
    for n in [name.len() + 1, dt.len(), ds.len()] {
        a.extend_from_slice(&(n as u16).to_le_bytes());
    }
    let mut body = a;
    for part in [[name.as_bytes(), &[0]].concat(), dt.to_vec(), ds.to_vec()] {
        body.extend_from_slice(&part);
        pad(&mut body);
    }
    body.extend_from_slice(data);
    pad(&mut body);
    let mut m = vec![0x0C, 0];
    m.extend_from_slice(&(body.len() as u16).to_le_bytes());
    m.extend_from_slice(&[0; 4]);
    m.extend_from_slice(&body);
    m
}

#[test]
fn synthetic_superblock_v1_with_4_byte_sizes() {
    let mut f = b"\x89HDF\r\n\x1a\n".to_vec();
    f.extend_from_slice(&[1, 0, 0, 0, 0, 4, 4, 0, 4, 0, 16, 0, 0, 0, 0, 0, 32, 0, 0, 0]);
    for a in [0u32, u32::MAX, 0, u32::MAX, 0, 80] {
        f.extend_from_slice(&a.to_le_bytes());
    }
    f.extend_from_slice(&[0; 24]);
    assert_eq!(f.len(), 76);
    f.extend_from_slice(&[0; 4]);
    let msgs = [
        attr_v1(
            "k",
            &[0x13, 0, 0, 0, 5, 0, 0, 0],
            &[1, 0, 0, 0, 0, 0, 0, 0],
            b"hello",
        ),
        attr_v1(
            "arr",
            &[0x13, 1, 0, 0, 2, 0, 0, 0],
            &[1, 1, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0],
            b"abc\0",
        ),
    ]
    .concat();
    f.extend_from_slice(&[1, 0, 2, 0, 1, 0, 0, 0]);
    f.extend_from_slice(&(msgs.len() as u32).to_le_bytes());
    f.extend_from_slice(&[0; 4]);
    f.extend_from_slice(&msgs);
    let ir = read_root_attributes(&f, &Hdf5Limits::default()).unwrap();
    let got: Vec<(&str, &AttrValue)> = ir
        .attributes
        .iter()
        .map(|a| (a.name.as_str(), &a.value))
        .collect();
    assert_eq!(
        got,
        vec![
            ("k", &AttrValue::Text(vec!["hello".into()])),
            ("arr", &AttrValue::Text(vec!["ab".into(), "c".into()])),
        ]
    );
}
