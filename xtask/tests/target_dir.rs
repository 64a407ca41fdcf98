//! The tasks honour `CARGO_TARGET_DIR`: every path the dist, run and test
//! steps read or write is under the directory cargo builds into, asked of
//! cargo itself. (Building the bundle there would take minutes; the paths
//! are what went wrong before.)

use std::path::{Path, PathBuf};
use std::process::Command;

fn paths_with(target_dir: &Path) -> Vec<(String, PathBuf)> {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("paths")
        .env("CARGO_TARGET_DIR", target_dir)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let (name, path) = line.split_once(": ").unwrap();
            (name.to_string(), PathBuf::from(path))
        })
        .collect()
}

fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

#[test]
fn every_step_uses_the_target_directory_cargo_was_given() {
    let shared =
        std::env::temp_dir().join(format!("keywatch-shared-target-{}", std::process::id()));
    let relative = format!("keywatch-relative-target-{}", std::process::id());
    for (given, expected) in [
        (shared.clone(), shared.clone()),
        // Relative to the project folder, where the tasks run cargo.
        (PathBuf::from(&relative), project_root().join(&relative)),
    ] {
        let paths = paths_with(&given);
        assert_eq!(paths.len(), 6, "{paths:?}");
        assert_eq!(paths[0], ("target".to_string(), expected.clone()));
        assert_eq!(
            paths[1].1,
            expected.join("bundle/wasm32-unknown-unknown/release/keywatch.wasm")
        );
        for (name, path) in &paths {
            assert!(path.starts_with(&expected), "{name}: {}", path.display());
            assert!(
                !path.starts_with(project_root().join("target")),
                "{name} still points into target/"
            );
        }
    }
}
