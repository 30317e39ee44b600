use rampart_core::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a NumPy `.npy` array (alone or inside an `.npz`) whose dtype holds Python
    /// objects, so that its data is a pickle. The pickle itself is judged by the `PKL`
    /// rules.
    ///
    /// ## Why is this dangerous?
    /// Loading it requires `numpy.load(..., allow_pickle=True)`, which unpickles the
    /// data and runs whatever it imports. Numeric arrays never need this, so an object
    /// array in a model or dataset is a reason to look closer.
    ///
    /// ## Example
    /// `weights.npy` with header `{'descr': '|O', …}` followed by a pickle calling
    /// `os.system`.
    ///
    /// ## Remediation
    /// Keep `allow_pickle=False` (NumPy's default) and ask the publisher for numeric
    /// arrays.
    ///
    /// ## False positives
    /// Datasets that legitimately store ragged arrays or strings as objects.
    ///
    /// ## References
    /// CVE-2019-6446 (numpy.load); guidelines SD-3, DV-1.
    pub(crate) static RULE = {
        code: "NPY001",
        name: "object-array",
        severity: Low,
        guidelines: [Sd3, Dv1],
        summary: "NumPy array stores Python objects as a pickle",
    }
}
