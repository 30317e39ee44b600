use rampart_core::declare_rule;

use crate::context::Ctx;
use crate::formats::tensorflow::{nodes_with_ops, TfIr};

declare_rule! {
    /// ## What it does
    /// Reports TensorFlow graph nodes whose operation reads or writes files, lists
    /// directories, maps files into memory or makes network calls: `ReadFile`,
    /// `WriteFile`, `MatchingFiles`, the file reader ops, `ImmutableConst`, `Rpc`.
    ///
    /// ## Why is this dangerous?
    /// A model graph runs with the serving process's permissions: it can read
    /// credentials, overwrite files or send data out when it is called. Inference
    /// graphs do not need these operations (checkpoint saving uses `SaveV2` and
    /// `RestoreV2`, which are not reported).
    ///
    /// ## Example
    /// A function in the library with `ReadFile("/home/user/.aws/credentials")` feeding
    /// the output.
    ///
    /// ## Remediation
    /// Do not serve the model; inspect where the node's inputs come from.
    ///
    /// ## False positives
    /// Input pipelines exported inside the graph that read their own data files.
    ///
    /// ## References
    /// TensorFlow security guidance; guidelines SD-3, DV-1.
    pub(crate) static RULE = {
        code: "TFL002",
        name: "file-or-network-op",
        severity: High,
        guidelines: [Sd3, Dv1],
        summary: "TensorFlow graph contains an operation that touches files or the network",
    }
}

const OPS: &[&str] = &[
    "ReadFile",
    "WriteFile",
    "MatchingFiles",
    "WholeFileReader",
    "WholeFileReaderV2",
    "TextLineReader",
    "TextLineReaderV2",
    "FixedLengthRecordReader",
    "FixedLengthRecordReaderV2",
    "TFRecordReader",
    "TFRecordReaderV2",
    "LMDBReader",
    "ImmutableConst",
    "Rpc",
    "TryRpc",
    "RpcClient",
    "RpcCall",
    "RpcServer",
];

pub(crate) fn check(ir: &TfIr, ctx: &mut Ctx<'_>) {
    for (node, place) in nodes_with_ops(ir, OPS) {
        ctx.report(
            &RULE,
            format!("node {:?}{place} is a {} operation", node.name, node.op),
            None,
            Some(node.name.clone()),
        );
    }
}
