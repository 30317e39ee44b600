//! Content detection and dispatch: recognises a blob's format from its bytes, runs the
//! format's parser once, runs the rules for that representation, and recurses into
//! archive members and compressed streams within the nesting limit.

use std::io::Read;

use crate::blob::{Blob, SubBlob};
use crate::context::Ctx;
use crate::format::Format;
use crate::formats::{
    gguf, hdf5, json, keras, npy, onnx, pickle, protobuf, safetensors, tar, tensorflow, zip,
};
use crate::rules::{
    self, pkl006_malformed_pickle, scn001_malformed_file as scn001,
    scn002_resource_limit as scn002, scn003_unsupported_archive as scn003,
};

const HEAD: usize = 4096;
/// Members above this size are judged a bomb when their declared ratio exceeds the cap.
const BOMB_MIN_BYTES: u64 = 64 * 1024 * 1024;

/// Scans one blob, reporting into `ctx`; returns the recognised format.
pub(crate) fn scan_blob(blob: &dyn Blob, name: &str, ctx: &mut Ctx<'_>) -> Format {
    let head = match blob.read_vec(0, HEAD) {
        Ok(h) => h,
        Err(e) => {
            ctx.report(&scn001::RULE, format!("cannot read data: {e}"), None, None);
            ctx.mark_incomplete();
            return Format::Unknown;
        }
    };
    if head.is_empty() {
        return Format::Empty;
    }
    if head.starts_with(npy::MAGIC) {
        return npy::scan(blob, ctx);
    }
    if head.starts_with(gguf::MAGIC) {
        return gguf::scan(blob, ctx);
    }
    if [0usize, 512, 1024, 2048]
        .iter()
        .any(|&at| head.get(at..at + 8) == Some(&hdf5::HDF5_SIGNATURE[..]))
    {
        return scan_hdf5(blob, ctx);
    }
    if head.starts_with(b"7z\xbc\xaf\x27\x1c") {
        ctx.report(
            &scn003::RULE,
            "7z archive: its content cannot be opened and was not judged",
            None,
            None,
        );
        ctx.mark_incomplete();
        return Format::SevenZip;
    }
    if head.starts_with(b"Rar!\x1a\x07") {
        ctx.report(
            &scn003::RULE,
            "RAR archive: its content cannot be opened and was not judged",
            None,
            None,
        );
        ctx.mark_incomplete();
        return Format::Rar;
    }
    if zip::looks_like_zip(&head, blob) {
        return scan_zip(blob, ctx);
    }
    if tar::looks_like_tar(&head) {
        return tar::scan(blob, ctx);
    }
    if let Some(kind) = compression(&head) {
        if let Some(format) = scan_compressed(blob, kind, name, ctx) {
            return format;
        }
    }
    if safetensors::looks_like_safetensors(&head, blob.len()) {
        return safetensors::scan(blob, ctx);
    }
    if let Some(format) = json::scan(&head, blob, ctx) {
        return format;
    }
    if let Some(format) = scan_pickle_data(blob, 0, ctx) {
        return format;
    }
    if let Some(format) = scan_protobuf(blob, &head, ctx) {
        return format;
    }
    Format::Unknown
}

/// Legacy Keras `.h5`: the architecture is JSON text in the root group's attributes.
fn scan_hdf5(blob: &dyn Blob, ctx: &mut Ctx<'_>) -> Format {
    let limits = hdf5::Hdf5Limits {
        max_string: usize::try_from(ctx.limits.document_bytes).unwrap_or(usize::MAX),
        ..hdf5::Hdf5Limits::default()
    };
    let ir = match hdf5::read_root_attributes(blob, &limits) {
        Ok(ir) => ir,
        Err(e) => {
            ctx.report(
                &scn001::RULE,
                format!("HDF5 file is malformed: {}", e.0),
                None,
                None,
            );
            ctx.mark_incomplete();
            return Format::Hdf5;
        }
    };
    for note in &ir.unsupported {
        ctx.report(
            &scn003::RULE,
            format!(
                "HDF5 root attributes not read: {note}; a model config stored there was not judged"
            ),
            None,
            None,
        );
        ctx.mark_incomplete();
    }
    let mut format = Format::Hdf5;
    for attr in &ir.attributes {
        let hdf5::AttrValue::Text(values) = &attr.value else {
            continue;
        };
        if attr.name == "model_config" || attr.name == "training_config" {
            if attr.name == "model_config" {
                format = Format::KerasH5;
            }
            for text in values {
                ctx.in_member(&format!("@{}", attr.name), |ctx| {
                    keras::scan_config_text(text, ctx)
                });
            }
        }
    }
    format
}

