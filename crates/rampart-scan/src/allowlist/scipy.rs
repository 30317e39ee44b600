//! SciPy sparse matrices and arrays (their class names are lower case, so they are
//! listed one by one), in the module layouts of SciPy before and after 1.8.

use super::{exact, Allows, Family};

const C: Allows = Allows::Construct;

pub(super) static FAMILY: Family = Family {
    name: "SciPy",
    versions: "SciPy 1.11.4, 1.14.1, 1.17.1",
    entries: &[
        exact("scipy.sparse._csr.csr_matrix", C, "sparse matrix"),
        exact("scipy.sparse._csc.csc_matrix", C, "sparse matrix"),
        exact("scipy.sparse._coo.coo_matrix", C, "sparse matrix"),
        exact("scipy.sparse._lil.lil_matrix", C, "sparse matrix"),
        exact("scipy.sparse._dok.dok_matrix", C, "sparse matrix"),
        exact("scipy.sparse._bsr.bsr_matrix", C, "sparse matrix"),
        exact("scipy.sparse._dia.dia_matrix", C, "sparse matrix"),
        exact("scipy.sparse._csr.csr_array", C, "sparse array"),
        exact("scipy.sparse._csc.csc_array", C, "sparse array"),
        exact("scipy.sparse._coo.coo_array", C, "sparse array"),
        exact("scipy.sparse._lil.lil_array", C, "sparse array"),
        exact("scipy.sparse._dok.dok_array", C, "sparse array"),
        exact("scipy.sparse._bsr.bsr_array", C, "sparse array"),
        exact("scipy.sparse._dia.dia_array", C, "sparse array"),
        exact(
            "scipy.sparse._arrays.csr_array",
            C,
            "sparse array (SciPy 1.8–1.10)",
        ),
        exact(
            "scipy.sparse._arrays.csc_array",
            C,
            "sparse array (SciPy 1.8–1.10)",
        ),
        exact(
            "scipy.sparse._arrays.coo_array",
            C,
            "sparse array (SciPy 1.8–1.10)",
        ),
        exact(
            "scipy.sparse.csr.csr_matrix",
            C,
            "sparse matrix (SciPy < 1.8)",
        ),
        exact(
            "scipy.sparse.csc.csc_matrix",
            C,
            "sparse matrix (SciPy < 1.8)",
        ),
        exact(
            "scipy.sparse.coo.coo_matrix",
            C,
            "sparse matrix (SciPy < 1.8)",
        ),
        exact(
            "scipy.sparse.lil.lil_matrix",
            C,
            "sparse matrix (SciPy < 1.8)",
        ),
        exact(
            "scipy.sparse.dok.dok_matrix",
            C,
            "sparse matrix (SciPy < 1.8)",
        ),
        exact(
            "scipy.sparse.bsr.bsr_matrix",
            C,
            "sparse matrix (SciPy < 1.8)",
        ),
        exact(
            "scipy.sparse.dia.dia_matrix",
            C,
            "sparse matrix (SciPy < 1.8)",
        ),
        exact("scipy.sparse.csr_matrix", C, "sparse matrix (public name)"),
        exact("scipy.sparse.csc_matrix", C, "sparse matrix (public name)"),
        exact("scipy.sparse.coo_matrix", C, "sparse matrix (public name)"),
    ],
};
