//! PyTorch: what `torch.save` writes for tensors, parameters, storages, sizes and
//! devices, and whole `nn.Module` layers. Storage classes (`torch.FloatStorage`, …),
//! tensor classes (`torch.FloatTensor`, …) and dtypes (`torch.float32`, …) are matched
//! by name in `formats::pickle::globals` (`TORCH_STORAGES`, `TORCH_DTYPES`) and allowed
//! as constructible; the hub, JIT, package, compile and operator modules are dangerous.
//! safetensors writes no pickle; its files are judged by the safetensors validator.

use super::{exact, Allows, Entry, Family, Pattern};

const C: Allows = Allows::Construct;

pub(super) static FAMILY: Family = Family {
    name: "PyTorch",
    versions: "PyTorch 1.x–2.x `torch.save` (zip and legacy formats; fixtures in tests/fixtures/benign/pytorch)",
    entries: &[
        exact("torch._utils._rebuild_tensor", C, "tensor reconstruction"),
        exact("torch._utils._rebuild_tensor_v2", C, "tensor reconstruction"),
        exact("torch._utils._rebuild_tensor_v3", C, "tensor reconstruction"),
        exact("torch._utils._rebuild_parameter", C, "tensor reconstruction"),
        exact("torch._utils._rebuild_parameter_with_state", C, "tensor reconstruction"),
        exact("torch._utils._rebuild_qtensor", C, "tensor reconstruction"),
        exact("torch._utils._rebuild_sparse_tensor", C, "tensor reconstruction"),
        exact("torch._utils._rebuild_sparse_csr_tensor", C, "tensor reconstruction"),
        exact("torch._utils._rebuild_device_tensor_from_numpy", C, "tensor reconstruction"),
        exact("torch._utils._rebuild_meta_tensor_no_storage", C, "tensor reconstruction"),
        exact("torch._utils._rebuild_wrapper_subclass", C, "tensor reconstruction"),
        exact("torch._utils._rebuild_nested_tensor", C, "tensor reconstruction"),
        exact("torch._utils._rebuild_xla_tensor", C, "tensor reconstruction"),
        exact("torch._utils._rebuild_mps_tensor", C, "tensor reconstruction"),
        exact("torch._tensor._rebuild_from_type", C, "tensor reconstruction"),
        exact("torch._tensor._rebuild_from_type_v2", C, "tensor reconstruction"),
        exact("torch.serialization._get_layout", C, "tensor reconstruction"),
        exact("torch.nn.parameter.Parameter", C, "tensor, parameter, storage or size class"),
        exact("torch.nn.parameter.Buffer", C, "tensor, parameter, storage or size class"),
        exact("torch.nn.parameter.UninitializedParameter", C, "tensor, parameter, storage or size class"),
        exact("torch.Size", C, "tensor, parameter, storage or size class"),
        exact("torch.device", C, "tensor, parameter, storage or size class"),
        exact("torch.Tensor", C, "tensor, parameter, storage or size class"),
        exact("torch.storage.UntypedStorage", C, "tensor, parameter, storage or size class"),
        exact("torch.storage.TypedStorage", C, "tensor, parameter, storage or size class"),
        exact("torch.storage._StorageBase", C, "tensor, parameter, storage or size class"),
        exact("torch.strided", Allows::Reference, "layout or memory-format constant"),
        exact("torch.sparse_coo", Allows::Reference, "layout or memory-format constant"),
        exact("torch.sparse_csr", Allows::Reference, "layout or memory-format constant"),
        exact("torch.sparse_csc", Allows::Reference, "layout or memory-format constant"),
        exact("torch.sparse_bsr", Allows::Reference, "layout or memory-format constant"),
        exact("torch.sparse_bsc", Allows::Reference, "layout or memory-format constant"),
        exact("torch._mkldnn", Allows::Reference, "layout or memory-format constant"),
        exact("torch.contiguous_format", Allows::Reference, "layout or memory-format constant"),
        exact("torch.channels_last", Allows::Reference, "layout or memory-format constant"),
        exact("torch.channels_last_3d", Allows::Reference, "layout or memory-format constant"),
        exact("torch.preserve_format", Allows::Reference, "layout or memory-format constant"),
        exact("torch.per_tensor_affine", Allows::Reference, "layout or memory-format constant"),
        exact("torch.per_channel_affine", Allows::Reference, "layout or memory-format constant"),
        exact("torch.per_tensor_symmetric", Allows::Reference, "layout or memory-format constant"),
        exact("torch.per_channel_symmetric", Allows::Reference, "layout or memory-format constant"),
        exact("torch.per_channel_affine_float_qparams", Allows::Reference, "layout or memory-format constant"),
        Entry {
            pattern: Pattern::Classes("torch.nn.modules"),
            allows: C,
            note: "PyTorch's own layers, pickled by `torch.save(model)`",
        },
    ],
};
