//! Gradient-boosting libraries: XGBoost, LightGBM and CatBoost boosters and their
//! scikit-learn wrappers. Their distributed, Spark, Dask, plotting and test modules
//! are excluded.

use super::{except, Allows, Entry, Family, Pattern};

pub(super) static FAMILY: Family = Family {
    name: "XGBoost, LightGBM, CatBoost",
    versions:
        "XGBoost 1.7.6, 2.1.4, 3.2.0; LightGBM 3.3.5, 4.5.0, 4.7.0; CatBoost 1.2.5, 1.2.7, 1.2.10",
    entries: &[
        except("xgboost.testing", "test helpers"),
        except("xgboost.dask", "distributed training"),
        except("xgboost.spark", "distributed training"),
        except("xgboost.tracker", "network tracker"),
        except("xgboost.federated", "network federation"),
        except("xgboost.collective", "network communication"),
        except("xgboost.plotting", "plotting back ends"),
        except("lightgbm.dask", "distributed training"),
        except("lightgbm.plotting", "plotting back ends"),
        except("catboost.widget", "notebook widgets"),
        except("catboost.utils", "helpers that read files and URLs"),
        except("catboost.eval", "evaluation runners"),
        except("catboost.datasets", "dataset downloads"),
        Entry {
            pattern: Pattern::Classes("xgboost"),
            allows: Allows::Construct,
            note: "`Booster`, `XGBClassifier`, `XGBRegressor`, …",
        },
        Entry {
            pattern: Pattern::Classes("lightgbm"),
            allows: Allows::Construct,
            note: "`Booster`, `LGBMClassifier`, `LGBMRegressor`, …",
        },
        Entry {
            pattern: Pattern::Classes("catboost"),
            allows: Allows::Construct,
            note: "`CatBoostClassifier`, `CatBoostRegressor`, `CatBoost`, …",
        },
    ],
};