/// ONNX and TensorFlow protobufs have no magic: each parser validates the structure
/// against its schema, and the one that accepts the data names the format. When all
/// fail, the parser that got furthest decides whether this was a damaged file of its
/// format (reported) or not protobuf at all (silently unknown).
fn scan_protobuf(blob: &dyn Blob, head: &[u8], ctx: &mut Ctx<'_>) -> Option<Format> {
    if !matches!(head.first(), Some(0x08 | 0x0a)) {
        return None;
    }
    let limits = protobuf::ProtoLimits {
        max_depth: ctx.limits.protobuf_depth,
        ..protobuf::ProtoLimits::default()
    };
    let onnx_result = onnx::parse_onnx(blob, &limits);
    let onnx_err = match onnx_result {
        Ok(ir) => {
            rules::run_onnx(&ir, ctx);
            return Some(Format::Onnx);
        }
        Err(e) => e,
    };
    let saved = tensorflow::parse_saved_model(blob, &limits);
    let saved_err = match saved {
        Ok(ir) => {
            rules::run_tf(&ir, ctx);
            return Some(Format::TfSavedModel);
        }
        Err(e) => e,
    };
    let graph_err = match tensorflow::parse_graph_def(blob, &limits) {
        Ok(ir) => {
            rules::run_tf(&ir, ctx);
            return Some(Format::TfGraphDef);
        }
        Err(e) => e,
    };
    // A damaged file of one of these formats starts like it (SavedModel: schema
    // version 1 then a meta graph; ONNX: a plausible IR version) and fails because a
    // length-delimited field runs past the end: a truncation. Anything else is not
    // protobuf data as far as the scanner is concerned.
    let truncated = |e: &protobuf::ProtoError| e.message.contains("runs past end");
    let _ = graph_err;
    let (format, err) = match head {
        [0x08, 0x01, 0x12, ..] if truncated(&saved_err) => (Format::TfSavedModel, saved_err),
        [0x08, 3..=12, ..] if truncated(&onnx_err) => (Format::Onnx, onnx_err),
        _ => return None,
    };
    ctx.report(
        &scn001::RULE,
        format!(
            "{} protobuf is malformed at offset {}: {}",
            format.name(),
            err.offset,
            err.message
        ),
        Some(err.offset),
        None,
    );
    ctx.mark_incomplete();
    Some(format)
}

/// Simulates the pickles in `blob` from `start` and runs the pickle rules. Returns
/// `None` when the data is not a pickle.
pub(crate) fn scan_pickle_data(blob: &dyn Blob, start: u64, ctx: &mut Ctx<'_>) -> Option<Format> {
    let scan = pickle::scan_pickles_with(blob, start, ctx.limits, ctx.allow);
    if !scan.is_pickle {
        return None;
    }
    judge_pickle(&scan.ir, ctx);
    Some(if scan.ir.legacy_torch {
        Format::PytorchLegacy
    } else if scan.ir.joblib_arrays > 0 {
        Format::Joblib
    } else {
        Format::Pickle
    })
}

/// Runs the pickle rules and reports the limits reached.
pub(crate) fn judge_pickle(ir: &pickle::PickleIr, ctx: &mut Ctx<'_>) {
    rules::run_pickle(ir, ctx);
    for event in &ir.limits {
        ctx.report(
            &scn002::RULE,
            format!("pickle not judged past this point: {}", event.message),
            Some(event.offset),
            None,
        );
        ctx.mark_incomplete();
    }
}

