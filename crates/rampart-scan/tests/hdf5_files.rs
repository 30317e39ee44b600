//! Reads the h5py-generated fixtures in tests/data (see gen.py).

#![allow(clippy::unwrap_used)] // test helpers may panic

use rampart_scan::formats::hdf5::{read_root_attributes, AttrValue, Attribute, Hdf5Ir, Hdf5Limits};

const CFG: &str = r#"{"class_name": "Sequential", "config": {"name": "sequential", "layers": [{"class_name": "InputLayer", "config": {"batch_input_shape": [null, 4], "name": "input_1"}}, {"class_name": "Lambda", "config": {"name": "lambda", "function": ["4wEAAAAAAAAA", null, null], "function_type": "lambda"}}, {"class_name": "Dense", "config": {"name": "dense", "units": 2}}]}}"#;
const TRAIN: &str = r#"{"loss": "mse", "optimizer_config": {"class_name": "Adam", "config": {"learning_rate": 0.001}}}"#;

fn read(name: &str) -> Hdf5Ir {
    let bytes = std::fs::read(format!(
        "{}/tests/data/hdf5/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    read_root_attributes(&bytes, &Hdf5Limits::default()).unwrap()
}

fn text(name: &str, values: &[&str]) -> Attribute {
    Attribute {
        name: name.to_string(),
        value: AttrValue::Text(values.iter().map(|s| s.to_string()).collect()),
    }
}

fn keras() -> Vec<Attribute> {
    vec![
        text("model_config", &[CFG]),
        text("keras_version", &["2.13.1"]),
        text("backend", &["tensorflow"]),
        text("training_config", &[TRAIN]),
    ]
}

fn assert_keras(name: &str) {
    let ir = read(name);
    assert_eq!(ir.attributes, keras(), "{name}");
    assert!(ir.unsupported.is_empty(), "{name}: {:?}", ir.unsupported);
}

#[test]
fn a_fixed_length_strings_superblock_v0() {
    assert_keras("a_fixed.h5");
}

#[test]
fn b_variable_length_strings_global_heap() {
    assert_keras("b_vlen.h5");
}

#[test]
fn c_libver_latest_superblock_v3_ohdr_v2() {
    assert_keras("c_latest.h5");
}

#[test]
fn g_libver_v108_superblock_v2() {
    assert_keras("g_v108.h5");
}

#[test]
fn d_user_blocks() {
    assert_keras("d_userblock512.h5");
    assert_keras("d_userblock1024.h5");
}

#[test]
fn e_many_attributes_compact_with_continuations() {
    let ir = read("e_many.h5");
    let want: Vec<Attribute> = (0..40)
        .map(|i| text(&format!("attr_{i:02}"), &[&format!("value_{i:02}")]))
        .collect();
    assert_eq!(ir.attributes, want);
    assert!(ir.unsupported.is_empty());
}

#[test]
fn e_many_attributes_dense_storage_is_reported() {
    let ir = read("e_many_latest.h5");
    assert!(ir.attributes.is_empty());
    assert_eq!(ir.unsupported.len(), 1);
    assert!(
        ir.unsupported[0].starts_with("dense attribute storage (fractal heap)"),
        "{:?}",
        ir.unsupported
    );
}

#[test]
fn f_arrays_and_padding() {
    let ir = read("f_array.h5");
    assert_eq!(
        ir.attributes,
        vec![
            text("layer_names", &["input_1", "lambda", "dense"]),
            text("vlen_names", &["alpha", "beta", "gamma"]),
            Attribute {
                name: "count".into(),
                value: AttrValue::Other { class: 0 }
            },
            text("nullpad", &["pad"]),
            text("spaced", &["pad"]),
        ]
    );
    assert!(ir.unsupported.is_empty());
}

#[test]
fn limits_are_enforced() {
    let bytes = std::fs::read(format!(
        "{}/tests/data/hdf5/e_many.h5",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let limits = Hdf5Limits {
        max_attributes: 10,
        ..Hdf5Limits::default()
    };
    let err = read_root_attributes(&bytes, &limits).unwrap_err();
    assert!(err.0.contains("max_attributes"), "{err}");

    let limits = Hdf5Limits {
        max_messages: 5,
        ..Hdf5Limits::default()
    };
    assert!(read_root_attributes(&bytes, &limits)
        .unwrap_err()
        .0
        .contains("max_messages"));

    let limits = Hdf5Limits {
        max_continuations: 1,
        ..Hdf5Limits::default()
    };
    assert!(read_root_attributes(&bytes, &limits)
        .unwrap_err()
        .0
        .contains("max_continuations"));

    let a = std::fs::read(format!(
        "{}/tests/data/hdf5/a_fixed.h5",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let limits = Hdf5Limits {
        max_string: 100,
        ..Hdf5Limits::default()
    };
    assert!(read_root_attributes(&a, &limits)
        .unwrap_err()
        .0
        .contains("max_string"));
    let b = std::fs::read(format!(
        "{}/tests/data/hdf5/b_vlen.h5",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    assert!(read_root_attributes(&b, &limits)
        .unwrap_err()
        .0
        .contains("max_string"));
}
