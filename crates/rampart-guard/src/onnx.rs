//! The optional ONNX classifier behind CLS002: an operator-supplied model run by
//! `tract` (pure Rust) when the crate is built with the cargo feature `onnx`.
//!
//! ## Input contract (input kind `hashed`, the only one)
//! One input, `float32[1, N]` (the first dimension may be symbolic), `N` a power of two
//! from 2^4 to 2^20: the hashed n-gram features of CLS001
//! ([`hashed_features`](crate::classifier::hashed_features)) of the lowercase normalised
//! text cut to [`OnnxConfig::max_chars`] characters, with `N` buckets.
//!
//! ## Output contract
//! The first output whose element type is a float and which holds one or two values
//! (so a scikit-learn export's integer `label` output is skipped):
//! - one value: a probability ([`OnnxOutput::Probability`]) or a logit
//!   ([`OnnxOutput::Logits`], sigmoid applied);
//! - two values `[benign, attack]`: probabilities (class 1 is read) or logits (softmax,
//!   class 1).
//!
//! [`OnnxOutput::Auto`] (the default) reads one value as a probability when it lies in
//! `[0, 1]` and as a logit otherwise, and two values as probabilities when both lie in
//! `[0, 1]` and sum to 1 (±0.001), as logits otherwise. Name the kind when you know it:
//! a logit that happens to lie in `[0, 1]` is misread by `Auto`.
//!
//! ## Bounds
//! The model file is refused above [`MAX_MODEL_BYTES`]; external tensor data is
//! refused (the model is parsed without a directory); the input must have the shape
//! above; a panic inside the ONNX runtime while loading or running is caught and
//! reported as an error; the model is run once on an empty text at load time, so a
//! model whose output does not fit the contract is refused before the first request.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::error::GuardError;

/// Largest model file accepted (256 MiB).
pub const MAX_MODEL_BYTES: u64 = 256 << 20;

/// Smallest and largest accepted input width (2^4 and 2^20 buckets: the dense input
/// of the largest is 4 MiB per text).
pub const WIDTH_RANGE: (usize, usize) = (1 << 4, 1 << 20);

/// Largest accepted [`OnnxConfig::max_chars`].
pub const MAX_CHARS_LIMIT: usize = 100_000;

/// How the text is turned into the model's input.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OnnxInput {
    /// CLS001's hashed n-gram features, `float32[1, N]`.
    #[default]
    Hashed,
}

/// How the model's output is read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OnnxOutput {
    /// Probabilities when the values look like probabilities, logits otherwise (see the
    /// module documentation).
    #[default]
    Auto,
    /// One probability, or two class probabilities.
    Probability,
    /// One logit (sigmoid), or two class logits (softmax).
    Logits,
}

/// The optional ONNX classifier (CLS002) of a pipeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnnxConfig {
    /// The `.onnx` model file.
    pub model: PathBuf,
    /// Attack probability at which CLS002 reports (default 0.5). The finding's score is
    /// the probability, so a threshold below the policy's `min_score` reports without
    /// counting.
    #[serde(default = "default_threshold")]
    pub threshold: f32,
    /// What the model is fed.
    #[serde(default)]
    pub input: OnnxInput,
    /// How its output is read.
    #[serde(default)]
    pub output: OnnxOutput,
    /// Characters of the text fed to the model (default 4000, as CLS001 and the
    /// training script); at most [`MAX_CHARS_LIMIT`].
    #[serde(default = "default_max_chars")]
    pub max_chars: usize,
}

fn default_threshold() -> f32 {
    0.5
}

fn default_max_chars() -> usize {
    crate::classifier::MAX_CHARS
}

impl OnnxConfig {
    /// The defaults for the model file `model`.
    pub fn new(model: impl Into<PathBuf>) -> Self {
        OnnxConfig {
            model: model.into(),
            threshold: default_threshold(),
            input: OnnxInput::default(),
            output: OnnxOutput::default(),
            max_chars: default_max_chars(),
        }
    }

