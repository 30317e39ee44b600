//! joblib: the wrapper that precedes each NumPy array written inline in a joblib dump
//! (the array itself is stepped over, and an object array's nested pickle judged).

use super::{exact, Allows, Family};

pub(super) static FAMILY: Family = Family {
    name: "joblib",
    versions: "joblib 1.3.2, 1.4.2, 1.6.0",
    entries: &[
        exact(
            "joblib.numpy_pickle.NumpyArrayWrapper",
            Allows::Construct,
            "inline array header (subclass, shape, order, dtype, allow_mmap)",
        ),
        exact(
            "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper",
            Allows::Construct,
            "the same, from joblib vendored in scikit-learn < 0.23",
        ),
    ],
};
