//! The rule registry.
//!
//! One file per rule: its metadata (stable code, name, severity, guideline IDs) with
//! the documentation as its doc comment, and the function that judges one kind of
//! intermediate representation. Each format parser runs once per file; the engine then
//! runs only the rules that declared that input.

use rampart_core::RuleMeta;

use crate::context::Ctx;
use crate::formats::keras::KerasIr;
use crate::formats::onnx::OnnxIr;
use crate::formats::pickle::PickleIr;
use crate::formats::safetensors::SafetensorsIr;
use crate::formats::template::TemplateIr;
use crate::formats::tensorflow::TfIr;
use crate::formats::zip::Archive;

mod arc001_path_traversal_member;
pub(crate) mod fmt001_format_name_mismatch;
mod krs001_lambda_layer;
mod krs002_lambda_dangerous_code;
mod krs003_foreign_module;
mod krs004_dangerous_module;
mod krs005_keras_gadget;
mod krs006_custom_object;
pub(crate) mod npy001_object_array;
mod onx001_custom_operator_domain;
mod onx002_external_data_escape;
mod pkl001_dangerous_global;
mod pkl002_unknown_callable;
mod pkl003_unknown_class;
mod pkl004_dynamic_import;
mod pkl005_extension_code;
pub(crate) mod pkl006_malformed_pickle;
mod pkl007_global_mutation;
mod pkl008_dunder_state;
pub(crate) mod scn001_malformed_file;
pub(crate) mod scn002_resource_limit;
pub(crate) mod scn003_unsupported_archive;
mod sft001_invalid_header;
mod sft002_invalid_layout;
mod tfl001_python_op;
mod tfl002_file_or_network_op;
mod tpl001_template_injection;
mod zip001_header_name_mismatch;
mod zip002_flag_tampering;
mod zip003_duplicate_member;