    /// Checks the threshold and `max_chars` (the model is checked when it is loaded).
    pub fn validate(&self) -> Result<(), GuardError> {
        if !(self.threshold > 0.0 && self.threshold <= 1.0) {
            return Err(GuardError::Config(format!(
                "onnx threshold {} is not a probability in (0, 1]",
                self.threshold
            )));
        }
        if self.max_chars == 0 || self.max_chars > MAX_CHARS_LIMIT {
            return Err(GuardError::Config(format!(
                "onnx max_chars {} is outside 1..={MAX_CHARS_LIMIT}",
                self.max_chars
            )));
        }
        Ok(())
    }
}

fn model_error(cfg: &OnnxConfig, why: impl std::fmt::Display) -> GuardError {
    GuardError::Model(format!("ONNX model {}: {why}", cfg.model.display()))
}

/// Reads the model file of `cfg`, refusing files over [`MAX_MODEL_BYTES`].
pub fn read_model(cfg: &OnnxConfig) -> Result<Vec<u8>, GuardError> {
    use std::io::Read;
    let file = std::fs::File::open(&cfg.model).map_err(|e| model_error(cfg, e))?;
    let len = file.metadata().map_err(|e| model_error(cfg, e))?.len();
    let too_big = |len: u64| {
        model_error(
            cfg,
            format!("{len} bytes is over the {MAX_MODEL_BYTES}-byte limit for model files"),
        )
    };
    if len > MAX_MODEL_BYTES {
        return Err(too_big(len));
    }
    let mut bytes = Vec::new();
    file.take(MAX_MODEL_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| model_error(cfg, e))?;
    if bytes.len() as u64 > MAX_MODEL_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

/// The probability read from a model's output values (see the module documentation);
/// `None` when they fit no reading.
pub fn read_probability(values: &[f32], kind: OnnxOutput) -> Option<f32> {
    let unit = |v: f32| (0.0..=1.0).contains(&v);
    let sigmoid = |v: f32| 1.0 / (1.0 + (-v).exp());
    let p = match (values, kind) {
        ([v], OnnxOutput::Probability) => unit(*v).then_some(*v)?,
        ([v], OnnxOutput::Logits) => sigmoid(*v),
        ([v], OnnxOutput::Auto) => {
            if unit(*v) {
                *v
            } else {
                sigmoid(*v)
            }
        }
        ([a, b], OnnxOutput::Probability) => (unit(*a) && unit(*b)).then_some(*b)?,
        ([a, b], OnnxOutput::Logits) => sigmoid(*b - *a),
        ([a, b], OnnxOutput::Auto) => {
            if unit(*a) && unit(*b) && (a + b - 1.0).abs() <= 1e-3 {
                *b
            } else {
                sigmoid(*b - *a)
            }
        }
        _ => return None,
    };
    p.is_finite().then_some(p)
}

#[cfg(feature = "onnx")]
pub use runtime::OnnxClassifier;

#[cfg(not(feature = "onnx"))]
/// The loaded ONNX classifier. This build has no ONNX runtime (cargo feature `onnx`
/// off), so no value of this type exists and [`OnnxClassifier::load`] always fails.
#[derive(Debug)]
pub enum OnnxClassifier {}

#[cfg(not(feature = "onnx"))]
impl OnnxClassifier {
    /// Always an error: this build has no ONNX runtime.
    pub fn load(cfg: &OnnxConfig) -> Result<Self, GuardError> {
        Err(GuardError::Config(format!(
            "an ONNX model is configured ({}) but this build has no ONNX runtime: \
             rebuild with the cargo feature `onnx` (cargo build -p rampart --features onnx)",
            cfg.model.display()
        )))
    }

    /// Unreachable: no value of this type exists.
    pub fn probability(&self, _lower: &str) -> Result<f32, GuardError> {
        match *self {}
    }

    /// Unreachable: no value of this type exists.
    pub fn threshold(&self) -> f32 {
        match *self {}
    }
}

#[cfg(feature = "onnx")]
mod runtime {
    use std::panic::{catch_unwind, AssertUnwindSafe};

    use tract_onnx::prelude::{
        tvec, DatumType, Framework, InferenceModelExt, IntoTValue, Tensor, TractResult, TypedModel,
        TypedRunnableModel,
    };
    use tract_onnx::tract_hir::infer::{Factoid, GenericFactoid, InferenceFact};
    use tract_onnx::tract_hir::internal::DimLike;

    use super::{
        read_model, read_probability, OnnxConfig, OnnxInput, OnnxOutput, MAX_CHARS_LIMIT,
        WIDTH_RANGE,
    };
    use crate::classifier::hashed_features;
    use crate::error::GuardError;

    /// A loaded, validated ONNX classifier. `Send + Sync`; [`OnnxClassifier::probability`]
    /// takes `&self`.
    pub struct OnnxClassifier {
        plan: TypedRunnableModel<TypedModel>,
        width: usize,
        threshold: f32,
        output: OnnxOutput,
        max_chars: usize,
    }

    impl std::fmt::Debug for OnnxClassifier {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("OnnxClassifier")
                .field("width", &self.width)
                .field("threshold", &self.threshold)
                .field("output", &self.output)
                .field("max_chars", &self.max_chars)
                .finish_non_exhaustive()
        }
    }

    /// Runs `f`, turning an error or a panic inside the ONNX runtime into a message.
    fn guarded<T>(f: impl FnOnce() -> TractResult<T>) -> Result<T, String> {
        match catch_unwind(AssertUnwindSafe(f)) {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(format!("{e:#}")),
            Err(_) => Err("the ONNX runtime panicked".to_owned()),
        }
    }

    /// The width `N` of an input declared `float32[1 or symbolic, N]`.
    fn input_width(fact: &InferenceFact) -> Result<usize, String> {
        if let GenericFactoid::Only(dt) = fact.datum_type {
            if dt != DatumType::F32 {
                return Err(format!("the input is {dt:?}, not float32"));
            }
        }
        let dims: Vec<_> = fact.shape.dims().cloned().collect();
        if fact.shape.is_open() || dims.len() != 2 {
            return Err(format!(
                "the input must have the shape [1, N], the model declares {:?}",
                fact.shape
            ));
        }
        if let Some(GenericFactoid::Only(d)) = dims.first() {
            if d.to_usize().is_ok_and(|b| b != 1) {
                return Err(format!("the input's batch dimension is {d}, not 1"));
            }
        }
        let width = match dims.get(1).and_then(|d| d.concretize()) {
            Some(d) => d
                .to_usize()
                .map_err(|_| format!("the input width {d} is not a number"))?,
            None => return Err("the input does not declare its width N".to_owned()),
        };
        if !width.is_power_of_two() || width < WIDTH_RANGE.0 || width > WIDTH_RANGE.1 {
            return Err(format!(
                "the input width {width} is not a power of two from {} to {} \
                 (the hashed features have 2^bits buckets)",
                WIDTH_RANGE.0, WIDTH_RANGE.1
            ));
        }
        Ok(width)
    }

    impl OnnxClassifier {
        /// Reads, validates and prepares the model of `cfg`.
        pub fn load(cfg: &OnnxConfig) -> Result<Self, GuardError> {
            cfg.validate()?;
            let bytes = read_model(cfg)?;
            Self::from_bytes(&bytes, cfg)
        }

        /// Validates and prepares a model from its bytes (`cfg.model` names it in
        /// errors). The bytes are untrusted: every failure is an error.
        pub fn from_bytes(bytes: &[u8], cfg: &OnnxConfig) -> Result<Self, GuardError> {
            cfg.validate()?;
            let bad = |why: String| super::model_error(cfg, why);
            if bytes.len() as u64 > super::MAX_MODEL_BYTES {
                return Err(bad(format!(
                    "{} bytes is over the {}-byte limit for model files",
                    bytes.len(),
                    super::MAX_MODEL_BYTES
                )));
            }
            let OnnxInput::Hashed = cfg.input;
            let model = guarded(|| tract_onnx::onnx().model_for_read(&mut &bytes[..]))
                .map_err(|e| bad(format!("not a readable ONNX model: {e}")))?;
            let inputs = model.input_outlets().map(<[_]>::len).unwrap_or(0);
            if inputs != 1 {
                return Err(bad(format!(
                    "the model has {inputs} inputs; the hashed input kind needs exactly one"
                )));
            }
            let fact = model.input_fact(0).map_err(|e| bad(format!("{e:#}")))?;
            let width = input_width(fact).map_err(bad)?;
            let plan = guarded(|| {
                model
                    .with_input_fact(0, InferenceFact::dt_shape(DatumType::F32, [1, width]))?
                    .into_optimized()?
                    .into_runnable()
            })
            .map_err(|e| bad(format!("cannot be prepared for input [1, {width}]: {e}")))?;
            let c = OnnxClassifier {
                plan,
                width,
                threshold: cfg.threshold,
                output: cfg.output,
                max_chars: cfg.max_chars.min(MAX_CHARS_LIMIT),
            };
            // a probe run: a model whose output fits no reading is refused now
            c.probability("").map_err(|e| match e {
                GuardError::Model(m) => bad(format!("probe run on an empty text: {m}")),
                other => other,
            })?;
            Ok(c)
        }

        /// The input width `N` (hashed feature buckets).
        pub fn width(&self) -> usize {
            self.width
        }

        /// The probability at which CLS002 reports.
        pub fn threshold(&self) -> f32 {
            self.threshold
        }

        /// The model's attack probability for `lower` (lowercase normalised text).
        pub fn probability(&self, lower: &str) -> Result<f32, GuardError> {
            let x = hashed_features(lower, self.max_chars, self.width);
            let out = guarded(|| {
                let input = Tensor::from_shape(&[1, self.width], &x)?;
                let outputs = self.plan.run(tvec!(input.into_tvalue()))?;
                let mut found = None;
                for o in outputs.iter() {
                    let float = matches!(
                        o.datum_type(),
                        DatumType::F16 | DatumType::F32 | DatumType::F64
                    );
                    if float && (o.len() == 1 || o.len() == 2) {
                        found = Some(o.cast_to::<f32>()?.as_slice::<f32>()?.to_vec());
                        break;
                    }
                }
                Ok(found)
            })
            .map_err(GuardError::Model)?;
            let values = out.ok_or_else(|| {
                GuardError::Model("no float output with one or two values".to_owned())
            })?;
            read_probability(&values, self.output).ok_or_else(|| {
                GuardError::Model(format!(
                    "output {values:?} is not a probability or logits as configured ({:?})",
                    self.output
                ))
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_readings() {
        assert_eq!(read_probability(&[0.25], OnnxOutput::Auto), Some(0.25));
        assert_eq!(read_probability(&[0.0], OnnxOutput::Logits), Some(0.5));
        let p = read_probability(&[2.0], OnnxOutput::Auto).unwrap_or(0.0);
        assert!((p - 0.880_797).abs() < 1e-5, "{p}");
        assert_eq!(read_probability(&[2.0], OnnxOutput::Probability), None);
        assert_eq!(read_probability(&[0.3, 0.7], OnnxOutput::Auto), Some(0.7));
        let p = read_probability(&[1.0, 3.0], OnnxOutput::Auto).unwrap_or(0.0);
        assert!((p - 0.880_797).abs() < 1e-5, "{p}");
        // two values in [0, 1] that do not sum to 1 are logits under Auto
        let p = read_probability(&[0.1, 0.2], OnnxOutput::Auto).unwrap_or(0.0);
        assert!((p - 0.524_979).abs() < 1e-5, "{p}");
        assert_eq!(read_probability(&[f32::NAN], OnnxOutput::Logits), None);
        assert_eq!(read_probability(&[1.0, 2.0, 3.0], OnnxOutput::Auto), None);
        assert_eq!(read_probability(&[], OnnxOutput::Auto), None);
    }

    #[test]
    fn config_defaults_and_limits() {
        let c = OnnxConfig::new("m.onnx");
        assert_eq!(c.threshold, 0.5);
        assert_eq!(c.max_chars, crate::classifier::MAX_CHARS);
        assert!(c.validate().is_ok());
        let mut bad = c.clone();
        bad.threshold = 1.5;
        assert!(bad.validate().is_err());
        bad.threshold = f32::NAN;
        assert!(bad.validate().is_err());
        let mut bad = c;
        bad.max_chars = 0;
        assert!(bad.validate().is_err());
        let parsed: Result<OnnxConfig, _> =
            serde_json::from_str(r#"{"model": "m.onnx", "input": "tokens"}"#);
        assert!(parsed.is_err(), "the tokens input kind is not supported");
    }
}
