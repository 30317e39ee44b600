//! pandas: frames, series, indexes, block managers, extension arrays and dtypes,
//! scalars (`Timestamp`, `Timedelta`, `Period`, `Interval`, `NA`) and date offsets.
//! Readers and writers (`pandas.io`, `HDFStore`, `ExcelWriter`), the expression engine
//! and the test helpers are excluded.

use super::{exact, except, Allows, Arg, Entry, Family, Pattern};

const C: Allows = Allows::Construct;
const NEW_INDEX: Allows = Allows::Call(&[Arg::Class, Arg::Any]);

pub(super) static FAMILY: Family = Family {
    name: "pandas",
    versions: "pandas 1.5.3, 2.2.3, 3.1.1",
    entries: &[
        except("pandas.io", "readers and writers open files and URLs"),
        except("pandas._libs.parsers", "the CSV reader"),
        except("pandas.core.computation", "`eval` and `query` expressions"),
        except("pandas._testing", "test helpers"),
        except("pandas.util", "test and version helpers"),
        except("pandas.plotting", "plotting back ends"),
        except("pandas.api", "re-exports of extension hooks"),
        except("pandas.compat", "optional-dependency imports"),
        except("pandas.tests", "test suite"),
        exact(
            "pandas.core.indexes.base._new_Index",
            NEW_INDEX,
            "every index: `_new_Index(cls, attributes)` of an allowed index class",
        ),
        exact(
            "pandas.core.indexes.datetimes._new_DatetimeIndex",
            NEW_INDEX,
            "`DatetimeIndex`",
        ),
        exact(
            "pandas.core.indexes.timedeltas._new_TimedeltaIndex",
            NEW_INDEX,
            "`TimedeltaIndex`",
        ),
        exact(
            "pandas.core.indexes.period._new_PeriodIndex",
            NEW_INDEX,
            "`PeriodIndex`",
        ),
        exact(
            "pandas.core.indexes.interval._new_IntervalIndex",
            NEW_INDEX,
            "`IntervalIndex`",
        ),
        exact(
            "pandas._libs.internals._unpickle_block",
            Allows::Call(&[Arg::Any, Arg::Any, Arg::Int]),
            "a block of a block manager: `(values, placement, ndim)`",
        ),
        exact(
            "pandas._libs.tslibs.timestamps._unpickle_timestamp",
            Allows::Call(&[Arg::Int, Arg::Any, Arg::Any, Arg::Int]),
            "`Timestamp(value, freq, tz, unit)`",
        ),
        exact(
            "pandas._libs.tslibs.timedeltas._timedelta_unpickle",
            Allows::Call(&[Arg::Int, Arg::Int]),
            "`Timedelta(value, unit)`",
        ),
        exact(
            "pandas._libs.tslibs.nattype.__nat_unpickle",
            Allows::CallThen(&[]),
            "`NaT`",
        ),
        exact(
            "pandas.core.arrays.sparse.array._make_sparse",
            Allows::CallThen(&[Arg::Any]),
            "sparse array data",
        ),
        Entry {
            pattern: Pattern::CythonUnpicklers("pandas._libs"),
            allows: Allows::Call(&[Arg::Class, Arg::Int, Arg::Any]),
            note: "Cython unpickler of a pandas extension class (`NDArrayBacked`)",
        },
        Entry {
            pattern: Pattern::Classes("pandas.core"),
            allows: C,
            note: "frames, series, indexes, block managers, arrays, dtypes, offsets",
        },
        Entry {
            pattern: Pattern::Classes("pandas._libs"),
            allows: C,
            note: "Cython scalars, offsets, interval, sparse indexes, `NA`",
        },
        Entry {
            pattern: Pattern::Classes("pandas.arrays"),
            allows: C,
            note: "public extension arrays",
        },
        Entry {
            pattern: Pattern::Classes("pandas.tseries"),
            allows: C,
            note: "date offsets and frequencies",
        },
        exact(
            "pandas.NA",
            Allows::Reference,
            "the missing-value singleton",
        ),
        exact(
            "pandas.NaT",
            Allows::Reference,
            "the missing-time singleton",
        ),
        exact(
            "pandas._libs.missing.NA",
            Allows::Reference,
            "the missing-value singleton",
        ),
        // Top-level names: only the data types (pandas.HDFStore, ExcelWriter, … create
        // files, so the top level is not covered by a pattern).
        exact("pandas.DataFrame", C, "frame"),
        exact("pandas.Series", C, "series"),
        exact("pandas.Index", C, "index"),
        exact("pandas.RangeIndex", C, "index"),
        exact("pandas.MultiIndex", C, "index"),
        exact("pandas.CategoricalIndex", C, "index"),
        exact("pandas.DatetimeIndex", C, "index"),
        exact("pandas.TimedeltaIndex", C, "index"),
        exact("pandas.PeriodIndex", C, "index"),
        exact("pandas.IntervalIndex", C, "index"),
        exact("pandas.Categorical", C, "array"),
        exact("pandas.CategoricalDtype", C, "dtype"),
        exact("pandas.DatetimeTZDtype", C, "dtype"),
        exact("pandas.PeriodDtype", C, "dtype"),
        exact("pandas.IntervalDtype", C, "dtype"),
        exact("pandas.SparseDtype", C, "dtype"),
        exact("pandas.StringDtype", C, "dtype"),
        exact("pandas.ArrowDtype", C, "dtype"),
        exact("pandas.BooleanDtype", C, "dtype"),
        exact("pandas.Float32Dtype", C, "dtype"),
        exact("pandas.Float64Dtype", C, "dtype"),
        exact("pandas.Int8Dtype", C, "dtype"),
        exact("pandas.Int16Dtype", C, "dtype"),
        exact("pandas.Int32Dtype", C, "dtype"),
        exact("pandas.Int64Dtype", C, "dtype"),
        exact("pandas.UInt8Dtype", C, "dtype"),
        exact("pandas.UInt16Dtype", C, "dtype"),
        exact("pandas.UInt32Dtype", C, "dtype"),
        exact("pandas.UInt64Dtype", C, "dtype"),
        exact("pandas.Timestamp", C, "scalar"),
        exact("pandas.Timedelta", C, "scalar"),
        exact("pandas.Period", C, "scalar"),
        exact("pandas.Interval", C, "scalar"),
        exact("pandas.DateOffset", C, "offset"),
    ],
};
