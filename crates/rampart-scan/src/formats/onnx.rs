//! ONNX `ModelProto` extraction: operators (with their domains, including those inside
//! `If`/`Loop`/`Scan` subgraphs, training graphs and model-local functions), opset
//! imports, producer and external-data locations — without reading tensor payloads.
//!
//! Schema subset (onnx/onnx.proto3), field numbers and the wire types enforced:
//!
//! * `ModelProto`: ir_version=1 varint, producer_name=2, producer_version=3, domain=4
//!   (strings), model_version=5 varint, doc_string=6, graph=7, opset_import=8,
//!   metadata_props=14, training_info=20, functions=25.
//! * `GraphProto`: node=1, name=2, initializer=5, doc_string=10, input=11, output=12,
//!   value_info=13, sparse_initializer=15.
//! * `NodeProto`: input=1, output=2, name=3, op_type=4, attribute=5, doc_string=6,
//!   domain=7.
//! * `AttributeProto`: name=1, f=2 fixed32, i=3 varint, s=4, t=5, g=6, floats=7,
//!   ints=8, strings=9, tensors=10, graphs=11, type=20 varint, sparse_tensor=22,
//!   sparse_tensors=23.
//! * `TensorProto`: dims=1, data_type=2 varint, name=8, raw_data=9 (skipped, never
//!   read), external_data=13 (`StringStringEntryProto{key=1,value=2}`),
//!   data_location=14 varint.
//!
//! Unknown field numbers are skipped (ONNX grows new fields); a known field with the
//! wrong wire type, a string that is not UTF-8, or a model with neither `graph` nor
//! `opset_import` is an error. That is what makes [`parse_onnx`] usable as content
//! detection: a TensorFlow `SavedModel` has a `MetaGraphDef` message where ONNX has
//! `producer_name` (and no field 7/8); a `GraphDef` has a message at field 1 where ONNX
//! has the `ir_version` varint.
//!
//! External data: every `external_data` entry with key `location` is recorded, whether
//! or not `data_location` says EXTERNAL (a loader may still honour it; the scanner should
//! judge the path either way).

use crate::blob::Blob;
use crate::formats::protobuf::{
    expect_len, expect_scalar, expect_varint, MessageReader, ProtoError, ProtoLimits, Source,
    WireValue, MAX_OP_LEN,
};

/// One operator node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnnxNode {
    /// `NodeProto.op_type`.
    pub op_type: String,
    /// `NodeProto.domain` (empty = the default `ai.onnx` domain).
    pub domain: String,
    /// `NodeProto.name`.
    pub name: String,
    /// Path of the graph holding the node, e.g. `main/If_3.then_branch`; see [`parse_onnx`].
    pub graph: String,
}

/// A tensor whose payload lives in another file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalData {
    /// `TensorProto.name`.
    pub tensor: String,
    /// The `location` value, verbatim (may be absolute or contain `..`).
    pub location: String,
    /// Path of the graph holding the tensor.
    pub graph: String,
}

/// What a scanner needs from an ONNX model.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OnnxIr {
    /// `ModelProto.ir_version`.
    pub ir_version: Option<u64>,
    /// `producer_name`, followed by a space and `producer_version` when that is non-empty.
    pub producer: Option<String>,
    /// `opset_import` entries `(domain, version)` in file order.
    pub opset_domains: Vec<(String, i64)>,
    /// Every node of the main graph, its subgraphs, training graphs and functions.
    pub nodes: Vec<OnnxNode>,
    /// Every `external_data` location.
    pub external_data: Vec<ExternalData>,
    /// `domain:name` of each `ModelProto.functions` entry.
    pub functions: Vec<String>,
}

/// Longest label (graph/node/attribute name) used when building a graph path.
const MAX_LABEL: usize = 128;
/// Longest graph path.
const MAX_PATH: usize = 1024;

