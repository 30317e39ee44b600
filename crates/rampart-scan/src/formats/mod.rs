//! Parsers for model-file formats. Each produces an intermediate representation that
//! the rules in [`crate::rules`] judge; none of them executes or imports anything.

pub mod gguf;
pub mod hdf5;
pub mod json;
pub mod keras;
pub mod npy;
pub mod onnx;
pub mod pickle;
pub mod protobuf;
pub mod pylit;
pub mod safetensors;
pub mod tar;
pub mod template;
pub mod tensorflow;
pub mod zip;
