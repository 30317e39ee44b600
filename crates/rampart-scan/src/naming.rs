//! What a file's name says its format is. Content decides the format the scanner
//! judges; the name decides what a loader will do with it. When a name promises a
//! model format that the content is not, that is a finding (`FMT001`).

use crate::blob::Blob;
use crate::context::Ctx;
use crate::format::Format;
use crate::formats::safetensors;
use crate::rules::fmt001_format_name_mismatch as fmt001;

const TORCH: &[Format] = &[
    Format::PytorchZip,
    Format::PytorchLegacy,
    Format::PytorchLegacyTar,
    Format::Pickle,
    Format::Joblib,
];
const PICKLE: &[Format] = &[
    Format::Pickle,
    Format::Joblib,
    Format::PytorchLegacy,
    Format::PytorchZip,
];

/// Suffixes that joblib, pandas and users append to a compressed dump.
const COMPRESSION_SUFFIXES: &[&str] = &["gz", "z", "bz2", "xz", "lzma", "lz4", "zst"];

/// Hugging Face file names that are PyTorch pickles whatever their folder.
const HF_BIN_PREFIXES: &[&str] = &[
    "pytorch_model",
    "adapter_model",
    "training_args",
    "optimizer",
    "scheduler",
    "rng_state",
];

/// The model format a file name promises: a description and the formats that keep
/// the promise. `model_folder` is true when the file sits in a folder that holds a
/// model (`config.json` beside it).
pub(crate) fn expected(
    name: &str,
    model_folder: bool,
) -> Option<(&'static str, &'static [Format])> {
    let lower = name.to_ascii_lowercase();
    let mut parts: Vec<&str> = lower.rsplit('.').collect();
    if parts.len() < 2 {
        return None;
    }
    let mut ext = parts.remove(0);
    if COMPRESSION_SUFFIXES.contains(&ext) && parts.len() >= 2 {
        ext = parts.remove(0);
    }
    Some(match ext {
        "safetensors" => ("safetensors", &[Format::Safetensors][..]),
        "pt" | "pth" | "ckpt" => ("a PyTorch checkpoint", TORCH),
        "bin" if model_folder || HF_BIN_PREFIXES.iter().any(|p| lower.starts_with(p)) => {
            ("a PyTorch checkpoint (a .bin in a model folder)", TORCH)
        }
        "pkl" | "pickle" => ("a pickle", PICKLE),
        "joblib" => ("a joblib dump", PICKLE),
        "onnx" => ("an ONNX model", &[Format::Onnx][..]),
        "gguf" => ("a GGUF model", &[Format::Gguf][..]),
        "h5" | "hdf5" => ("an HDF5 model", &[Format::Hdf5, Format::KerasH5][..]),
        "keras" => (
            "a Keras model",
            &[Format::KerasV3, Format::KerasH5, Format::Hdf5][..],
        ),
        "npy" => ("a NumPy array", &[Format::NumpyNpy][..]),
        "npz" => ("a NumPy archive", &[Format::NumpyNpz, Format::Zip][..]),
        _ => return None,
    })
}

/// Reports `FMT001` when `name` promises a model format that `format` (recognised
/// from the content of `blob`) is not.
pub(crate) fn check(
    blob: &dyn Blob,
    name: &str,
    model_folder: bool,
    format: Format,
    ctx: &mut Ctx<'_>,
) {
    let Some((what, accepts)) = expected(name, model_folder) else {
        return;
    };
    if accepts.contains(&format) {
        return;
    }
    let content = match format {
        Format::Empty => "the file is empty".to_string(),
        Format::Unknown if accepts == [Format::Safetensors] => {
            let ir = safetensors::validate(blob);
            match ir.problems.first() {
                Some((_, message, _)) => format!("the content is not safetensors: {message}"),
                None => "the content is not recognised".to_string(),
            }
        }
        Format::Unknown => "the content is not a format rampart recognises".to_string(),
        other => format!("the content is {other}"),
    };
    ctx.report(
        &fmt001::RULE,
        format!("`{name}` is named as {what}, but {content}"),
        None,
        None,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_promise_formats() {
        assert!(expected("model.safetensors", false).is_some());
        assert!(expected("MODEL.PT", false).is_some());
        assert!(expected("model.pkl.xz", false).is_some());
        assert!(expected("data.bin", false).is_none());
        assert!(expected("data.bin", true).is_some());
        assert!(expected("pytorch_model-00001-of-00002.bin", false).is_some());
        assert!(expected("README.md", true).is_none());
        assert!(expected("xz", false).is_none());
        assert!(expected("archive.tar.gz", false).is_none());
    }
}
