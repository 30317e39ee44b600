//! A multi-gigabyte PyTorch checkpoint is judged from its pickle alone: the tensor
//! storage is never read. The file is sparse, so the test costs no disk space.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::fs::File;
use std::io::{Seek, SeekFrom, Write};

use rampart_scan::blob::FileBlob;
use rampart_scan::{scan_blob, Format, Limits};

const STORAGE: u64 = 3_500_000_000;

fn local_header(out: &mut File, name: &str, size: u32) -> u64 {
    let offset = out.stream_position().unwrap();
    out.write_all(&0x0403_4b50u32.to_le_bytes()).unwrap();
    out.write_all(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        .unwrap();
    out.write_all(&size.to_le_bytes()).unwrap();
    out.write_all(&size.to_le_bytes()).unwrap();
    out.write_all(&(name.len() as u16).to_le_bytes()).unwrap();
    out.write_all(&0u16.to_le_bytes()).unwrap();
    out.write_all(name.as_bytes()).unwrap();
    offset
}

fn central(cd: &mut Vec<u8>, name: &str, size: u32, offset: u64) {
    cd.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
    cd.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    cd.extend_from_slice(&size.to_le_bytes());
    cd.extend_from_slice(&size.to_le_bytes());
    cd.extend_from_slice(&(name.len() as u16).to_le_bytes());
    cd.extend_from_slice(&[0u8; 12]);
    cd.extend_from_slice(&(offset as u32).to_le_bytes());
    cd.extend_from_slice(name.as_bytes());
}

fn build(pickle: &[u8]) -> tempfile::NamedTempFile {
    let tmp = tempfile::NamedTempFile::new().expect("temp file");
    let mut f = tmp.reopen().unwrap();
    let mut cd = Vec::new();
    let at = local_header(&mut f, "archive/data.pkl", pickle.len() as u32);
    f.write_all(pickle).unwrap();
    central(&mut cd, "archive/data.pkl", pickle.len() as u32, at);
    let at = local_header(&mut f, "archive/data/0", STORAGE as u32);
    f.seek(SeekFrom::Current(STORAGE as i64)).unwrap();
    central(&mut cd, "archive/data/0", STORAGE as u32, at);
    let cd_offset = f.stream_position().unwrap() as u32;
    f.write_all(&cd).unwrap();
    f.write_all(&0x0605_4b50u32.to_le_bytes()).unwrap();
    f.write_all(&[0, 0, 0, 0, 2, 0, 2, 0]).unwrap();
    f.write_all(&(cd.len() as u32).to_le_bytes()).unwrap();
    f.write_all(&cd_offset.to_le_bytes()).unwrap();
    f.write_all(&0u16.to_le_bytes()).unwrap();
    tmp
}

#[test]
fn tensor_data_of_a_multi_gigabyte_checkpoint_is_never_read() {
    let pickle = b"\x80\x02cposix\nsystem\nX\x02\x00\x00\x00id\x85R.";
    let tmp = build(pickle);
    let blob = FileBlob::new(File::open(tmp.path()).unwrap()).unwrap();
    assert!(rampart_scan::blob::Blob::len(&blob) > STORAGE);
    let scan = scan_blob(&blob, "big.pt", None, &Limits::default());
    assert_eq!(scan.format, Format::PytorchZip);
    assert!(
        scan.findings.iter().any(|f| f.rule == "PKL001"),
        "{:?}",
        scan.findings
    );
    let read = blob.bytes_read();
    assert!(
        read < 512 * 1024,
        "read {read} bytes of a {STORAGE}-byte checkpoint"
    );
}