/// A compressed stream the scanner opens: everything joblib (`compress=` zlib, gzip,
/// bz2, lzma, xz, lz4) and pandas (`compression=` gzip, bz2, xz, zstd) write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compression {
    Gzip,
    Zlib,
    Bzip2,
    Xz,
    /// The legacy `.lzma` ("lzma-alone") container: joblib's `compress='lzma'`.
    Lzma,
    Lz4,
    Zstd,
}

impl Compression {
    /// Every kind, for the fuzz target.
    pub(crate) const ALL: [Compression; 7] = [
        Compression::Gzip,
        Compression::Zlib,
        Compression::Bzip2,
        Compression::Xz,
        Compression::Lzma,
        Compression::Lz4,
        Compression::Zstd,
    ];

    fn name(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Zlib => "zlib",
            Compression::Bzip2 => "bzip2",
            Compression::Xz => "xz",
            Compression::Lzma => "lzma",
            Compression::Lz4 => "LZ4",
            Compression::Zstd => "zstd",
        }
    }
}

/// Recognises a compressed stream by its magic (joblib's own prefixes in
/// `joblib/compressor.py` are these same magics: zlib `78`, gzip `1f 8b`, bz2 `BZ`,
/// xz `fd 37 7a 58 5a`, lzma `5d 00`, lz4 `04 22 4d 18`).
pub(crate) fn compression(head: &[u8]) -> Option<Compression> {
    match head {
        [0x1f, 0x8b, 0x08, ..] => Some(Compression::Gzip),
        [0x78, second, ..]
            if (0x7800u16 | u16::from(*second)) % 31 == 0
                && matches!(second, 0x01 | 0x5e | 0x9c | 0xda) =>
        {
            Some(Compression::Zlib)
        }
        [b'B', b'Z', b'h', b'1'..=b'9', ..] => Some(Compression::Bzip2),
        [0xfd, b'7', b'z', b'X', b'Z', 0x00, ..] => Some(Compression::Xz),
        // properties lc=3 lp=0 pb=2 (every encoder's default), then a dictionary size
        // whose low 16 bits are zero (a power of two of 64 KiB or more), 13-byte header.
        [0x5d, 0x00, 0x00, _, _, _, _, _, _, _, _, _, _, ..] => Some(Compression::Lzma),
        [0x04, 0x22, 0x4d, 0x18, ..] => Some(Compression::Lz4),
        [0x28, 0xb5, 0x2f, 0xfd, ..] => Some(Compression::Zstd),
        _ => None,
    }
}

/// Decompresses `blob` as `kind` into `data`, reading at most `cap` bytes of output.
/// Returns the decoder's error, if any; reaching the cap is not an error here (the
/// caller sees `data.len() == cap`).
pub(crate) fn decompress(
    blob: &dyn Blob,
    kind: Compression,
    cap: u64,
    data: &mut Vec<u8>,
) -> std::io::Result<()> {
    let reader = zip::BlobReader::new(blob);
    match kind {
        Compression::Gzip => flate2::read::MultiGzDecoder::new(reader)
            .take(cap)
            .read_to_end(data)
            .map(drop),
        Compression::Zlib => flate2::read::ZlibDecoder::new(reader)
            .take(cap)
            .read_to_end(data)
            .map(drop),
        Compression::Bzip2 => bzip2::read::MultiBzDecoder::new(reader)
            .take(cap)
            .read_to_end(data)
            .map(drop),
        Compression::Lz4 => lz4_flex::frame::FrameDecoder::new(reader)
            .take(cap)
            .read_to_end(data)
            .map(drop),
        Compression::Zstd => {
            let decoder = ruzstd::decoding::StreamingDecoder::new(reader)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
            decoder.take(cap).read_to_end(data).map(drop)
        }
        Compression::Xz | Compression::Lzma => {
            // The decoder's dictionary is refused above this (never below 64 MiB, the
            // dictionary of `xz -9`), so memory stays bounded whatever the header says.
            let mem_limit_kb =
                u32::try_from(cap.max(BOMB_MIN_BYTES) / 1024).unwrap_or(u32::MAX - 1);
            if kind == Compression::Xz {
                lzma_rust2::XzReader::new_mem_limit(reader, true, mem_limit_kb)
                    .take(cap)
                    .read_to_end(data)
                    .map(drop)
            } else {
                lzma_rust2::LzmaReader::new_mem_limit(reader, mem_limit_kb, None)?
                    .take(cap)
                    .read_to_end(data)
                    .map(drop)
            }
        }
    }
}

