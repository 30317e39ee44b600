//! Files the repository commits but the code generates (the `rampart.toml` schema and
//! reference, the CLI reference, the allow-list page): one staleness check every
//! crate's test uses, so a generated file cannot drift from its source.

use std::path::Path;

/// Compares the committed file at `path` with `generated`. When the environment
/// variable `update_var` is set, writes `generated` first (how the file is
/// regenerated). Returns what to tell the developer when they differ.
///
/// # Errors
/// A message naming the stale file and `how` to regenerate it.
pub fn check(path: &Path, generated: &str, update_var: &str, how: &str) -> Result<(), String> {
    if std::env::var_os(update_var).is_some() {
        std::fs::write(path, generated)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    if committed == generated {
        Ok(())
    } else {
        Err(format!("{} is stale: run {how}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn stale_files_are_named_and_current_ones_pass() {
        let dir = std::env::temp_dir().join(format!("rampart-generated-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("g.md");
        let _ = std::fs::write(&path, "old\n");
        let err = check(&path, "new\n", "RAMPART_TEST_NEVER_SET", "the generator");
        assert!(err.is_err_and(|e| e.contains("g.md is stale: run the generator")));
        let _ = std::fs::write(&path, "new\n");
        assert_eq!(check(&path, "new\n", "RAMPART_TEST_NEVER_SET", "x"), Ok(()));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
