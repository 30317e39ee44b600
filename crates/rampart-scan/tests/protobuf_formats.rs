//! Integration tests over the generated corpus (tests/data, see gen.py) and hand-built inputs.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::path::PathBuf;
use std::time::Instant;

use rampart_scan::blob::{Blob, CountingBlob};
use rampart_scan::formats::onnx::{parse_onnx, ExternalData, OnnxIr, OnnxNode};
use rampart_scan::formats::protobuf::{ProtoError, ProtoLimits};
use rampart_scan::formats::tensorflow::{parse_graph_def, parse_saved_model, TfIr, TfKind, TfNode};

// ---------------------------------------------------------------- helpers

fn data(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/protobuf")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

const FILES: &[&str] = &[
    "matmul_relu.onnx",
    "custom_domain.onnx",
    "if_subgraph.onnx",
    "external.onnx",
    "external_traversal.onnx",
    "function.onnx",
    "saved_model.pb",
    "frozen_graph.pb",
];

fn limits() -> ProtoLimits {
    ProtoLimits::default()
}

fn onnx(bytes: &[u8]) -> Result<OnnxIr, ProtoError> {
    parse_onnx(&bytes.to_vec(), &limits())
}

fn saved(bytes: &[u8]) -> Result<TfIr, ProtoError> {
    parse_saved_model(&bytes.to_vec(), &limits())
}

fn graph_def(bytes: &[u8]) -> Result<TfIr, ProtoError> {
    parse_graph_def(&bytes.to_vec(), &limits())
}

fn node(op: &str, domain: &str, name: &str, graph: &str) -> OnnxNode {
    OnnxNode {
        op_type: op.into(),
        domain: domain.into(),
        name: name.into(),
        graph: graph.into(),
    }
}

fn tf(op: &str, name: &str, function: Option<&str>) -> TfNode {
    TfNode {
        op: op.into(),
        name: name.into(),
        function: function.map(String::from),
    }
}

// Tiny protobuf encoder for hand-built inputs.
fn varint(mut n: u64, out: &mut Vec<u8>) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn vfield(field: u64, n: u64) -> Vec<u8> {
    let mut out = Vec::new();
    varint(field << 3, &mut out);
    varint(n, &mut out);
    out
}

fn lfield(field: u64, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    varint((field << 3) | 2, &mut out);
    varint(data.len() as u64, &mut out);
    out.extend_from_slice(data);
    out
}

fn cat(parts: &[Vec<u8>]) -> Vec<u8> {
    parts.concat()
}

// ---------------------------------------------------------------- ONNX extraction

#[test]
fn onnx_matmul_relu() {
    let ir = onnx(&data("matmul_relu.onnx")).unwrap();
    assert_eq!(ir.ir_version, Some(8));
    assert_eq!(ir.producer.as_deref(), Some("rampart-gen"));
    assert_eq!(ir.opset_domains, vec![(String::new(), 17)]);
    assert_eq!(
        ir.nodes,
        vec![
            node("MatMul", "", "matmul0", "main"),
            node("Relu", "", "relu0", "main"),
        ]
    );
    assert!(ir.external_data.is_empty());
    assert!(ir.functions.is_empty());
}

#[test]
fn onnx_custom_domain() {
    let ir = onnx(&data("custom_domain.onnx")).unwrap();
    assert_eq!(
        ir.opset_domains,
        vec![(String::new(), 17), ("evil.custom".to_string(), 1)]
    );
    assert_eq!(
        ir.nodes,
        vec![
            node("Relu", "", "relu0", "main"),
            node("Backdoor", "evil.custom", "evil0", "main"),
        ]
    );
}

#[test]
fn onnx_if_subgraph() {
    let ir = onnx(&data("if_subgraph.onnx")).unwrap();
    assert_eq!(
        ir.nodes,
        vec![
            node("ReduceSum", "", "sum0", "main"),
            node("Cast", "", "cast0", "main"),
            node("If", "", "If_3", "main"),
            node("Identity", "", "id0", "main/If_3.else_branch"),
            node(
                "HiddenOp",
                "evil.custom",
                "hidden0",
                "main/If_3.then_branch"
            ),
        ]
    );
}

#[test]
fn onnx_external_data() {
    let ir = onnx(&data("external.onnx")).unwrap();
    assert_eq!(
        ir.external_data,
        vec![ExternalData {
            tensor: "W".into(),
            location: "weights.bin".into(),
            graph: "main".into(),
        }]
    );
    let ir = onnx(&data("external_traversal.onnx")).unwrap();
    assert_eq!(
        ir.external_data,
        vec![ExternalData {
            tensor: "W".into(),
            location: "../../etc/passwd".into(),
            graph: "main".into(),
        }]
    );
}

#[test]
fn onnx_functions() {
    let ir = onnx(&data("function.onnx")).unwrap();
    assert_eq!(ir.functions, vec!["evil.fn:Backdoor".to_string()]);
    assert_eq!(
        ir.opset_domains,
        vec![
            (String::new(), 17),
            ("evil.fn".to_string(), 1),
            ("evil.custom".to_string(), 1)
        ]
    );
    assert_eq!(
        ir.nodes,
        vec![
            node("Backdoor", "evil.fn", "call0", "main"),
            node("Relu", "", "fn_relu", "function:evil.fn:Backdoor"),
            node(
                "Exec",
                "evil.custom",
                "fn_exec",
                "function:evil.fn:Backdoor"
            ),
        ]
    );
}

/// ModelProto with a 5 MB initializer placed before the node, built in Rust.
fn big_model(payload: usize) -> Vec<u8> {
    let tensor = cat(&[
        vfield(1, payload as u64 / 4), // dims
        vfield(2, 1),                  // FLOAT
        lfield(8, b"big"),
        lfield(9, &vec![0x5au8; payload]), // raw_data
    ]);
    let node = cat(&[
        lfield(1, b"x"),
        lfield(1, b"big"),
        lfield(2, b"y"),
        lfield(3, b"after_payload"),
        lfield(4, b"Add"),
    ]);
    let graph = cat(&[lfield(5, &tensor), lfield(1, &node), lfield(2, b"g")]);
    cat(&[
        vfield(1, 9),
        lfield(2, b"bigmaker"),
        lfield(7, &graph),
        lfield(8, &vfield(2, 21)),
    ])
}

#[test]
fn onnx_skips_tensor_payload() {
    let bytes = big_model(5 * 1024 * 1024);
    let counting = CountingBlob::new(&bytes);
    let ir = parse_onnx(&counting, &limits()).unwrap();
    assert_eq!(ir.nodes, vec![node("Add", "", "after_payload", "g")]);
    assert_eq!(ir.opset_domains, vec![(String::new(), 21)]);
    let read = counting.bytes_read();
    eprintln!(
        "5 MiB model: {} of {} bytes read in {} calls",
        read,
        bytes.len(),
        counting.reads()
    );
    // One 64 KiB window for the header, one (clamped to EOF) after the payload.
    assert!(read <= 2 * 64 * 1024, "read {read} bytes");
    assert!(read * 20 < bytes.len() as u64);
}

#[test]
fn small_files_are_read_in_one_call() {
    for name in FILES {
        let bytes = data(name);
        let counting = CountingBlob::new(&bytes);
        let _ = parse_onnx(&counting, &limits());
        let _ = parse_saved_model(&counting, &limits());
        let _ = parse_graph_def(&counting, &limits());
        assert!(counting.reads() <= 3, "{name}");
    }
}

// ---------------------------------------------------------------- TensorFlow extraction

#[test]
fn tf_saved_model() {
    let ir = saved(&data("saved_model.pb")).unwrap();
    assert_eq!(ir.kind, TfKind::SavedModel);
    assert_eq!(ir.tags, vec!["serve".to_string()]);
    assert_eq!(
        ir.nodes,
        vec![
            tf("Placeholder", "x", None),
            tf("Const", "w", None),
            tf("MatMul", "mm", None),
            tf("PyFunc", "evil", None),
            tf("ReadFile", "read", Some("fn")),
            tf("WriteFile", "write", Some("fn")),
        ]
    );
}

#[test]
fn tf_graph_def() {
    let ir = graph_def(&data("frozen_graph.pb")).unwrap();
    assert_eq!(ir.kind, TfKind::GraphDef);
    assert!(ir.tags.is_empty());
    assert_eq!(
        ir.nodes,
        vec![
            tf("Placeholder", "input", None),
            tf("Const", "c", None),
            tf("AddV2", "add", None),
            tf("Identity", "out", None),
        ]
    );
}

#[test]
fn tf_function_signature_after_body() {
    // FunctionDef with node_def before signature: the name is still attached.
    let nd = cat(&[lfield(1, b"n"), lfield(2, b"ReadFile")]);
    let fdef = cat(&[lfield(3, &nd), lfield(1, &lfield(1, b"late"))]);
    let g = cat(&[
        lfield(1, &cat(&[lfield(1, b"a"), lfield(2, b"NoOp")])),
        lfield(2, &lfield(1, &fdef)),
    ]);
    let ir = graph_def(&g).unwrap();
    assert_eq!(
        ir.nodes,
        vec![tf("NoOp", "a", None), tf("ReadFile", "n", Some("late"))]
    );
}

#[test]
fn tf_rejects_bad_op_names() {
    let g = lfield(1, &cat(&[lfield(1, b"a"), lfield(2, b"1bad op")]));
    assert!(graph_def(&g).is_err());
    let g = lfield(1, &lfield(1, b"a")); // no op
    assert!(graph_def(&g).is_err());
    assert!(graph_def(&[]).is_err()); // no nodes
                                      // Library-only GraphDef: no top-level node.
    let nd = cat(&[lfield(1, b"n"), lfield(2, b"ReadFile")]);
    let lib_only = lfield(2, &lfield(1, &lfield(3, &nd)));
    assert!(graph_def(&lib_only).is_err());
    // A SavedModel without schema version is still not a GraphDef.
    let sm = data("saved_model.pb");
    assert_eq!(&sm[..2], &[0x08, 0x01]);
    assert!(saved(&sm[2..]).is_ok());
    assert!(graph_def(&sm[2..]).is_err());
    assert!(saved(&[]).is_err());
}

// ---------------------------------------------------------------- cross-detection

#[test]
fn onnx_files_are_not_tensorflow() {
    for name in FILES.iter().filter(|n| n.ends_with(".onnx")) {
        let b = data(name);
        assert!(saved(&b).is_err(), "{name} parsed as SavedModel");
        assert!(graph_def(&b).is_err(), "{name} parsed as GraphDef");
    }
    let big = big_model(100_000);
    assert!(saved(&big).is_err());
    assert!(graph_def(&big).is_err());
}

#[test]
fn tensorflow_files_are_not_onnx() {
    let sm = data("saved_model.pb");
    let gd = data("frozen_graph.pb");
    assert!(onnx(&sm).is_err());
    assert!(onnx(&gd).is_err());
    assert!(graph_def(&sm).is_err(), "SavedModel parsed as GraphDef");
    assert!(saved(&gd).is_err(), "GraphDef parsed as SavedModel");
}

#[test]
fn pickle_and_random_are_nothing() {
    let mut inputs: Vec<Vec<u8>> = vec![
        b"\x80\x02}q\x00.".to_vec(),
        b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00}\x94\x8c\x01a\x94K\x01s.".to_vec(),
        b"PK\x03\x04\x14\x00\x00\x00".to_vec(),
        Vec::new(),
        vec![0u8; 100],
        b"hello world, this is plain text\n".to_vec(),
    ];
    let mut rng = fastrand::Rng::with_seed(0x1234_5678_9abc_def1);
    for len in [16usize, 256, 4096, 65536, 200_000] {
        for _ in 0..8 {
            inputs.push((0..len).map(|_| rng.u8(..)).collect());
        }
    }
    for (i, b) in inputs.iter().enumerate() {
        assert!(onnx(b).is_err(), "input {i} parsed as ONNX");
        assert!(saved(b).is_err(), "input {i} parsed as SavedModel");
        assert!(graph_def(b).is_err(), "input {i} parsed as GraphDef");
    }
}