/// Decompresses a compressed stream within the budget and scans the content. Returns
/// `None` when the stream does not decompress at all (then it is not compressed data).
///
/// The output is capped at the member size limit, at what is left of the per-file
/// budget, and — for inputs of more than a few bytes — at the compression-ratio limit
/// times the input size (never below 64 MiB): a bomb is reported (`SCN002`) and the
/// part read is still judged.
fn scan_compressed(
    blob: &dyn Blob,
    kind: Compression,
    name: &str,
    ctx: &mut Ctx<'_>,
) -> Option<Format> {
    let by_ratio = blob
        .len()
        .saturating_mul(ctx.limits.compression_ratio)
        .max(BOMB_MIN_BYTES);
    let max = ctx
        .limits
        .member_bytes
        .min(ctx.decompress_budget())
        .min(by_ratio);
    let mut data = Vec::new();
    let result = decompress(blob, kind, max.saturating_add(1), &mut data);
    if let Err(e) = result {
        if data.is_empty() {
            return None;
        }
        ctx.report(
            &scn001::RULE,
            format!(
                "{} stream is corrupt after {} bytes: {e}",
                kind.name(),
                data.len()
            ),
            None,
            None,
        );
        ctx.mark_incomplete();
    }
    ctx.charge_decompressed(data.len() as u64);
    if data.len() as u64 > max {
        data.truncate(usize::try_from(max).unwrap_or(usize::MAX));
        let why = if max == by_ratio && by_ratio < ctx.limits.member_bytes {
            format!(
                " (ratio above {}:1: a decompression bomb)",
                ctx.limits.compression_ratio
            )
        } else {
            String::new()
        };
        ctx.report(
            &scn002::RULE,
            format!(
                "{} stream decompresses to more than {max} bytes{why}; only the first {max} were judged",
                kind.name()
            ),
            None,
            None,
        );
        ctx.mark_incomplete();
    }
    if ctx.nesting_exhausted(&scn002::RULE, "compressed stream") {
        return Some(Format::Compressed);
    }
    let inner_name = format!("{name} (decompressed)");
    let inner = ctx.in_member(&inner_name, |ctx| scan_blob(&data, &inner_name, ctx));
    Some(match inner {
        Format::Pickle | Format::Joblib => Format::Joblib,
        Format::Unknown | Format::Empty => Format::Compressed,
        other => other,
    })
}

/// True for `<root>/data/<n>` members of a PyTorch zip: raw tensor bytes that the
/// loader never unpickles, so they are never read.
fn is_torch_storage(name: &str, roots: &[String]) -> bool {
    roots.iter().any(|root| {
        name.strip_prefix(root.as_str())
            .and_then(|rest| rest.strip_prefix("data/"))
            .is_some_and(|key| !key.is_empty() && !key.contains('/') && !key.ends_with(".pkl"))
    })
}