/// Parses `blob` as an ONNX `ModelProto`.
///
/// Graph paths: the main graph is its `name` (or `main` when empty); a subgraph is
/// `<parent path>/<node name, or op_type when unnamed>.<attribute name>` with `[k]`
/// appended for the k-th entry of a `graphs` list; training graphs are
/// `training_info[i].initialization` / `training_info[i].algorithm`; function bodies are
/// `function:<domain>:<name>`. Labels are cut at 128 bytes and paths at 1 KiB.
///
/// Structural check used for content detection: the bytes parse as ModelProto with a
/// graph (field 7) or opset_import (field 8) and no field whose wire type contradicts
/// the schema.
pub fn parse_onnx(blob: &dyn Blob, limits: &ProtoLimits) -> Result<OnnxIr, ProtoError> {
    let mut p = Parser {
        src: Source::new(blob, limits),
        graphs: Vec::new(),
        nodes: Vec::new(),
        ext: Vec::new(),
    };
    let root = p.src.root();
    let mut ir = p.model(root)?;
    p.finish(&mut ir)?;
    Ok(ir)
}

enum GraphOwner {
    /// A top-level graph; the label is its path.
    Root,
    /// A subgraph held by attribute `attr` of node `node` in graph `parent`.
    Attr {
        parent: usize,
        node: usize,
        attr: String,
        index: Option<usize>,
    },
}

struct GraphSlot {
    owner: GraphOwner,
    label: String,
}

struct NodeSlot {
    node: OnnxNode,
    graph: usize,
}

struct ExtSlot {
    tensor: String,
    location: String,
    graph: usize,
}

struct Parser<'a> {
    src: Source<'a>,
    graphs: Vec<GraphSlot>,
    nodes: Vec<NodeSlot>,
    ext: Vec<ExtSlot>,
}

fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut cut = max;
    while cut > 0 && !s.is_char_boundary(cut) {
        cut -= 1;
    }
    s.get(..cut).unwrap_or("")
}