// ---------------------------------------------------------------- robustness

/// Runs every parser on `b` and holds each to an operation-count budget instead of a
/// wall-clock one (which a loaded machine breaks): the bytes it pulls from the blob.
/// Parsing is one forward pass over a sliding window, so re-reading (a quadratic
/// walk) shows up as bytes read far beyond the input's length.
fn all_parsers(b: &[u8]) {
    let v = b.to_vec();
    let budget = 4 * v.len() as u64 + (1 << 20);
    type Parse = fn(&dyn Blob, &ProtoLimits) -> bool;
    let parsers: [(&str, Parse); 3] = [
        ("onnx", |b, l| parse_onnx(b, l).is_ok()),
        ("saved_model", |b, l| parse_saved_model(b, l).is_ok()),
        ("graph_def", |b, l| parse_graph_def(b, l).is_ok()),
    ];
    for (name, parse) in parsers {
        let counting = CountingBlob::new(&v);
        let _ = parse(&counting, &limits());
        let read = counting.bytes_read();
        assert!(
            read <= budget,
            "{name} read {read} bytes of a {}-byte input (budget {budget}): {b:?}",
            v.len()
        );
    }
}

#[test]
fn every_truncation() {
    let start = Instant::now();
    let mut files: Vec<Vec<u8>> = FILES.iter().map(|n| data(n)).collect();
    files.push(big_model(200_000));
    for f in &files {
        let stride = (f.len() / 2000).max(1);
        let mut cut = 0;
        while cut <= f.len() {
            all_parsers(&f[..cut]);
            cut += stride;
        }
    }
    // Every proper prefix of a valid small file must be rejected or at least not panic;
    // most are rejected because a length runs past the end.
    let full = data("matmul_relu.onnx");
    assert!(onnx(&full[..full.len() - 1]).is_err());
    eprintln!("truncations: {:?}", start.elapsed());
}

