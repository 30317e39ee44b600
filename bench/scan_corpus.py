#!/usr/bin/env python3
"""Writes a corpus of benign scientific-Python pickles for `rampart scan`.

Run with the Python of a virtual environment holding the libraries (see
bench/requirements-scan-corpus*.txt and bench/scan_corpus.sh, which make them
under bench/work/):

    python bench/scan_corpus.py OUT_DIR

Every library that imports is used; one that is missing is skipped and said so.
Files go to OUT_DIR/<family>/<name>.<ext>; OUT_DIR/versions.json.txt records the
Python and library versions that wrote them.

This script only WRITES pickles (pickle.dump, joblib.dump, pandas.to_pickle,
numpy.save, torch.save); it never loads a pickle or a joblib file.
"""

from __future__ import annotations

import collections
import datetime
import decimal
import enum
import fractions
import importlib.metadata
import io
import json
import pickle
import re
import sys
import uuid
import zoneinfo
from pathlib import Path

OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("corpus")
WRITTEN: list[str] = []
SKIPPED: list[str] = []
PROTOCOLS = (2, 4, 5)


def write_pickles(family: str, name: str, obj, protocols=PROTOCOLS) -> None:
    d = OUT / family
    d.mkdir(parents=True, exist_ok=True)
    for p in protocols:
        path = d / f"{name}.p{p}.pkl"
        path.write_bytes(pickle.dumps(obj, protocol=p))
        WRITTEN.append(str(path.relative_to(OUT)))


def write_joblib(family: str, name: str, obj, compressions=(None, 3, "gzip", "bz2", "xz", "lzma")) -> None:
    try:
        import joblib
    except ImportError:
        SKIPPED.append(f"{family}/{name}.joblib: joblib not installed")
        return
    d = OUT / family
    d.mkdir(parents=True, exist_ok=True)
    for c in compressions:
        suffix = "" if c is None else (f".z{c}" if isinstance(c, int) else f".{c}")
        path = d / f"{name}{suffix}.joblib"
        kwargs = {} if c is None else {"compress": c}
        joblib.dump(obj, path, **kwargs)
        WRITTEN.append(str(path.relative_to(OUT)))


def both(family: str, name: str, obj) -> None:
    write_pickles(family, name, obj)
    write_joblib(family, name, obj)


def version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


# ---------------------------------------------------------------------------
# the standard library


class Color(enum.Enum):
    """A user Enum (pickled as __main__.Color(1)): clean only with a user allow."""

    RED = 1
    GREEN = 2