fn scan_zip(blob: &dyn Blob, ctx: &mut Ctx<'_>) -> Format {
    let archive = match zip::read_archive(blob, ctx.limits) {
        Ok(a) => a,
        Err(e) => {
            ctx.report(
                &scn001::RULE,
                format!("zip archive cannot be read: {}", e.0),
                None,
                None,
            );
            ctx.mark_incomplete();
            // Judge what the local headers still reach: a truncated checkpoint's
            // data.pkl comes first and is as dangerous as in a complete one.
            let walked = zip::read_local_headers(blob, ctx.limits);
            if walked.entries.is_empty() {
                return Format::Zip;
            }
            walked
        }
    };
    if archive.truncated_at_cap {
        ctx.report(
            &scn002::RULE,
            format!(
                "zip archive has more than {} members; the rest were not judged",
                ctx.limits.archive_members
            ),
            None,
            None,
        );
        ctx.mark_incomplete();
    }
    rules::run_archive(&archive, ctx);

    // Bytes before the archive: `torch.load` only treats a file as a zip checkpoint
    // when it starts with a local header, so a file with a prefix is unpickled from
    // its first byte. Judge the prefix as a pickle too.
    if archive.prefix > 0 {
        let prefix = SubBlob::new(blob, 0, archive.prefix);
        ctx.in_member("(bytes before the zip archive)", |ctx| {
            scan_pickle_data(&prefix, 0, ctx);
        });
    }

    let names: Vec<&str> = archive.entries.iter().map(|e| e.name.as_str()).collect();
    let torch_roots: Vec<String> = names
        .iter()
        .filter_map(|n| n.strip_suffix("data.pkl"))
        .filter(|root| root.is_empty() || (root.ends_with('/') && root.matches('/').count() == 1))
        .map(str::to_string)
        .collect();
    let is_keras = names.contains(&"config.json")
        && (names.contains(&"metadata.json") || names.contains(&"model.weights.h5"));
    let files: Vec<&zip::Entry> = archive.entries.iter().filter(|e| !e.is_dir()).collect();
    let is_npz = !files.is_empty() && files.iter().all(|e| e.name.ends_with(".npy"));
    let format = if !torch_roots.is_empty() {
        Format::PytorchZip
    } else if is_keras {
        Format::KerasV3
    } else if is_npz {
        Format::NumpyNpz
    } else {
        Format::Zip
    };

    if ctx.nesting_exhausted(&scn002::RULE, "archive") {
        return format;
    }

    for entry in files {
        if is_torch_storage(&entry.name, &torch_roots) {
            continue;
        }
        if entry.uncompressed > BOMB_MIN_BYTES
            && entry.uncompressed / entry.compressed.max(1) > ctx.limits.compression_ratio
        {
            ctx.in_member(&entry.name, |ctx| {
                ctx.report(
                    &scn002::RULE,
                    format!(
                        "member declares {} bytes compressed into {} (ratio above {}:1): a decompression bomb; not opened",
                        entry.uncompressed, entry.compressed, ctx.limits.compression_ratio
                    ),
                    None,
                    None,
                );
                ctx.mark_incomplete();
            });
            continue;
        }
        let max = ctx.limits.member_bytes.min(ctx.decompress_budget());
        ctx.in_member(&entry.name, |ctx| match zip::open_member(blob, entry, max) {
            Ok(zip::MemberData::Stored(sub)) => {
                scan_member(&sub, entry, format, ctx);
            }
            Ok(zip::MemberData::Inflated { data, partial }) => {
                ctx.charge_decompressed(data.len() as u64);
                if partial {
                    ctx.report(
                        &scn002::RULE,
                        format!("member decompresses to more than {max} bytes; only the first {max} were judged"),
                        None,
                        None,
                    );
                    ctx.mark_incomplete();
                }
                scan_member(&data, entry, format, ctx);
            }
            Err(zip::MemberError::Unsupported(method)) => {
                ctx.report(
                    &scn003::RULE,
                    format!(
                        "member uses compression method {method} ({}); its content was not judged",
                        zip::method_name(method)
                    ),
                    None,
                    None,
                );
                ctx.mark_incomplete();
            }
            Err(zip::MemberError::NoData(why) | zip::MemberError::Corrupt(why)) => {
                ctx.report(&scn001::RULE, format!("member cannot be read: {why}"), None, None);
                ctx.mark_incomplete();
            }
        });
    }
    format
}

fn scan_member(data: &dyn Blob, entry: &zip::Entry, archive: Format, ctx: &mut Ctx<'_>) {
    if archive == Format::KerasV3 && entry.name == "config.json" {
        keras::scan_config_blob(data, ctx);
        return;
    }
    let inner = scan_blob(data, &entry.name, ctx);
    let must_be_pickle = entry.name.ends_with(".pkl") || entry.name.ends_with(".pickle");
    if must_be_pickle && matches!(inner, Format::Unknown | Format::Empty) {
        ctx.report(
            &pkl006_malformed_pickle::RULE,
            "member is named as a pickle but is not valid pickle data",
            None,
            None,
        );
        ctx.mark_incomplete();
    }
}
