//! The console apps in e2e/hosts/ (Vite + React 19 + TypeScript, webpack 5,
//! Vue 3 + Vite): each installs keywatch from dist/ as a team would (`npm
//! install` of the package folder, copied: their `.npmrc` says
//! `install-links`), is type-checked and built here; e2e/hosts.test.mjs then
//! serves each build and checks it in Chromium.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::bundle::DIST;
use crate::package;
use crate::setup::say;
use crate::sh::{self, Fail};

/// Each app's folder under e2e/hosts/.
pub const APPS: [&str; 3] = ["react-vite", "webpack", "vue-vite"];

/// Installs (when needed), type-checks and builds every app; answers how
/// long each took.
pub fn build_all() -> Result<Vec<(&'static str, Duration)>, Fail> {
    let mut took = Vec::new();
    for app in APPS {
        let started = Instant::now();
        let dir = Path::new("e2e/hosts").join(app);
        install(&dir)?;
        npm(
            &dir,
            &["run", "--silent", "typecheck"],
            &format!("{app}: type check"),
        )?;
        npm(
            &dir,
            &["run", "--silent", "build"],
            &format!("{app}: build"),
        )?;
        let spent = started.elapsed();
        say(&format!(
            "{app}: installed, type-checked and built in {:.1} s",
            spent.as_secs_f64()
        ));
        took.push((app, spent));
    }
    Ok(took)
}

/// `npm ci` when the app's lockfile is newer than its node_modules (or
/// there is none); then the copy of keywatch is made again only when dist/
/// has changed since it was made. Nothing is done when both are current.
fn install(dir: &Path) -> Result<(), Fail> {
    let lock = modified(&dir.join("package-lock.json"));
    let installed = modified(&dir.join("node_modules/.package-lock.json"));
    let fresh = matches!((lock, installed), (Some(want), Some(have)) if have >= want);
    if !fresh {
        say(&format!("{}: npm ci", dir.display()));
        return npm(dir, &["ci"], &format!("npm ci in {}", dir.display()));
    }
    let copy = dir.join("node_modules").join(package::NAME);
    if packaged(Path::new(DIST))? == packaged(&copy)? {
        return Ok(());
    }
    say(&format!(
        "{}: installing the new build of {}",
        dir.display(),
        package::NAME
    ));
    // npm takes a copy with the same version as current: remove it first.
    fs::remove_dir_all(&copy)
        .map_err(|e| Fail(format!("cannot remove {}: {e}", copy.display())))?;
    npm(
        dir,
        &["install"],
        &format!("npm install in {}", dir.display()),
    )
}

fn npm(dir: &Path, args: &[&str], what: &str) -> Result<(), Fail> {
    sh::run(
        Command::new("npm")
            .args(args)
            .args(["--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(dir),
        what,
    )
}

/// The package's files under `root` and their bytes (empty when absent).
fn packaged(root: &Path) -> Result<BTreeMap<PathBuf, Vec<u8>>, Fail> {
    let mut files = BTreeMap::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for path in entries.flatten().map(|e| e.path()) {
            let relative = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
            if path.is_dir() {
                dirs.push(path);
            } else if package::is_packaged(&relative) {
                let bytes = fs::read(&path)
                    .map_err(|e| Fail(format!("cannot read {}: {e}", path.display())))?;
                files.insert(relative, bytes);
            }
        }
    }
    Ok(files)
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    path.metadata().and_then(|m| m.modified()).ok()
}