#[test]
fn byte_flip_mutations() {
    let start = Instant::now();
    let files: Vec<Vec<u8>> = FILES.iter().map(|n| data(n)).collect();
    let mut rng = fastrand::Rng::with_seed(0xdead_beef_cafe_f00d);
    let mut parsed = 0usize;
    for i in 0..5000usize {
        let mut b = files[i % files.len()].clone();
        let flips = rng.usize(1..=4);
        for _ in 0..flips {
            let at = rng.usize(..b.len());
            match rng.u8(..3) {
                0 => b[at] ^= 1 << rng.u32(..8),
                1 => b[at] = rng.u8(..),
                _ => b[at] = 0xff,
            }
        }
        all_parsers(&b);
        if onnx(&b).is_ok() || saved(&b).is_ok() || graph_def(&b).is_ok() {
            parsed += 1;
        }
    }
    eprintln!(
        "5000 mutations: {parsed} still parse, {:?}",
        start.elapsed()
    );
}

/// Graph → Node(If) → Attribute(g) → Graph … `levels` times.
fn nested_model(levels: usize) -> Vec<u8> {
    let mut graph = lfield(1, &lfield(4, b"Leaf"));
    for _ in 0..levels {
        let attr = cat(&[lfield(1, b"then_branch"), lfield(6, &graph)]);
        let node = cat(&[lfield(3, b"If"), lfield(4, b"If"), lfield(5, &attr)]);
        graph = lfield(1, &node);
    }
    cat(&[vfield(1, 8), lfield(7, &graph)])
}

