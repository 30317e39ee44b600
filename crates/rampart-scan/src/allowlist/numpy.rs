//! NumPy: arrays (`_reconstruct`, `_frombuffer`), dtypes, scalars, masked arrays,
//! matrices, random generators, and ufuncs kept as values. NumPy 2 moved
//! `numpy.core` to `numpy._core`; both are listed.

use super::{exact, except, Allows, Arg, Entry, Family, Pattern};

const C: Allows = Allows::Construct;
const R: Allows = Allows::Reference;

pub(super) static FAMILY: Family = Family {
    name: "NumPy",
    versions: "NumPy 1.26.4, 2.0.2, 2.4.6",
    entries: &[
        except("numpy.lib", "file readers (`DataSource`, `NpzFile`) and `load`"),
        except("numpy.core.records", "`fromfile`"),
        except("numpy._core.records", "`fromfile`"),
        exact(
            "numpy.core.multiarray._reconstruct",
            Allows::Call(&[Arg::Class, Arg::Any, Arg::Any]),
            "every pickled array: `ndarray.__new__(subtype, shape, dtype)` of an allowed array class",
        ),
        exact(
            "numpy._core.multiarray._reconstruct",
            Allows::Call(&[Arg::Class, Arg::Any, Arg::Any]),
            "the same in NumPy 2",
        ),
        exact(
            "numpy.core.multiarray.scalar",
            Allows::Call(&[Arg::Any, Arg::Any]),
            "scalars: `scalar(dtype, bytes)`",
        ),
        exact(
            "numpy._core.multiarray.scalar",
            Allows::Call(&[Arg::Any, Arg::Any]),
            "the same in NumPy 2",
        ),
        exact(
            "numpy.core.numeric._frombuffer",
            Allows::Call(&[Arg::Any, Arg::Any, Arg::Any, Arg::Any]),
            "protocol-5 arrays: `_frombuffer(buffer, dtype, shape, order)`",
        ),
        exact(
            "numpy._core.numeric._frombuffer",
            Allows::Call(&[Arg::Any, Arg::Any, Arg::Any, Arg::Any]),
            "the same in NumPy 2",
        ),
        exact(
            "numpy.core._ufunc_reconstruct",
            Allows::Call(&[
                Arg::OneOf(&["numpy", "numpy.core._multiarray_umath", "numpy.core.umath"]),
                Arg::Str,
            ]),
            "a ufunc by name, from NumPy's own modules only",
        ),
        exact(
            "numpy._core._ufunc_reconstruct",
            Allows::Call(&[
                Arg::OneOf(&["numpy", "numpy._core._multiarray_umath", "numpy._core.umath"]),
                Arg::Str,
            ]),
            "the same in NumPy 2",
        ),
        exact("numpy.ndarray", C, "array class"),
        exact("numpy.dtype", C, "`dtype(code, align, copy)` and its state"),
        exact("numpy.matrix", C, "matrix class"),
        exact("numpy.matrixlib.defmatrix.matrix", C, "matrix class"),
        exact("numpy.ma.core.MaskedArray", C, "masked array class"),
        exact("numpy.ma.MaskedArray", C, "masked array class"),
        exact(
            "numpy.ma.core._mareconstruct",
            Allows::Call(&[Arg::Class, Arg::Class, Arg::Any, Arg::Any]),
            "masked arrays: `_mareconstruct(subtype, baseclass, shape, basetype)`",
        ),
        Entry {
            pattern: Pattern::Classes("numpy.dtypes"),
            allows: C,
            note: "NumPy 2 dtype classes",
        },
        exact(
            "numpy.random._pickle.__randomstate_ctor",
            Allows::CallOptional(&[Arg::Any, Arg::Callable], 0),
            "`RandomState(name or bit generator[, constructor])`: the constructor must be an allowed name",
        ),
        exact(
            "numpy.random._pickle.__generator_ctor",
            Allows::CallOptional(&[Arg::Any, Arg::Callable], 0),
            "`Generator(name or bit generator[, constructor])`: the constructor must be an allowed name",
        ),
        exact(
            "numpy.random._pickle.__bit_generator_ctor",
            Allows::CallOptional(&[Arg::ClassOrStr], 0),
            "a bit generator from its name or allowed class (instantiated with no arguments)",
        ),
        Entry {
            pattern: Pattern::Classes("numpy.random"),
            allows: C,
            note: "`RandomState`, `Generator`, `SeedSequence`, the bit generators",
        },
        Entry {
            pattern: Pattern::CythonUnpicklers("numpy.random"),
            allows: Allows::Call(&[Arg::Class, Arg::Int, Arg::Any]),
            note: "Cython unpickler of the random classes (`SeedSequence`)",
        },
        Entry {
            pattern: Pattern::Names("numpy.core._multiarray_umath"),
            allows: R,
            note: "ufuncs kept as values (`FunctionTransformer(np.log1p)`)",
        },
        Entry {
            pattern: Pattern::Names("numpy._core._multiarray_umath"),
            allows: R,
            note: "the same in NumPy 2",
        },
        exact("numpy.bool_", R, "scalar type"),
        exact("numpy.bool", R, "scalar type (NumPy 2 name)"),
        exact("numpy.int8", R, "scalar type"),
        exact("numpy.int16", R, "scalar type"),
        exact("numpy.int32", R, "scalar type"),
        exact("numpy.int64", R, "scalar type"),
        exact("numpy.uint8", R, "scalar type"),
        exact("numpy.uint16", R, "scalar type"),
        exact("numpy.uint32", R, "scalar type"),
        exact("numpy.uint64", R, "scalar type"),
        exact("numpy.intc", R, "scalar type"),
        exact("numpy.uintc", R, "scalar type"),
        exact("numpy.intp", R, "scalar type"),
        exact("numpy.uintp", R, "scalar type"),
        exact("numpy.longlong", R, "scalar type"),
        exact("numpy.ulonglong", R, "scalar type"),
        exact("numpy.float16", R, "scalar type"),
        exact("numpy.float32", R, "scalar type"),
        exact("numpy.float64", R, "scalar type"),
        exact("numpy.longdouble", R, "scalar type"),
        exact("numpy.complex64", R, "scalar type"),
        exact("numpy.complex128", R, "scalar type"),
        exact("numpy.clongdouble", R, "scalar type"),
        exact("numpy.str_", R, "scalar type"),
        exact("numpy.bytes_", R, "scalar type"),
        exact("numpy.object_", R, "scalar type"),
        exact("numpy.void", R, "scalar type"),
        exact("numpy.datetime64", R, "scalar type"),
        exact("numpy.timedelta64", R, "scalar type"),
        exact("numpy.generic", R, "scalar base type"),
        exact("numpy.number", R, "scalar base type"),
        exact("numpy.integer", R, "scalar base type"),
        exact("numpy.floating", R, "scalar base type"),
        exact("numpy.nan", R, "constant"),
        exact("numpy.inf", R, "constant"),
        Entry {
            pattern: Pattern::Names("numpy"),
            allows: R,
            note: "other NumPy functions and ufuncs kept as values, never called while loading (`numpy.load` and the testing, f2py, distutils and ctypes modules are dangerous and judged first)",
        },
    ],
};