def stdlib() -> None:
    d = {"a": 1, "b": [1, 2.5, "x"]}
    objs = {
        "containers": {
            "list": [1, 2, 3],
            "tuple": (1, "a", None, True, 2.5, 10**30),
            "set": {1, 2, 3},
            "frozenset": frozenset({"a", "b"}),
            "bytes": b"\x00\x01",
            "bytearray": bytearray(b"abc"),
            "complex": complex(1, 2),
            "range": range(0, 10, 2),
            "slice": slice(1, 5, 2),
            "ordered": collections.OrderedDict(a=1, b=2),
            "default": collections.defaultdict(list, {"k": [1]}),
            "counter": collections.Counter("hello"),
            "deque": collections.deque([1, 2, 3], maxlen=5),
        },
        "values": {
            "datetime": datetime.datetime(2024, 5, 1, 12, 30, tzinfo=datetime.timezone.utc),
            "date": datetime.date(2024, 5, 1),
            "time": datetime.time(12, 30),
            "timedelta": datetime.timedelta(days=2, seconds=5),
            "decimal": decimal.Decimal("1.25"),
            "fraction": fractions.Fraction(3, 4),
            "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        },
        "zoneinfo": {
            "zone": zoneinfo.ZoneInfo("Europe/Paris"),
            "aware": datetime.datetime(2024, 5, 1, tzinfo=zoneinfo.ZoneInfo("America/New_York")),
        },
        "dict_bound_method": d.get,
        "regex": re.compile(r"\w+", re.IGNORECASE),
    }
    for name, obj in objs.items():
        write_pickles("stdlib", name, obj)
    # the user Enum is written apart: it is the one file that needs a user allow
    write_pickles("user", "user_enum", Color.RED)


# ---------------------------------------------------------------------------
# NumPy


def numpy_family() -> None:
    try:
        import numpy as np
    except ImportError:
        SKIPPED.append("numpy: not installed")
        return
    rng = np.random.default_rng(0)
    objs = {
        "scalars": [np.float64(1.5), np.float32(2.5), np.int64(3), np.int8(-1), np.bool_(True),
                    np.complex128(1 + 2j), np.uint16(7), np.datetime64("2024-01-01"), np.timedelta64(5, "s")],
        "dtypes": [np.dtype("f8"), np.dtype("<i4"), np.dtype("U10"), np.dtype([("x", "f4"), ("y", "i8")]),
                   np.dtype("M8[ns]"), np.dtype(object)],
        "array_float": rng.random((4, 3)),
        "array_int": np.arange(12, dtype=np.int32).reshape(3, 4),
        "array_structured": np.zeros(3, dtype=[("x", "f4"), ("name", "U8")]),
        "array_object_strings": np.array(["cat", "dog", "fish"], dtype=object),
        "array_strings": np.array(["cat", "dog"]),
        "array_datetime": np.array(["2024-01-01", "2024-02-01"], dtype="datetime64[D]"),
        "masked": np.ma.masked_array([1, 2, 3], mask=[0, 1, 0]),
        "matrix": np.matrix([[1, 2], [3, 4]]),
        "generator": np.random.default_rng(42),
        "random_state": np.random.RandomState(42),
        "float_types": [np.float64, np.int32, np.bool_],
    }
    for name, obj in objs.items():
        both("numpy", name, obj)
    # A .npy of numbers; an object-dtype .npy is reported NPY001 (low) by design, since
    # loading it needs allow_pickle=True, so it is not part of the must-be-clean corpus.
    path = OUT / "numpy" / "array_float.npy"
    np.save(path, objs["array_float"], allow_pickle=False)
    WRITTEN.append(str(path.relative_to(OUT)))


# ---------------------------------------------------------------------------
# pandas


def pandas_family() -> None:
    try:
        import numpy as np
        import pandas as pd
    except ImportError:
        SKIPPED.append("pandas: not installed")
        return
    n = 6
    frame = pd.DataFrame({
        "i": np.arange(n),
        "f": np.linspace(0, 1, n),
        "s": list("abcdef"),
        "cat": pd.Categorical(list("xyxyxy")),
        "when": pd.date_range("2024-01-01", periods=n, freq="D"),
        "when_tz": pd.date_range("2024-01-01", periods=n, freq="h", tz="Europe/Paris"),
        "delta": pd.to_timedelta(np.arange(n), unit="s"),
        "nullable": pd.array([1, None, 3, 4, None, 6], dtype="Int64"),
        "flag": [True, False] * 3,
    })
    objs = {
        "frame": frame,
        "frame_tz_only": pd.DataFrame({"t": pd.date_range("2024-03-01", periods=3, tz="UTC")}),
        "frame_tz_zoneinfo": pd.DataFrame({"t": pd.date_range("2024-03-01", periods=3,
                                                             tz=zoneinfo.ZoneInfo("Asia/Tokyo"))}),
        "series": pd.Series([1.0, 2.0, 3.0], index=["a", "b", "c"], name="x"),
        "multiindex": pd.DataFrame({"v": range(4)},
                                   index=pd.MultiIndex.from_product([["a", "b"], [1, 2]], names=["k", "n"])),
        "indexes": [pd.RangeIndex(5), pd.Index(["a", "b"]), pd.DatetimeIndex(["2024-01-01"]),
                    pd.CategoricalIndex(["a", "b", "a"]), pd.IntervalIndex.from_breaks([0, 1, 2]),
                    pd.PeriodIndex(["2024-01", "2024-02"], freq="M"), pd.TimedeltaIndex(["1D"])],
        "dtypes": [pd.CategoricalDtype(["a", "b"]), pd.DatetimeTZDtype(tz="UTC"), pd.Int64Dtype(),
                   pd.StringDtype(), pd.BooleanDtype(), pd.Float64Dtype()],
        "scalars": [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-01", tz="Europe/Paris"),
                    pd.Timedelta("1D"), pd.Period("2024-01", freq="M"), pd.Interval(0, 1)],
        "sparse": pd.Series(pd.arrays.SparseArray([0, 0, 1, 0, 2])),
        "string_frame": pd.DataFrame({"s": pd.array(["a", None, "c"], dtype="string")}),
    }
    for name, obj in objs.items():
        both("pandas", name, obj)
    d = OUT / "pandas"
    for comp in ("infer", "gzip", "bz2", "xz", "zstd"):
        path = d / f"frame.to_pickle.{comp}.pkl"
        try:
            frame.to_pickle(path, compression=None if comp == "infer" else comp)
        except (ImportError, ValueError, RuntimeError) as e:
            SKIPPED.append(f"pandas to_pickle {comp}: {e}")
            continue
        WRITTEN.append(str(path.relative_to(OUT)))


# ---------------------------------------------------------------------------
# SciPy


def scipy_family() -> None:
    try:
        import numpy as np
        import scipy.sparse as sp
    except ImportError:
        SKIPPED.append("scipy: not installed")
        return
    dense = np.array([[0, 1, 0], [2, 0, 3], [0, 0, 4]], dtype=float)
    objs = {
        "csr": sp.csr_matrix(dense),
        "csc": sp.csc_matrix(dense),
        "coo": sp.coo_matrix(dense),
        "lil": sp.lil_matrix(dense),
        "dok": sp.dok_matrix(dense),
        "bsr": sp.bsr_matrix(dense),
        "dia": sp.dia_matrix(dense),
    }
    if hasattr(sp, "csr_array"):
        objs["csr_array"] = sp.csr_array(dense)
        objs["coo_array"] = sp.coo_array(dense)
    for name, obj in objs.items():
        both("scipy", name, obj)


# ---------------------------------------------------------------------------
# scikit-learn


def sklearn_family() -> None:
    try:
        import numpy as np
        import pandas as pd
        from sklearn import cluster, decomposition, ensemble, feature_extraction, impute, linear_model
        from sklearn import model_selection, neighbors, neural_network, pipeline, preprocessing, svm, tree
        from sklearn.compose import ColumnTransformer
    except ImportError as e:
        SKIPPED.append(f"scikit-learn: {e}")
        return
    rng = np.random.default_rng(0)
    X = rng.random((60, 4))
    y = (X[:, 0] + X[:, 1] > 1).astype(int)
    y_str = np.where(y == 1, "yes", "no")
    models = {
        "logistic": linear_model.LogisticRegression(),
        "scaler": preprocessing.StandardScaler(),
        "pipeline": pipeline.Pipeline([("scale", preprocessing.StandardScaler()),
                                       ("clf", linear_model.LogisticRegression())]),
        "random_forest": ensemble.RandomForestClassifier(n_estimators=3, max_depth=3, random_state=0),
        "tree_regressor": tree.DecisionTreeRegressor(max_depth=3),
        "gradient_boosting": ensemble.GradientBoostingClassifier(n_estimators=3),
        "hist_gradient_boosting": ensemble.HistGradientBoostingClassifier(max_iter=3),
        "isolation_forest": ensemble.IsolationForest(n_estimators=3, random_state=0),
        "kmeans": cluster.KMeans(n_clusters=2, n_init=1, random_state=0),
        "pca": decomposition.PCA(n_components=2),
        "svc": svm.SVC(probability=False),
        "knn_kdtree": neighbors.KNeighborsClassifier(algorithm="kd_tree"),
        "knn_balltree": neighbors.KNeighborsClassifier(algorithm="ball_tree"),
        "mlp": neural_network.MLPClassifier(hidden_layer_sizes=(4,), max_iter=20),
        "grid_search": model_selection.GridSearchCV(linear_model.LogisticRegression(), {"C": [0.1, 1.0]},
                                                    cv=2, scoring="accuracy"),
        "function_transformer": preprocessing.FunctionTransformer(np.log1p),
        "imputer": impute.SimpleImputer(),
        "voting": ensemble.VotingClassifier([("lr", linear_model.LogisticRegression()),
                                             ("dt", tree.DecisionTreeClassifier(max_depth=2))]),
    }
    import warnings
    warnings.filterwarnings("ignore")
    for name, model in models.items():
        if name in ("scaler", "pca", "imputer", "function_transformer", "kmeans", "isolation_forest"):
            model.fit(X)
        else:
            model.fit(X, y)
        both("sklearn", name, model)
    le = preprocessing.LabelEncoder().fit(y_str)
    both("sklearn", "label_encoder_strings", le)
    logistic_str = linear_model.LogisticRegression().fit(X, y_str)
    both("sklearn", "logistic_string_classes", logistic_str)
    texts = ["the cat sat", "the dog ran", "a cat and a dog"]
    both("sklearn", "tfidf", feature_extraction.text.TfidfVectorizer().fit(texts))
    both("sklearn", "count_vectorizer", feature_extraction.text.CountVectorizer().fit(texts))
    df = pd.DataFrame({"num": rng.random(8), "cat": list("abababab")})
    ct = ColumnTransformer([("num", preprocessing.StandardScaler(), ["num"]),
                            ("cat", preprocessing.OneHotEncoder(handle_unknown="ignore"), ["cat"])])
    full = pipeline.Pipeline([("prep", ct), ("clf", linear_model.LogisticRegression())])
    full.fit(df, [0, 1] * 4)
    both("sklearn", "column_transformer_pipeline", full)


# ---------------------------------------------------------------------------
# boosters


def boosters_family() -> None:
    try:
        import numpy as np
    except ImportError:
        return
    rng = np.random.default_rng(1)
    X = rng.random((50, 4))
    y = (X[:, 0] > 0.5).astype(int)
    try:
        import xgboost as xgb
        booster = xgb.train({"max_depth": 2, "objective": "binary:logistic"}, xgb.DMatrix(X, label=y), 3)
        both("xgboost", "booster", booster)
        both("xgboost", "classifier", xgb.XGBClassifier(n_estimators=3, max_depth=2).fit(X, y))
        both("xgboost", "regressor", xgb.XGBRegressor(n_estimators=3, max_depth=2).fit(X, X[:, 1]))
    except ImportError:
        SKIPPED.append("xgboost: not installed")
    try:
        import lightgbm as lgb
        booster = lgb.train({"objective": "binary", "verbose": -1, "num_leaves": 4},
                            lgb.Dataset(X, label=y), num_boost_round=3)
        both("lightgbm", "booster", booster)
        both("lightgbm", "classifier", lgb.LGBMClassifier(n_estimators=3, num_leaves=4, verbose=-1).fit(X, y))
    except ImportError:
        SKIPPED.append("lightgbm: not installed")
    try:
        import catboost as cb
        clf = cb.CatBoostClassifier(iterations=3, depth=2, verbose=False, allow_writing_files=False).fit(X, y)
        both("catboost", "classifier", clf)
        reg = cb.CatBoostRegressor(iterations=3, depth=2, verbose=False, allow_writing_files=False).fit(X, X[:, 1])
        both("catboost", "regressor", reg)
    except ImportError:
        SKIPPED.append("catboost: not installed")


# ---------------------------------------------------------------------------
# PyTorch and safetensors


def torch_family() -> None:
    try:
        import torch
    except ImportError:
        SKIPPED.append("torch: not installed")
        return
    d = OUT / "torch"
    d.mkdir(parents=True, exist_ok=True)
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
    for name, obj in {"state_dict": model.state_dict(), "tensors": {"a": torch.zeros(2, 2),
                      "b": torch.arange(3, dtype=torch.int64), "size": torch.Size([2, 3])}}.items():
        path = d / f"{name}.pt"
        torch.save(obj, path)
        WRITTEN.append(str(path.relative_to(OUT)))


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for fn in (stdlib, numpy_family, pandas_family, scipy_family, sklearn_family, boosters_family, torch_family):
        fn()
    dists = ["numpy", "pandas", "scipy", "scikit-learn", "joblib", "xgboost", "xgboost-cpu", "lightgbm",
             "catboost", "torch", "safetensors"]
    versions = {"python": sys.version.split()[0], **{d: v for d in dists if (v := version(d))}}
    (OUT / "versions.json.txt").write_text(json.dumps({"versions": versions, "files": sorted(WRITTEN),
                                                   "skipped": SKIPPED}, indent=1) + "\n")
    print(f"{len(WRITTEN)} files written to {OUT} with {versions}")
    for s in SKIPPED:
        print(f"skipped: {s}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