#[test]
fn deep_nesting_hits_depth_cap() {
    let start = Instant::now();
    let deep = nested_model(10_000);
    let err = onnx(&deep).unwrap_err();
    assert!(err.message.contains("nesting"), "{err}");
    // Within the cap it parses, and paths nest.
    let ir = onnx(&nested_model(3)).unwrap();
    assert_eq!(ir.nodes.len(), 4);
    assert_eq!(
        ir.nodes[3],
        node(
            "Leaf",
            "",
            "",
            "main/If.then_branch/If.then_branch/If.then_branch"
        )
    );
    // 20 levels × 3 messages + model + graph = 62 ≤ 64.
    assert!(onnx(&nested_model(20)).is_ok());
    assert!(onnx(&nested_model(21)).is_err());
    eprintln!("deep nesting: {:?}", start.elapsed());
}

#[test]
fn huge_lengths_are_rejected() {
    // graph field with length 2^62.
    let mut b = vec![0x08, 0x08, 0x3a];
    varint(1 << 62, &mut b);
    b.extend_from_slice(&[0u8; 32]);
    let err = onnx(&b).unwrap_err();
    assert!(err.message.contains("past end"), "{err}");
    assert!(saved(&b).is_err());
    assert!(graph_def(&b).is_err());
    // A name longer than max_string.
    let limits = ProtoLimits {
        max_string: 16,
        ..ProtoLimits::default()
    };
    let m = cat(&[lfield(2, &[b'a'; 17]), lfield(8, &vfield(2, 1))]);
    assert!(parse_onnx(&m, &limits).is_err());
    // Non-UTF-8 producer.
    let m = cat(&[lfield(2, &[0xff, 0xfe]), lfield(8, &vfield(2, 1))]);
    assert!(onnx(&m).is_err());
    // Wrong wire type for a known field (ir_version as a string).
    let m = cat(&[lfield(1, b"8"), lfield(8, &vfield(2, 1))]);
    assert!(onnx(&m).is_err());
}

#[test]
fn field_cap_applies() {
    let limits = ProtoLimits {
        max_fields: 10,
        ..ProtoLimits::default()
    };
    assert!(parse_onnx(&data("if_subgraph.onnx"), &limits).is_err());
    assert!(parse_saved_model(&data("saved_model.pb"), &limits).is_err());
}
