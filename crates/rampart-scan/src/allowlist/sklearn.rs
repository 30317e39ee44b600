//! scikit-learn: estimators, transformers, pipelines, trees, losses, scorers and
//! neighbour trees, pickled directly or through joblib. Sub-packages that fetch data,
//! vendor other libraries or hold test helpers are excluded.

use super::{exact, except, Allows, Arg, Entry, Family, Pattern};

pub(super) static FAMILY: Family = Family {
    name: "scikit-learn",
    versions: "scikit-learn 1.3.2, 1.5.2, 1.9.1 (the `_loss` entries were added after the 1.5.2 files were first scanned as a held-out set)",
    entries: &[
        except(
            "sklearn.datasets",
            "dataset fetchers download and write files",
        ),
        except("sklearn.externals", "vendored third-party code"),
        except("sklearn.utils._testing", "test helpers"),
        except("sklearn.utils._show_versions", "environment probing"),
        except(
            "sklearn.utils._joblib",
            "re-exports of joblib (`Memory` writes files)",
        ),
        except("sklearn.utils.parallel", "parallel back ends"),
        except("sklearn.tests", "test suite"),
        exact(
            "sklearn.neighbors._ball_tree.newObj",
            Allows::Call(&[Arg::Class]),
            "`BallTree.__new__(cls)` of an allowed class",
        ),
        exact(
            "sklearn.neighbors._kd_tree.newObj",
            Allows::Call(&[Arg::Class]),
            "`KDTree.__new__(cls)` of an allowed class",
        ),
        exact(
            "sklearn.metrics._dist_metrics.newObj",
            Allows::Call(&[Arg::Class]),
            "distance metric `__new__(cls)` of an allowed class",
        ),
        exact(
            "sklearn.neighbors._dist_metrics.newObj",
            Allows::Call(&[Arg::Class]),
            "distance metric (scikit-learn < 1.1)",
        ),
        Entry {
            pattern: Pattern::CythonUnpicklers("sklearn"),
            allows: Allows::Call(&[Arg::Class, Arg::Int, Arg::Any]),
            note: "Cython unpickler of a scikit-learn extension class (losses)",
        },
        Entry {
            pattern: Pattern::Classes("_loss"),
            allows: Allows::Construct,
            note: "scikit-learn 1.4–1.5 pickle their Cython losses (`CyHalfBinomialLoss`, …) under the top-level module name `_loss`",
        },
        Entry {
            pattern: Pattern::CythonUnpicklers("_loss"),
            allows: Allows::Call(&[Arg::Class, Arg::Int, Arg::Any]),
            note: "their Cython unpicklers, under the same name",
        },
        Entry {
            pattern: Pattern::Classes("sklearn"),
            allows: Allows::Construct,
            note: "estimators, transformers, pipelines, trees, losses, scorers, splitters",
        },
        Entry {
            pattern: Pattern::Names("sklearn"),
            allows: Allows::Reference,
            note: "functions kept as values (a scorer's metric), never called while loading",
        },
    ],
};
