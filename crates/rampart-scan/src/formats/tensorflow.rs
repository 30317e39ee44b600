//! TensorFlow `SavedModel` (`saved_model.pb`) and frozen `GraphDef` extraction: every
//! `NodeDef` op (graph nodes and function-library bodies) and the meta-graph tags,
//! without reading attribute values (tensor constants live in `NodeDef.attr`).
//!
//! Schema subset (tensorflow/core/protobuf/saved_model.proto, meta_graph.proto,
//! framework/graph.proto, node_def.proto, function.proto, op_def.proto):
//!
//! * `SavedModel`: saved_model_schema_version=1 varint, meta_graphs=2. Nothing else is
//!   allowed at the top level, and at least one meta graph must hold a `graph_def`.
//! * `MetaGraphDef`: meta_info_def=1 (`MetaInfoDef`: tags=4 strings), graph_def=2,
//!   saver_def=3, collection_def=4, signature_def=5, asset_file_def=6,
//!   object_graph_def=7 — all length-delimited.
//! * `GraphDef`: node=1, library=2, version=3 (deprecated varint), versions=4,
//!   debug_info=5 (TF ≥ 2.14). Any other field is an error; a bare `GraphDef` needs at
//!   least one top-level node.
//! * `FunctionDefLibrary`: function=1 (`FunctionDef`: signature=1 `OpDef{name=1}`,
//!   node_def=3), gradient=2, registered_gradients=3.
//! * `NodeDef`: name=1, op=2, input=3, device=4, attr=5 (skipped, never read),
//!   experimental_debug_info=6, experimental_type=7. `op` is required and must look like
//!   an op name: `[A-Za-z_][A-Za-z0-9_.>/-]*`.
//!
//! These rules make the parsers usable for content detection: an ONNX `ModelProto`
//! starts with the `ir_version` varint at field 1, which is a message in both TF
//! formats, and ONNX needs field 7 or 8, which both TF parsers reject. A `GraphDef`
//! fails the `SavedModel` check (field 1 is a message, not a varint); a `SavedModel`
//! fails the `GraphDef` check (field 1 is a varint or absent, so no top-level node).

use crate::blob::Blob;
use crate::formats::protobuf::{
    expect_len, expect_varint, MessageReader, ProtoError, ProtoLimits, Source, MAX_OP_LEN,
};

/// Which container was parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TfKind {
    /// `saved_model.pb`.
    SavedModel,
    /// A bare (frozen) `GraphDef`.
    GraphDef,
}

/// One `NodeDef`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TfNode {
    /// `NodeDef.op`.
    pub op: String,
    /// `NodeDef.name`.
    pub name: String,
    /// The `FunctionDef` signature name when the node is inside the function library.
    pub function: Option<String>,
}

/// What a scanner needs from a TensorFlow graph file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TfIr {
    /// Container kind.
    pub kind: TfKind,
    /// Every node of every graph, then (per graph) the function-library nodes.
    pub nodes: Vec<TfNode>,
    /// `MetaInfoDef.tags` of every meta graph (empty for a `GraphDef`).
    pub tags: Vec<String>,
}

/// Parses `blob` as a `SavedModel` (`saved_model.pb`).
pub fn parse_saved_model(blob: &dyn Blob, limits: &ProtoLimits) -> Result<TfIr, ProtoError> {
    let mut p = Parser {
        src: Source::new(blob, limits),
        nodes: Vec::new(),
        tags: Vec::new(),
    };
    let mut r = p.src.root();
    let mut graph_defs = 0usize;
    const M: &str = "SavedModel";
    while let Some((field, v)) = r.next_field(&mut p.src)? {
        let at = r.field_offset();
        match field {
            1 => {
                expect_varint(field, v, at, M)?;
            }
            2 => {
                let (o, l) = expect_len(field, v, at, M)?;
                let sub = r.descend(&p.src, o, l)?;
                graph_defs = graph_defs.saturating_add(p.meta_graph(sub)?);
            }
            _ => {
                return Err(ProtoError::new(
                    at,
                    format!("{M}: unexpected field {field}"),
                ));
            }
        }
    }
    if graph_defs == 0 {
        return Err(ProtoError::new(
            0,
            "not a SavedModel: no meta graph with a graph_def",
        ));
    }
    Ok(TfIr {
        kind: TfKind::SavedModel,
        nodes: p.nodes,
        tags: p.tags,
    })
}

