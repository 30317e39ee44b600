use rampart_core::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a file whose name or location says it is a model format but whose
    /// content is not that format: `model.safetensors` whose header is not JSON or
    /// declares an impossible length, an empty `pytorch_model.bin`, a `.pkl` of random
    /// bytes, an `.onnx` that is a zip. The names checked are `.safetensors`, `.pt`,
    /// `.pth`, `.ckpt`, `.pkl`, `.pickle`, `.joblib` (also with a compression suffix
    /// such as `.pkl.xz`), `.onnx`, `.gguf`, `.h5`, `.hdf5`, `.keras`, `.npy`, `.npz`,
    /// and `.bin` in a model folder (a folder holding `config.json`, or a Hugging Face
    /// weight name such as `pytorch_model*.bin`, `adapter_model.bin`,
    /// `training_args.bin`). Files of other names whose content is not recognised get
    /// the verdict `unrecognized` instead; an empty file has the format `empty`.
    ///
    /// ## Why is this dangerous?
    /// Loaders choose their parser by name, scanners by content. A file that is not
    /// what its name says was not judged as what the loader will treat it as, and a
    /// loader may accept what the scanner could not parse (a lenient header reader, a
    /// pickle fallback). At best the file is damaged or truncated.
    ///
    /// ## Example
    /// `model.safetensors` whose 8-byte header length is 2^63 − 1.
    ///
    /// ## Remediation
    /// Obtain the file again from its publisher and check its hash or signature; do
    /// not load it until its content is what its name says.
    ///
    /// ## False positives
    /// Files named after a model format by convention only (a `.bin` of raw data in a
    /// model folder), and formats rampart does not parse under those names.
    ///
    /// ## References
    /// Guidelines DV-1 (secure your supply chain), SD-3 (scan untrusted models).
    pub(crate) static RULE = {
        code: "FMT001",
        name: "model-format-mismatch",
        severity: Medium,
        guidelines: [Dv1, Sd3],
        summary: "File named as a model format does not contain that format",
    }
}