/// What a rule judges.
pub enum Check {
    /// Reported by a parser or the engine when it meets the condition (malformed input,
    /// limits, unsupported containers).
    Engine,
    /// Judges a simulated pickle.
    Pickle(fn(&PickleIr, &mut Ctx<'_>)),
    /// Judges an archive's member list (zip or tar).
    Archive(fn(&Archive, &mut Ctx<'_>)),
    /// Judges a Keras model config.
    Keras(fn(&KerasIr, &mut Ctx<'_>)),
    /// Judges chat templates.
    Template(fn(&TemplateIr, &mut Ctx<'_>)),
    /// Judges a safetensors header.
    Safetensors(fn(&SafetensorsIr, &mut Ctx<'_>)),
    /// Judges an ONNX model.
    Onnx(fn(&OnnxIr, &mut Ctx<'_>)),
    /// Judges a TensorFlow graph.
    Tf(fn(&TfIr, &mut Ctx<'_>)),
}

/// A registered rule.
pub struct Rule {
    /// Metadata and documentation.
    pub meta: &'static RuleMeta,
    /// What it judges.
    pub check: Check,
}

/// Every rule, in code order.
pub static RULES: &[Rule] = &[
    Rule {
        meta: &arc001_path_traversal_member::RULE,
        check: Check::Archive(arc001_path_traversal_member::check),
    },
    Rule {
        meta: &fmt001_format_name_mismatch::RULE,
        check: Check::Engine,
    },
    Rule {
        meta: &krs001_lambda_layer::RULE,
        check: Check::Keras(krs001_lambda_layer::check),
    },
    Rule {
        meta: &krs002_lambda_dangerous_code::RULE,
        check: Check::Keras(krs002_lambda_dangerous_code::check),
    },
    Rule {
        meta: &krs003_foreign_module::RULE,
        check: Check::Keras(krs003_foreign_module::check),
    },
    Rule {
        meta: &krs004_dangerous_module::RULE,
        check: Check::Keras(krs004_dangerous_module::check),
    },
    Rule {
        meta: &krs005_keras_gadget::RULE,
        check: Check::Keras(krs005_keras_gadget::check),
    },
    Rule {
        meta: &krs006_custom_object::RULE,
        check: Check::Keras(krs006_custom_object::check),
    },
    Rule {
        meta: &npy001_object_array::RULE,
        check: Check::Engine,
    },
    Rule {
        meta: &onx001_custom_operator_domain::RULE,
        check: Check::Onnx(onx001_custom_operator_domain::check),
    },
    Rule {
        meta: &onx002_external_data_escape::RULE,
        check: Check::Onnx(onx002_external_data_escape::check),
    },
    Rule {
        meta: &pkl001_dangerous_global::RULE,
        check: Check::Pickle(pkl001_dangerous_global::check),
    },
    Rule {
        meta: &pkl002_unknown_callable::RULE,
        check: Check::Pickle(pkl002_unknown_callable::check),
    },
    Rule {
        meta: &pkl003_unknown_class::RULE,
        check: Check::Pickle(pkl003_unknown_class::check),
    },
    Rule {
        meta: &pkl004_dynamic_import::RULE,
        check: Check::Pickle(pkl004_dynamic_import::check),
    },
    Rule {
        meta: &pkl005_extension_code::RULE,
        check: Check::Pickle(pkl005_extension_code::check),
    },
    Rule {
        meta: &pkl006_malformed_pickle::RULE,
        check: Check::Pickle(pkl006_malformed_pickle::check),
    },
    Rule {
        meta: &pkl007_global_mutation::RULE,
        check: Check::Pickle(pkl007_global_mutation::check),
    },
    Rule {
        meta: &pkl008_dunder_state::RULE,
        check: Check::Pickle(pkl008_dunder_state::check),
    },
    Rule {
        meta: &scn001_malformed_file::RULE,
        check: Check::Engine,
    },
    Rule {
        meta: &scn002_resource_limit::RULE,
        check: Check::Engine,
    },
    Rule {
        meta: &scn003_unsupported_archive::RULE,
        check: Check::Engine,
    },
    Rule {
        meta: &sft001_invalid_header::RULE,
        check: Check::Safetensors(sft001_invalid_header::check),
    },
    Rule {
        meta: &sft002_invalid_layout::RULE,
        check: Check::Safetensors(sft002_invalid_layout::check),
    },
    Rule {
        meta: &tfl001_python_op::RULE,
        check: Check::Tf(tfl001_python_op::check),
    },
    Rule {
        meta: &tfl002_file_or_network_op::RULE,
        check: Check::Tf(tfl002_file_or_network_op::check),
    },
    Rule {
        meta: &tpl001_template_injection::RULE,
        check: Check::Template(tpl001_template_injection::check),
    },
    Rule {
        meta: &zip001_header_name_mismatch::RULE,
        check: Check::Archive(zip001_header_name_mismatch::check),
    },
    Rule {
        meta: &zip002_flag_tampering::RULE,
        check: Check::Archive(zip002_flag_tampering::check),
    },
    Rule {
        meta: &zip003_duplicate_member::RULE,
        check: Check::Archive(zip003_duplicate_member::check),
    },
];

/// Metadata of every rule, for renderers and `rampart explain`.
pub fn all() -> Vec<&'static RuleMeta> {
    RULES.iter().map(|r| r.meta).collect()
}

/// Runs every pickle rule.
pub(crate) fn run_pickle(ir: &PickleIr, ctx: &mut Ctx<'_>) {
    for rule in RULES {
        if let Check::Pickle(f) = rule.check {
            f(ir, ctx);
        }
    }
}

/// Runs every archive rule.
pub(crate) fn run_archive(archive: &Archive, ctx: &mut Ctx<'_>) {
    for rule in RULES {
        if let Check::Archive(f) = rule.check {
            f(archive, ctx);
        }
    }
}

/// Runs every Keras rule.
pub(crate) fn run_keras(ir: &KerasIr, ctx: &mut Ctx<'_>) {
    for rule in RULES {
        if let Check::Keras(f) = rule.check {
            f(ir, ctx);
        }
    }
}

/// Runs every chat-template rule.
pub(crate) fn run_template(ir: &TemplateIr, ctx: &mut Ctx<'_>) {
    for rule in RULES {
        if let Check::Template(f) = rule.check {
            f(ir, ctx);
        }
    }
}

/// Runs every ONNX rule.
pub(crate) fn run_onnx(ir: &OnnxIr, ctx: &mut Ctx<'_>) {
    for rule in RULES {
        if let Check::Onnx(f) = rule.check {
            f(ir, ctx);
        }
    }
}

/// Runs every TensorFlow rule.
pub(crate) fn run_tf(ir: &TfIr, ctx: &mut Ctx<'_>) {
    for rule in RULES {
        if let Check::Tf(f) = rule.check {
            f(ir, ctx);
        }
    }
}

/// Runs every safetensors rule.
pub(crate) fn run_safetensors(ir: &SafetensorsIr, ctx: &mut Ctx<'_>) {
    for rule in RULES {
        if let Check::Safetensors(f) = rule.check {
            f(ir, ctx);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_holds_the_shared_invariants() {
        let metas: Vec<&RuleMeta> = RULES.iter().map(|r| r.meta).collect();
        let problems = rampart_core::rule::registry_problems(&metas, &[]);
        assert!(problems.is_empty(), "{problems:#?}");
    }
}
