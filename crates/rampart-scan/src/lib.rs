//! rampart's model-file scanner: finds code execution hidden in untrusted model files
//! (pickles, PyTorch, NumPy, joblib, Keras, TensorFlow, ONNX, GGUF, safetensors) by
//! parsing them statically, never by loading them.

#![forbid(unsafe_code)]

pub mod blob;
pub mod context;
pub mod formats;
pub mod limits;
