//! PyTorch's legacy (pre-zip) format: the storages that follow the pickle, walked by
//! the persistent ids the pickle declared.

use super::*;

/// After the keys list of a legacy checkpoint come the storages, in key order: each an
/// 8-byte little-endian element count and that many elements.
pub(super) fn walk_legacy_storages(
    cur: &mut Cursor<'_>,
    ir: &mut PickleIr,
    pids: &[V],
    keys: Option<&V>,
) {
    let mut sizes: HashMap<&str, u64> = HashMap::new();
    for pid in pids {
        let Some(items) = pid.items() else { continue };
        // ('storage', storage_type, root_key, location, numel, view_metadata)
        let (Some(kind), Some(V::Global(ty)), Some(key)) = (
            items.first().and_then(V::as_str),
            items.get(1),
            items.get(2).and_then(V::as_str),
        ) else {
            continue;
        };
        if kind != "storage" {
            continue;
        }
        if let Some(size) = ir
            .globals
            .get(*ty)
            .and_then(|g| torch_storage_element_size(&g.name))
        {
            sizes.insert(key, size);
        }
    }
    let Some(keys) = keys.and_then(V::items) else {
        ir.errors.push(Event {
            offset: cur.pos(),
            message: "legacy checkpoint: the storage key list is not a list".into(),
        });
        return;
    };
    for key in keys {
        let at = cur.pos();
        let Some(name) = key.as_str() else {
            ir.errors.push(Event {
                offset: at,
                message: "legacy checkpoint: storage key is not a string".into(),
            });
            return;
        };
        let Some(&elem) = sizes.get(name) else {
            ir.errors.push(Event {
                offset: at,
                message: format!("legacy checkpoint: storage {name:?} has no known element type"),
            });
            return;
        };
        let walked = cur
            .u64_le()
            .ok()
            .and_then(|count| count.checked_mul(elem))
            .and_then(|bytes| cur.skip(bytes).ok());
        if walked.is_none() {
            ir.errors.push(Event {
                offset: at,
                message: format!(
                    "legacy checkpoint: storage {name:?} runs past the end of the file"
                ),
            });
            return;
        }
    }
}
