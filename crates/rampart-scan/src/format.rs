//! The formats the scanner recognises, by content.

use std::fmt;

/// A file format recognised from its content (magic bytes and structure).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Raw pickle (one or more streams).
    Pickle,
    /// `torch.save` zip checkpoint (also TorchScript archives).
    PytorchZip,
    /// Pre-zip PyTorch checkpoint: sequential pickles then raw storages.
    PytorchLegacy,
    /// Oldest PyTorch tar checkpoint (`sys_info`, `pickle`, `storages`, `tensors`).
    PytorchLegacyTar,
    /// NumPy `.npy`.
    NumpyNpy,
    /// NumPy `.npz` (zip of `.npy`).
    NumpyNpz,
    /// joblib dump (pickle with inline NumPy arrays), possibly compressed.
    Joblib,
    /// Keras 3 `.keras` archive.
    KerasV3,
    /// Legacy Keras HDF5 model (`model_config` attribute).
    KerasH5,
    /// Other HDF5 file.
    Hdf5,
    /// TensorFlow SavedModel protobuf.
    TfSavedModel,
    /// TensorFlow frozen GraphDef protobuf.
    TfGraphDef,
    /// ONNX model.
    Onnx,
    /// GGUF (llama.cpp).
    Gguf,
    /// safetensors.
    Safetensors,
    /// Hugging Face `tokenizer_config.json` with a chat template.
    HfTokenizerConfig,
    /// Standalone Keras model config JSON.
    KerasConfig,
    /// Other zip archive.
    Zip,
    /// Other tar archive.
    Tar,
    /// Compressed stream (gzip, zlib, bzip2, xz, lzma, LZ4, zstd) whose content is not
    /// a model format, or that could not be opened.
    Compressed,
    /// 7z archive (not opened).
    SevenZip,
    /// RAR archive (not opened).
    Rar,
    /// A file or member with no bytes.
    Empty,
    /// Not a format the scanner judges.
    Unknown,
}

impl Format {
    /// The stable name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Format::Pickle => "pickle",
            Format::PytorchZip => "pytorch-zip",
            Format::PytorchLegacy => "pytorch-legacy",
            Format::PytorchLegacyTar => "pytorch-legacy-tar",
            Format::NumpyNpy => "numpy-npy",
            Format::NumpyNpz => "numpy-npz",
            Format::Joblib => "joblib",
            Format::KerasV3 => "keras-v3",
            Format::KerasH5 => "keras-h5",
            Format::Hdf5 => "hdf5",
            Format::TfSavedModel => "tf-savedmodel",
            Format::TfGraphDef => "tf-graphdef",
            Format::Onnx => "onnx",
            Format::Gguf => "gguf",
            Format::Safetensors => "safetensors",
            Format::HfTokenizerConfig => "hf-tokenizer-config",
            Format::KerasConfig => "keras-config",
            Format::Zip => "zip",
            Format::Tar => "tar",
            Format::Compressed => "compressed",
            Format::SevenZip => "7z",
            Format::Rar => "rar",
            Format::Empty => "empty",
            Format::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