/// Parses `blob` as a bare `GraphDef` (e.g. a frozen graph).
pub fn parse_graph_def(blob: &dyn Blob, limits: &ProtoLimits) -> Result<TfIr, ProtoError> {
    let mut p = Parser {
        src: Source::new(blob, limits),
        nodes: Vec::new(),
        tags: Vec::new(),
    };
    let r = p.src.root();
    if p.graph_def(r)? == 0 {
        return Err(ProtoError::new(0, "not a GraphDef: no nodes"));
    }
    Ok(TfIr {
        kind: TfKind::GraphDef,
        nodes: p.nodes,
        tags: p.tags,
    })
}

/// `[A-Za-z_][A-Za-z0-9_.>/-]*`
fn is_op_name(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '>' | '/' | '-'))
}

struct Parser<'a> {
    src: Source<'a>,
    nodes: Vec<TfNode>,
    tags: Vec<String>,
}

impl Parser<'_> {
    /// Returns how many `graph_def` fields the meta graph holds.
    fn meta_graph(&mut self, mut r: MessageReader) -> Result<usize, ProtoError> {
        const M: &str = "MetaGraphDef";
        let mut graph_defs = 0usize;
        while let Some((field, v)) = r.next_field(&mut self.src)? {
            let at = r.field_offset();
            match field {
                1 => {
                    let (o, l) = expect_len(field, v, at, M)?;
                    let sub = r.descend(&self.src, o, l)?;
                    self.meta_info(sub)?;
                }
                2 => {
                    let (o, l) = expect_len(field, v, at, M)?;
                    let sub = r.descend(&self.src, o, l)?;
                    self.graph_def(sub)?;
                    graph_defs = graph_defs.saturating_add(1);
                }
                3..=7 => {
                    expect_len(field, v, at, M)?;
                }
                _ => {}
            }
        }
        Ok(graph_defs)
    }

    fn meta_info(&mut self, mut r: MessageReader) -> Result<(), ProtoError> {
        const M: &str = "MetaInfoDef";
        while let Some((field, v)) = r.next_field(&mut self.src)? {
            let at = r.field_offset();
            match field {
                4 => {
                    let tag = self.src.string_field(field, v, at, M)?;
                    self.tags.push(tag);
                }
                1 | 2 | 3 | 5 | 6 | 8 => {
                    expect_len(field, v, at, M)?;
                }
                7 => {
                    expect_varint(field, v, at, M)?;
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Walks a `GraphDef`; returns how many top-level (non-library) nodes it has.
    fn graph_def(&mut self, mut r: MessageReader) -> Result<usize, ProtoError> {
        const M: &str = "GraphDef";
        let mut library = Vec::new();
        let mut count = 0usize;
        while let Some((field, v)) = r.next_field(&mut self.src)? {
            let at = r.field_offset();
            match field {
                1 => {
                    let (o, l) = expect_len(field, v, at, M)?;
                    let sub = r.descend(&self.src, o, l)?;
                    let node = self.node_def(sub)?;
                    self.nodes.push(node);
                    count = count.saturating_add(1);
                }
                // Library nodes are listed after the graph's own nodes.
                2 => {
                    let (o, l) = expect_len(field, v, at, M)?;
                    library.push(r.descend(&self.src, o, l)?);
                }
                3 => {
                    expect_varint(field, v, at, M)?;
                }
                4 | 5 => {
                    expect_len(field, v, at, M)?;
                }
                _ => {
                    return Err(ProtoError::new(
                        at,
                        format!("{M}: unexpected field {field}"),
                    ))
                }
            }
        }
        for lib in library {
            self.library(lib)?;
        }
        Ok(count)
    }

    fn library(&mut self, mut r: MessageReader) -> Result<(), ProtoError> {
        const M: &str = "FunctionDefLibrary";
        while let Some((field, v)) = r.next_field(&mut self.src)? {
            let at = r.field_offset();
            match field {
                1 => {
                    let (o, l) = expect_len(field, v, at, M)?;
                    let sub = r.descend(&self.src, o, l)?;
                    self.function_def(sub)?;
                }
                2 | 3 => {
                    expect_len(field, v, at, M)?;
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn function_def(&mut self, mut r: MessageReader) -> Result<(), ProtoError> {
        const M: &str = "FunctionDef";
        let first = self.nodes.len();
        let mut name = String::new();
        while let Some((field, v)) = r.next_field(&mut self.src)? {
            let at = r.field_offset();
            match field {
                1 => {
                    let (o, l) = expect_len(field, v, at, M)?;
                    let mut sig = r.descend(&self.src, o, l)?;
                    while let Some((f, sv)) = sig.next_field(&mut self.src)? {
                        if f == 1 {
                            let (so, sl) = expect_len(f, sv, sig.field_offset(), "OpDef")?;
                            let max = self.src.limits().max_string;
                            name = self.src.read_string(so, sl, max)?;
                        }
                    }
                }
                3 => {
                    let (o, l) = expect_len(field, v, at, M)?;
                    let sub = r.descend(&self.src, o, l)?;
                    let node = self.node_def(sub)?;
                    self.nodes.push(node);
                }
                4..=8 => {
                    expect_len(field, v, at, M)?;
                }
                _ => {}
            }
        }
        // The signature may follow the body; attach the name afterwards.
        let count = self.nodes.len().saturating_sub(first) as u64;
        self.src
            .charge(count.saturating_mul(name.len() as u64), r.position())?;
        for node in self.nodes.iter_mut().skip(first) {
            node.function = Some(name.clone());
        }
        Ok(())
    }

    fn node_def(&mut self, mut r: MessageReader) -> Result<TfNode, ProtoError> {
        const M: &str = "NodeDef";
        let start = r.position();
        let mut name = String::new();
        let mut op = None;
        while let Some((field, v)) = r.next_field(&mut self.src)? {
            let at = r.field_offset();
            match field {
                1 => {
                    name = self.src.string_field(field, v, at, M)?;
                }
                2 => {
                    let (o, l) = expect_len(field, v, at, M)?;
                    let max = self.src.limits().max_string.min(MAX_OP_LEN);
                    let s = self.src.read_string(o, l, max)?;
                    if !is_op_name(&s) {
                        return Err(ProtoError::new(o, format!("{M}: invalid op name {s:?}")));
                    }
                    op = Some(s);
                }
                // attr (5) holds tensor constants: skipped, never read.
                3..=7 => {
                    expect_len(field, v, at, M)?;
                }
                _ => {}
            }
        }
        let op = op.ok_or_else(|| ProtoError::new(start, format!("{M}: no op")))?;
        Ok(TfNode {
            op,
            name,
            function: None,
        })
    }
}

/// The nodes whose operation is one of `ops`, with where they are: `(node, place)`
/// where place is `""` or ` in function "f"`.
pub fn nodes_with_ops<'a>(
    ir: &'a TfIr,
    ops: &'a [&str],
) -> impl Iterator<Item = (&'a TfNode, String)> + 'a {
    ir.nodes
        .iter()
        .filter(move |n| ops.contains(&n.op.as_str()))
        .map(|n| {
            let place = n
                .function
                .as_deref()
                .map_or_else(String::new, |f| format!(" in function {f:?}"));
            (n, place)
        })
}
