use rampart_core::declare_rule;

use crate::context::Ctx;
use crate::formats::pickle::PickleIr;

declare_rule! {
    /// ## What it does
    /// Reports a `BUILD` whose state sets a dunder attribute (`__class__`,
    /// `__reduce_ex__`, `__setstate__`, `__getattr__`, …) on an object, through the
    /// state dict or the slot-state dict of a `(state, slotstate)` pair.
    ///
    /// ## Why is this dangerous?
    /// `BUILD` without `__setstate__` updates the object's `__dict__` or calls `setattr`
    /// for each slot-state item. Setting `__class__` turns an allow-listed object into an
    /// instance of another class; setting a pickling or attribute hook plants a callable
    /// that runs when the object is later copied, pickled again (joblib workers,
    /// multiprocessing) or inspected. An allow-listed class is then the carrier of code
    /// the allow-list never vetted. Python's own pickles never write such states.
    ///
    /// ## Example
    /// ```text
    /// NEWOBJ sklearn.preprocessing._data.StandardScaler; (None, {'__reduce_ex__': …}); BUILD
    /// ```
    ///
    /// ## Remediation
    /// Do not load the file.
    ///
    /// ## False positives
    /// None known: scikit-learn, pandas, NumPy and PyTorch states never hold dunder keys.
    ///
    /// ## References
    /// Python `pickle` documentation (`__setstate__`, slot state, `object.__reduce_ex__`);
    /// MITRE ATLAS AML.T0011.000; guidelines SD-3, DV-1.
    pub(crate) static RULE = {
        code: "PKL008",
        name: "dunder-state",
        severity: High,
        guidelines: [Sd3, Dv1],
        summary: "Pickle state sets a dunder attribute (class or hook) on an object",
    }
}

pub(crate) fn check(ir: &PickleIr, ctx: &mut Ctx<'_>) {
    for event in &ir.dunder_states {
        ctx.report(&RULE, event.message.clone(), Some(event.offset), None);
    }
}
