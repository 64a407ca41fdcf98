//! The release bundle in dist/: the page, the wasm optimised with
//! `wasm-opt -Oz`, its JavaScript glue and the element's class (a
//! wasm-bindgen snippet). The panel's stylesheet travels inside the wasm.
//! Each file has brotli and gzip copies beside it (`.br`, `.gz`).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::precompress::{self, precompress};
use crate::setup::{say, WASM_OPT, WASM_TARGET};
use crate::sh::{self, cargo, Fail};
use crate::snippet_names;
use crate::target::Target;

pub const DIST: &str = "dist";

/// The files a host page loads, for the size report: these two, and the
/// snippets wasm-bindgen writes under `snippets/`.
const SHIPPED: [&str; 2] = ["keywatch_bg.wasm", "keywatch.js"];

/// Every file a host page loads, as paths under dist/.
pub fn shipped() -> Vec<PathBuf> {
    let dist = Path::new(DIST);
    let mut files: Vec<PathBuf> = SHIPPED.iter().map(|f| dist.join(f)).collect();
    let mut dirs = vec![dist.join("snippets")];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        let mut found: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        found.sort();
        for path in found {
            if path.is_dir() {
                dirs.push(path);
            } else if !is_precompressed_copy(&path) {
                files.push(path);
            }
        }
    }
    files
}

fn is_precompressed_copy(path: &Path) -> bool {
    matches!(path.extension().and_then(|e| e.to_str()), Some("br" | "gz"))
}

pub fn build(target: &Target) -> Result<Vec<PathBuf>, Fail> {
    cargo(&[
        "build",
        "--release",
        "-p",
        "keywatch",
        "--lib",
        "--target",
        WASM_TARGET,
    ])?;
    let dist = Path::new(DIST);
    fs::create_dir_all(dist).map_err(|e| Fail(format!("cannot create dist/: {e}")))?;

    let wasm_in = target.widget_wasm();
    let wasm_out = dist.join("keywatch_bg.wasm");
    if is_newer(&wasm_in, &wasm_out) {
        // Snippets are named by a hash: old ones must not linger.
        let _ = fs::remove_dir_all(dist.join("snippets"));
        sh::run(
            Command::new("wasm-bindgen")
                .args([
                    "--target",
                    "web",
                    "--no-typescript",
                    "--out-dir",
                    DIST,
                    "--out-name",
                    "keywatch",
                ])
                .arg(&wasm_in),
            "wasm-bindgen",
        )?;
        let wasm_out_str = wasm_out.to_string_lossy().into_owned();
        sh::run(
            Command::new(WASM_OPT).args(["-Oz", "-o", &wasm_out_str, &wasm_out_str]),
            "wasm-opt -Oz",
        )?;
    }

    snippet_names::name_by_content(&dist.join("snippets"), &dist.join("keywatch.js"))?;

    // The stylesheet now travels inside the wasm; an old copy would mislead.
    for stale in ["keywatch.css", "keywatch.css.br", "keywatch.css.gz"] {
        let _ = fs::remove_file(dist.join(stale));
    }
    let mut page = vec![dist.join("index.html")];
    copy_if_changed(Path::new("index.html"), &page[0])?;
    for entry in fs::read_dir("static").map_err(|e| Fail(format!("cannot read static/: {e}")))? {
        let entry = entry.map_err(|e| Fail(format!("cannot read static/: {e}")))?;
        let to = dist.join(entry.file_name());
        copy_if_changed(&entry.path(), &to)?;
        page.push(to);
    }
    // Only files this step writes: a copy of a file someone edits by hand
    // in dist/ (a config.json) would go stale and be served in its place.
    let shipped = shipped();
    precompress(&[shipped.as_slice(), page.as_slice()].concat())?;
    report()?;
    Ok(shipped)
}

/// Prints raw, gzip and brotli sizes of what a host page loads.
pub fn report() -> Result<(), Fail> {
    let (mut raw_total, mut gz_total, mut br_total) = (0, 0, 0);
    say("bundle size (raw / gzip -9 / brotli, as served from the .br copy):");
    for path in shipped() {
        let name = path
            .strip_prefix(DIST)
            .unwrap_or(&path)
            .to_string_lossy()
            .into_owned();
        let raw = fs::metadata(&path)
            .map_err(|e| Fail(format!("{}: {e}", path.display())))?
            .len();
        let gz = Command::new("gzip")
            .args(["-9", "-c"])
            .arg(&path)
            .output()
            .map(|out| out.stdout.len() as u64)
            .map_err(|e| Fail(format!("gzip is needed for the size report: {e}")))?;
        let br = fs::metadata(precompress::variant(&path, "br")).map_or(raw, |m| m.len());
        eprintln!("  {name:<18} {raw:>9} B  {gz:>9} B  {br:>9} B");
        raw_total += raw;
        gz_total += gz;
        br_total += br;
    }
    eprintln!(
        "  {:<18} {:>9} B  {:>9} B  {:>9} B",
        "total", raw_total, gz_total, br_total
    );
    Ok(())
}

fn is_newer(src: &Path, dst: &Path) -> bool {
    let time = |p: &Path| p.metadata().and_then(|m| m.modified()).ok();
    match (time(src), time(dst)) {
        (Some(s), Some(d)) => s > d,
        _ => true,
    }
}

/// Copies unless `to` already holds the same bytes, so that its time (and
/// the gateway's `ETag` and `Last-Modified`) moves only when it changed.
fn copy_if_changed(from: &Path, to: &Path) -> Result<(), Fail> {
    match (fs::read(from), fs::read(to)) {
        (Ok(new), Ok(old)) if new == old => Ok(()),
        _ => copy(from, to),
    }
}

fn copy(from: &Path, to: &Path) -> Result<(), Fail> {
    fs::copy(from, to).map(|_| ()).map_err(|e| {
        Fail(format!(
            "cannot copy {} to {}: {e}",
            from.display(),
            to.display()
        ))
    })
}