impl Parser<'_> {
    fn sub(&self, r: &MessageReader, offset: u64, len: u64) -> Result<MessageReader, ProtoError> {
        r.descend(&self.src, offset, len)
    }

    fn model(&mut self, mut r: MessageReader) -> Result<OnnxIr, ProtoError> {
        const M: &str = "ModelProto";
        let mut ir = OnnxIr::default();
        let mut producer_name = None;
        let mut producer_version = String::new();
        let mut has_graph_or_opset = false;
        let mut training = 0usize;
        while let Some((field, v)) = r.next_field(&mut self.src)? {
            let at = r.field_offset();
            match field {
                1 => ir.ir_version = Some(expect_varint(field, v, at, M)?),
                2..=4 => {
                    let (o, l) = expect_len(field, v, at, M)?;
                    let max = self.src.limits().max_string;
                    let s = self.src.read_string(o, l, max)?;
                    if s.chars()
                        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
                    {
                        return Err(ProtoError::new(
                            o,
                            format!("{M} field {field}: control characters in string"),
                        ));
                    }
                    match field {
                        2 => producer_name = Some(s),
                        3 => producer_version = s,
                        _ => {}
                    }
                }
                5 => {
                    expect_varint(field, v, at, M)?;
                }
                6 | 14 => {
                    expect_len(field, v, at, M)?;
                }
                7 => {
                    let (o, l) = expect_len(field, v, at, M)?;
                    has_graph_or_opset = true;
                    let g = self.new_graph(GraphOwner::Root, String::new());
                    let sub = self.sub(&r, o, l)?;
                    self.graph(sub, g, true)?;
                }
                8 => {
                    let (o, l) = expect_len(field, v, at, M)?;
                    has_graph_or_opset = true;
                    let sub = self.sub(&r, o, l)?;
                    let entry = self.opset(sub)?;
                    ir.opset_domains.push(entry);
                }
                20 => {
                    let (o, l) = expect_len(field, v, at, M)?;
                    let sub = self.sub(&r, o, l)?;
                    self.training_info(sub, training)?;
                    training = training.saturating_add(1);
                }
                25 => {
                    let (o, l) = expect_len(field, v, at, M)?;
                    let sub = self.sub(&r, o, l)?;
                    let f = self.function(sub)?;
                    ir.functions.push(f);
                }
                _ => {}
            }
        }
        if !has_graph_or_opset {
            return Err(ProtoError::new(
                0,
                "not an ONNX model: no graph or opset_import",
            ));
        }
        ir.producer = producer_name.map(|n| {
            if producer_version.is_empty() {
                n
            } else {
                format!("{n} {producer_version}")
            }
        });
        Ok(ir)
    }

    fn new_graph(&mut self, owner: GraphOwner, label: String) -> usize {
        self.graphs.push(GraphSlot { owner, label });
        self.graphs.len() - 1
    }

    fn opset(&mut self, mut r: MessageReader) -> Result<(String, i64), ProtoError> {
        const M: &str = "OperatorSetIdProto";
        let mut domain = String::new();
        let mut version = 0i64;
        while let Some((field, v)) = r.next_field(&mut self.src)? {
            let at = r.field_offset();
            match field {
                1 => {
                    domain = self.src.string_field(field, v, at, M)?;
                }
                2 => version = expect_varint(field, v, at, M)? as i64,
                _ => {}
            }
        }
        Ok((domain, version))
    }

    fn training_info(&mut self, mut r: MessageReader, index: usize) -> Result<(), ProtoError> {
        const M: &str = "TrainingInfoProto";
        while let Some((field, v)) = r.next_field(&mut self.src)? {
            let at = r.field_offset();
            match field {
                1 | 2 => {
                    let (o, l) = expect_len(field, v, at, M)?;
                    let what = if field == 1 {
                        "initialization"
                    } else {
                        "algorithm"
                    };
                    let g =
                        self.new_graph(GraphOwner::Root, format!("training_info[{index}].{what}"));
                    let sub = self.sub(&r, o, l)?;
                    self.graph(sub, g, false)?;
                }
                3 | 4 => {
                    expect_len(field, v, at, M)?;
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn function(&mut self, mut r: MessageReader) -> Result<String, ProtoError> {
        const M: &str = "FunctionProto";
        let g = self.new_graph(GraphOwner::Root, String::new());
        let mut name = String::new();
        let mut domain = String::new();
        while let Some((field, v)) = r.next_field(&mut self.src)? {
            let at = r.field_offset();
            match field {
                1 => {
                    name = self.src.string_field(field, v, at, M)?;
                }
                10 => {
                    domain = self.src.string_field(field, v, at, M)?;
                }
                7 => {
                    let (o, l) = expect_len(field, v, at, M)?;
                    let sub = self.sub(&r, o, l)?;
                    self.node(sub, g)?;
                }
                4 | 5 | 6 | 9 | 11 | 12 | 13 | 14 => {
                    expect_len(field, v, at, M)?;
                }
                _ => {}
            }
        }
        let label = format!(
            "function:{}:{}",
            truncate(&domain, MAX_LABEL),
            truncate(&name, MAX_LABEL)
        );
        if let Some(slot) = self.graphs.get_mut(g) {
            slot.label = label;
        }
        Ok(format!("{domain}:{name}"))
    }

    /// Walks a `GraphProto`. `named` graphs take their `name` field as their label.
    fn graph(&mut self, mut r: MessageReader, g: usize, named: bool) -> Result<(), ProtoError> {
        const M: &str = "GraphProto";
        while let Some((field, v)) = r.next_field(&mut self.src)? {
            let at = r.field_offset();
            match field {
                1 => {
                    let (o, l) = expect_len(field, v, at, M)?;
                    let sub = self.sub(&r, o, l)?;
                    self.node(sub, g)?;
                }
                2 => {
                    let name = self.src.string_field(field, v, at, M)?;
                    if named {
                        if let Some(slot) = self.graphs.get_mut(g) {
                            slot.label = truncate(&name, MAX_LABEL).to_string();
                        }
                    }
                }
                5 => {
                    let (o, l) = expect_len(field, v, at, M)?;
                    let sub = self.sub(&r, o, l)?;
                    self.tensor(sub, g)?;
                }
                15 => {
                    let (o, l) = expect_len(field, v, at, M)?;
                    let sub = self.sub(&r, o, l)?;
                    self.sparse_tensor(sub, g)?;
                }
                10..=14 | 16 => {
                    expect_len(field, v, at, M)?;
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn node(&mut self, mut r: MessageReader, g: usize) -> Result<(), ProtoError> {
        const M: &str = "NodeProto";
        // Reserve the slot first so that subgraphs can refer to their owner node.
        let n = self.nodes.len();
        self.nodes.push(NodeSlot {
            node: OnnxNode {
                op_type: String::new(),
                domain: String::new(),
                name: String::new(),
                graph: String::new(),
            },
            graph: g,
        });
        let mut op_type = String::new();
        let mut domain = String::new();
        let mut name = String::new();
        while let Some((field, v)) = r.next_field(&mut self.src)? {
            let at = r.field_offset();
            match field {
                3 => {
                    name = self.src.string_field(field, v, at, M)?;
                }
                4 => {
                    let (o, l) = expect_len(field, v, at, M)?;
                    let max = self.src.limits().max_string.min(MAX_OP_LEN);
                    op_type = self.src.read_string(o, l, max)?;
                }
                7 => {
                    domain = self.src.string_field(field, v, at, M)?;
                }
                5 => {
                    let (o, l) = expect_len(field, v, at, M)?;
                    let sub = self.sub(&r, o, l)?;
                    self.attribute(sub, g, n)?;
                }
                1 | 2 | 6 | 8 | 9 | 10 => {
                    expect_len(field, v, at, M)?;
                }
                _ => {}
            }
        }
        if let Some(slot) = self.nodes.get_mut(n) {
            slot.node.op_type = op_type;
            slot.node.domain = domain;
            slot.node.name = name;
        }
        Ok(())
    }

    fn attribute(&mut self, mut r: MessageReader, g: usize, n: usize) -> Result<(), ProtoError> {
        const M: &str = "AttributeProto";
        let mut name = String::new();
        let first_graph = self.graphs.len();
        let mut graph_list_index = 0usize;
        while let Some((field, v)) = r.next_field(&mut self.src)? {
            let at = r.field_offset();
            match field {
                1 => {
                    name = self.src.string_field(field, v, at, M)?;
                }
                2 => expect_scalar(
                    field,
                    v,
                    at,
                    M,
                    |w| matches!(w, WireValue::Fixed32(_)),
                    false,
                )?,
                3 | 20 => {
                    expect_varint(field, v, at, M)?;
                }
                7 => expect_scalar(
                    field,
                    v,
                    at,
                    M,
                    |w| matches!(w, WireValue::Fixed32(_)),
                    true,
                )?,
                8 => expect_scalar(field, v, at, M, |w| matches!(w, WireValue::Varint(_)), true)?,
                5 | 10 => {
                    let (o, l) = expect_len(field, v, at, M)?;
                    let sub = self.sub(&r, o, l)?;
                    self.tensor(sub, g)?;
                }
                22 | 23 => {
                    let (o, l) = expect_len(field, v, at, M)?;
                    let sub = self.sub(&r, o, l)?;
                    self.sparse_tensor(sub, g)?;
                }
                6 | 11 => {
                    let (o, l) = expect_len(field, v, at, M)?;
                    let index = if field == 11 {
                        graph_list_index = graph_list_index.saturating_add(1);
                        Some(graph_list_index - 1)
                    } else {
                        None
                    };
                    let sg = self.new_graph(
                        GraphOwner::Attr {
                            parent: g,
                            node: n,
                            attr: String::new(),
                            index,
                        },
                        String::new(),
                    );
                    let sub = self.sub(&r, o, l)?;
                    self.graph(sub, sg, false)?;
                }
                4 | 9 | 13 | 14 | 15 | 21 => {
                    expect_len(field, v, at, M)?;
                }
                _ => {}
            }
        }
        // Name the subgraphs this attribute created directly (deeper ones have other owners).
        let label = truncate(&name, MAX_LABEL).to_string();
        for slot in self.graphs.iter_mut().skip(first_graph) {
            if let GraphOwner::Attr {
                parent, node, attr, ..
            } = &mut slot.owner
            {
                if *parent == g && *node == n {
                    attr.clone_from(&label);
                }
            }
        }
        Ok(())
    }

    fn sparse_tensor(&mut self, mut r: MessageReader, g: usize) -> Result<(), ProtoError> {
        const M: &str = "SparseTensorProto";
        while let Some((field, v)) = r.next_field(&mut self.src)? {
            let at = r.field_offset();
            match field {
                1 | 2 => {
                    let (o, l) = expect_len(field, v, at, M)?;
                    let sub = self.sub(&r, o, l)?;
                    self.tensor(sub, g)?;
                }
                3 => expect_scalar(field, v, at, M, |w| matches!(w, WireValue::Varint(_)), true)?,
                _ => {}
            }
        }
        Ok(())
    }

    fn tensor(&mut self, mut r: MessageReader, g: usize) -> Result<(), ProtoError> {
        const M: &str = "TensorProto";
        let mut name = String::new();
        let mut locations = Vec::new();
        while let Some((field, v)) = r.next_field(&mut self.src)? {
            let at = r.field_offset();
            match field {
                8 => {
                    name = self.src.string_field(field, v, at, M)?;
                }
                // raw_data: checked to be length-delimited, never read.
                9 | 3 | 6 | 12 | 16 => {
                    expect_len(field, v, at, M)?;
                }
                13 => {
                    let (o, l) = expect_len(field, v, at, M)?;
                    let sub = self.sub(&r, o, l)?;
                    if let Some(loc) = self.string_entry(sub)? {
                        locations.push(loc);
                    }
                }
                2 | 14 => {
                    expect_varint(field, v, at, M)?;
                }
                1 | 5 | 7 | 11 => {
                    expect_scalar(field, v, at, M, |w| matches!(w, WireValue::Varint(_)), true)?
                }
                4 => expect_scalar(
                    field,
                    v,
                    at,
                    M,
                    |w| matches!(w, WireValue::Fixed32(_)),
                    true,
                )?,
                10 => expect_scalar(
                    field,
                    v,
                    at,
                    M,
                    |w| matches!(w, WireValue::Fixed64(_)),
                    true,
                )?,
                _ => {}
            }
        }
        for location in locations {
            self.ext.push(ExtSlot {
                tensor: name.clone(),
                location,
                graph: g,
            });
            self.src.charge(name.len() as u64, r.position())?;
        }
        Ok(())
    }

    /// A `StringStringEntryProto`; returns the value when the key is `location`.
    fn string_entry(&mut self, mut r: MessageReader) -> Result<Option<String>, ProtoError> {
        const M: &str = "StringStringEntryProto";
        let mut key = String::new();
        let mut value = String::new();
        while let Some((field, v)) = r.next_field(&mut self.src)? {
            let at = r.field_offset();
            match field {
                1 => {
                    key = self.src.string_field(field, v, at, M)?;
                }
                2 => {
                    value = self.src.string_field(field, v, at, M)?;
                }
                _ => {}
            }
        }
        Ok((key == "location").then_some(value))
    }

    /// Resolves graph paths and moves the collected nodes and tensors into `ir`.
    fn finish(self, ir: &mut OnnxIr) -> Result<(), ProtoError> {
        let Parser {
            mut src,
            graphs,
            nodes,
            ext,
        } = self;
        let mut paths: Vec<String> = Vec::with_capacity(graphs.len());
        for slot in &graphs {
            let path = match &slot.owner {
                GraphOwner::Root if slot.label.is_empty() => "main".to_string(),
                GraphOwner::Root => slot.label.clone(),
                GraphOwner::Attr {
                    parent,
                    node,
                    attr,
                    index,
                } => {
                    let parent_path = paths.get(*parent).map(String::as_str).unwrap_or("?");
                    let node_label = nodes
                        .get(*node)
                        .map(|s| {
                            if s.node.name.is_empty() {
                                s.node.op_type.as_str()
                            } else {
                                s.node.name.as_str()
                            }
                        })
                        .unwrap_or("?");
                    let mut p = format!(
                        "{parent_path}/{}.{}",
                        truncate(node_label, MAX_LABEL),
                        truncate(attr, MAX_LABEL)
                    );
                    if let Some(k) = index {
                        p.push_str(&format!("[{k}]"));
                    }
                    truncate(&p, MAX_PATH).to_string()
                }
            };
            paths.push(path);
        }
        let path_of = |g: usize| paths.get(g).cloned().unwrap_or_default();
        for slot in nodes {
            let graph = path_of(slot.graph);
            src.charge(graph.len() as u64, 0)?;
            ir.nodes.push(OnnxNode { graph, ..slot.node });
        }
        for slot in ext {
            let graph = path_of(slot.graph);
            src.charge(graph.len() as u64, 0)?;
            ir.external_data.push(ExternalData {
                tensor: slot.tensor,
                location: slot.location,
                graph,
            });
        }
        Ok(())
    }
}
