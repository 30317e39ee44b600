//! Resource caps applied to hostile input. Each cap is checked before the work or the
//! allocation it bounds; hitting one is reported as `SCN002` and marks the file as not
//! fully judged.

/// Caps for one scan. The defaults suit model files of any size: tensor data is never
/// read, so they bound metadata, pickles and archive structure, not weights.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Opcodes executed per pickle stream.
    pub pickle_ops: u64,
    /// Depth of the simulated pickle stack.
    pub pickle_stack: usize,
    /// Entries in the simulated pickle memo.
    pub pickle_memo: usize,
    /// Values retained inside simulated containers (beyond this, contents are dropped
    /// but the stream is still walked and judged).
    pub pickle_values: usize,
    /// Pickle streams per file (concatenated pickles, legacy torch files).
    pub pickle_streams: usize,
    /// Longest text line of a protocol-0 opcode.
    pub pickle_line: usize,
    /// Archive nesting depth (zip in zip …).
    pub nesting: usize,
    /// Members per archive.
    pub archive_members: usize,
    /// Largest member decompressed into memory (pickles, configs, nested archives).
    pub member_bytes: u64,
    /// Declared compression ratio above which a large member is treated as a bomb.
    pub compression_ratio: u64,
    /// Bytes decompressed in total for one top-level file.
    pub total_decompressed: u64,
    /// JSON and text documents (configs, headers, templates).
    pub document_bytes: u64,
    /// JSON nesting depth.
    pub json_depth: usize,
    /// Entries in a metadata table (GGUF key-values, safetensors tensors, HDF5 messages).
    pub table_entries: u64,
    /// Protobuf message nesting depth.
    pub protobuf_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            pickle_ops: 50_000_000,
            pickle_stack: 1_000_000,
            pickle_memo: 1_000_000,
            pickle_values: 2_000_000,
            pickle_streams: 10_000,
            pickle_line: 16 * 1024 * 1024,
            nesting: 4,
            archive_members: 100_000,
            member_bytes: 512 * 1024 * 1024,
            compression_ratio: 500,
            total_decompressed: 2 * 1024 * 1024 * 1024,
            document_bytes: 64 * 1024 * 1024,
            json_depth: 128,
            table_entries: 10_000_000,
            protobuf_depth: 64,
        }
    }
}
