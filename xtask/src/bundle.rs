//! The release bundle in dist/: the page, the wasm optimised with
//! `wasm-opt -Os --converge`, its JavaScript glue and the element's class (a
//! wasm-bindgen snippet). The panel's stylesheet travels inside the wasm.
//! Each file has brotli and gzip copies beside it (`.br`, `.gz`).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::package;
use crate::precompress::{self, precompress};
use crate::setup::{say, WASM_OPT, WASM_TARGET};
use crate::sh::{self, Fail};
use crate::snippet_names;
use crate::target::Target;

pub const DIST: &str = "dist";

/// The files a host page loads, for the size report: these (`index.js` is
/// the npm package's entry), and the snippets wasm-bindgen writes under
/// `snippets/`.
const SHIPPED: [&str; 3] = ["keywatch_bg.wasm", "keywatch.js", "index.js"];

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

/// The toolchain of the release bundle: a nightly, pinned, for what only
/// nightly can do to the size (see [`BUNDLE_RUSTFLAGS`]). Tests, lints and
/// the gateway build with the stable toolchain.
pub const TOOLCHAIN: &str = "nightly-2026-05-19";

/// With `-Zbuild-std`, the standard library is compiled with these too, and
/// with its `optimize_for_size` feature. What each saved is in
/// bundle-budget.txt. `fmt-debug=none` makes `{:?}` print nothing: the widget
/// never shows Debug output to a person (config.rs quotes values itself).
const BUNDLE_RUSTFLAGS: &str =
    "-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none";

fn build_wasm(target: &Target) -> Result<(), Fail> {
    let mut cmd = Command::new("rustup");
    cmd.args(["run", TOOLCHAIN, "cargo", "build"])
        .args([
            "-Zbuild-std=std,panic_abort",
            "-Zbuild-std-features=optimize_for_size",
        ])
        .args([
            "--release",
            "-p",
            "keywatch",
            "--lib",
            "--target",
            WASM_TARGET,
        ])
        .arg("--target-dir")
        .arg(target.bundle_dir())
        .env("RUSTFLAGS", BUNDLE_RUSTFLAGS)
        // `cargo xtask` runs under the stable toolchain, whose cargo and
        // rustc these would otherwise name.
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("RUSTC")
        .env_remove("RUSTDOC")
        .env_remove("CARGO");
    sh::run(
        &mut cmd,
        &format!("the release bundle's build with Rust {TOOLCHAIN}"),
    )
}

pub fn build(target: &Target) -> Result<Vec<PathBuf>, Fail> {
    build_wasm(target)?;
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
            // `--converge` runs the passes again while they still shrink the
            // module: about 20 s more, 1.9 KB gzip less.
            Command::new(WASM_OPT).args(["-Os", "--converge", "-o", &wasm_out_str, &wasm_out_str]),
            "wasm-opt -Os --converge",
        )?;
    }

    snippet_names::name_by_content(&dist.join("snippets"), &dist.join("keywatch.js"))?;
    package::write(dist)?;

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

/// Where the bundle's budget lives.
pub const BUDGET_FILE: &str = "bundle-budget.txt";

/// Fails, naming each file over its budget, when the bundle in dist/ has
/// outgrown [`BUDGET_FILE`].
pub fn check_budget() -> Result<(), Fail> {
    let text = fs::read_to_string(BUDGET_FILE)
        .map_err(|e| Fail(format!("cannot read {BUDGET_FILE}: {e}")))?;
    let budget = parse_budget(&text)?;
    let sizes: Vec<(String, u64)> = sizes()?.into_iter().map(|f| (f.name, f.gzip)).collect();
    let over = over_budget(&budget, &sizes);
    if over.is_empty() {
        say(&format!("bundle within its budget ({BUDGET_FILE})"));
        Ok(())
    } else {
        Err(Fail(format!(
            "the bundle is over its budget in {BUDGET_FILE} (gzip -9 bytes):\n  {}",
            over.join("\n  ")
        )))
    }
}

/// `name bytes` lines; `#` starts a comment.
fn parse_budget(text: &str) -> Result<Vec<(String, u64)>, Fail> {
    let mut budget = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let mut words = line.split_whitespace();
        let (Some(name), Some(bytes), None) = (words.next(), words.next(), words.next()) else {
            return Err(Fail(format!("{BUDGET_FILE}: not `name bytes`: {line:?}")));
        };
        let bytes = bytes
            .replace('_', "")
            .parse()
            .map_err(|_| Fail(format!("{BUDGET_FILE}: not a number of bytes: {line:?}")))?;
        budget.push((name.to_owned(), bytes));
    }
    Ok(budget)
}

/// A sentence for each budget line the sizes exceed.
fn over_budget(budget: &[(String, u64)], sizes: &[(String, u64)]) -> Vec<String> {
    budget
        .iter()
        .filter_map(|(name, limit)| {
            let size: u64 = sizes
                .iter()
                .filter(|(file, _)| {
                    name == "total"
                        || file == name
                        || (name.ends_with('/') && file.starts_with(name.as_str()))
                })
                .map(|(_, gz)| gz)
                .sum();
            (size > *limit).then(|| {
                format!(
                    "{name} is {size} B, {} B over its budget of {limit} B",
                    size - limit
                )
            })
        })
        .collect()
}

fn gzip_size(path: &Path) -> Result<u64, Fail> {
    Command::new("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .output()
        .map(|out| out.stdout.len() as u64)
        .map_err(|e| Fail(format!("gzip is needed for the size report: {e}")))
}

/// One file a host page loads, by size.
pub struct FileSize {
    /// Its path under dist/.
    pub name: String,
    pub raw: u64,
    pub gzip: u64,
    /// As served from its `.br` copy (the raw size when it has none).
    pub brotli: u64,
}

/// The sizes of what a host page loads, as dist/ holds it now.
pub fn sizes() -> Result<Vec<FileSize>, Fail> {
    shipped()
        .into_iter()
        .map(|path| {
            let raw = fs::metadata(&path)
                .map_err(|e| Fail(format!("{}: {e}", path.display())))?
                .len();
            Ok(FileSize {
                name: path
                    .strip_prefix(DIST)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .into_owned(),
                raw,
                gzip: gzip_size(&path)?,
                brotli: fs::metadata(precompress::variant(&path, "br")).map_or(raw, |m| m.len()),
            })
        })
        .collect()
}

/// Prints raw, gzip and brotli sizes of what a host page loads.
pub fn report() -> Result<(), Fail> {
    say("bundle size (raw / gzip -9 / brotli, as served from the .br copy):");
    let sizes = sizes()?;
    for f in &sizes {
        eprintln!(
            "  {:<18} {:>9} B  {:>9} B  {:>9} B",
            f.name, f.raw, f.gzip, f.brotli
        );
    }
    let sum = |field: fn(&FileSize) -> u64| sizes.iter().map(field).sum::<u64>();
    eprintln!(
        "  {:<18} {:>9} B  {:>9} B  {:>9} B",
        "total",
        sum(|f| f.raw),
        sum(|f| f.gzip),
        sum(|f| f.brotli)
    );
    Ok(())
}

/// Issue 11's goal for the whole bundle, gzip -9.
const GOAL_GZIP: u64 = 100 * 1024;

/// The benchmark's bundle table: each file raw, gzip -9 and brotli, against
/// its budget line, and the total against the goal.
pub fn bench_table() -> Result<String, Fail> {
    let text = fs::read_to_string(BUDGET_FILE)
        .map_err(|e| Fail(format!("cannot read {BUDGET_FILE}: {e}")))?;
    Ok(table(&parse_budget(&text)?, &sizes()?))
}

fn table(budget: &[(String, u64)], sizes: &[FileSize]) -> String {
    let limit_of = |name: &str| {
        budget
            .iter()
            .find(|(line, _)| {
                line == name || (line.ends_with('/') && name.starts_with(line.as_str()))
            })
            .map(|(_, limit)| *limit)
    };
    let mut out = vec![
        "bundle: what a host page loads (bytes)".to_owned(),
        "| file | raw | gzip -9 | brotli | budget (gzip) |".to_owned(),
        "| --- | ---: | ---: | ---: | ---: |".to_owned(),
    ];
    for f in sizes {
        let limit = limit_of(&f.name).map_or("-".to_owned(), |l| l.to_string());
        out.push(format!(
            "| {} | {} | {} | {} | {limit} |",
            f.name, f.raw, f.gzip, f.brotli
        ));
    }
    let sum = |field: fn(&FileSize) -> u64| sizes.iter().map(field).sum::<u64>();
    let gzip = sum(|f| f.gzip);
    let total_limit = limit_of("total").map_or("-".to_owned(), |l| l.to_string());
    out.push(format!(
        "| total | {} | {gzip} | {} | {total_limit} |",
        sum(|f| f.raw),
        sum(|f| f.brotli)
    ));
    out.push(format!(
        "goal: total <= {GOAL_GZIP} B gzip -9 (100 KB); {} ({:.2}x the goal)",
        if gzip <= GOAL_GZIP { "met" } else { "NOT met" },
        gzip as f64 / GOAL_GZIP as f64
    ));
    out.join("\n")
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
pub fn copy_if_changed(from: &Path, to: &Path) -> Result<(), Fail> {
    match (fs::read(from), fs::read(to)) {
        (Ok(new), Ok(old)) if new == old => Ok(()),
        _ => copy(from, to),
    }
}

pub fn copy(from: &Path, to: &Path) -> Result<(), Fail> {
    fs::copy(from, to).map(|_| ()).map_err(|e| {
        Fail(format!(
            "cannot copy {} to {}: {e}",
            from.display(),
            to.display()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::{over_budget, parse_budget, table, FileSize};

    #[test]
    fn the_bench_table_holds_each_file_against_its_budget_and_the_goal() {
        let budget = parse_budget("keywatch_bg.wasm 100\nsnippets/ 10\ntotal 200\n").unwrap();
        let file = |name: &str, gzip| FileSize {
            name: name.to_owned(),
            raw: gzip * 3,
            gzip,
            brotli: gzip - 1,
        };
        let text = table(
            &budget,
            &[
                file("keywatch_bg.wasm", 90),
                file("snippets/k-1/element.js", 8),
            ],
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 7, "{text}");
        assert_eq!(lines[3], "| keywatch_bg.wasm | 270 | 90 | 89 | 100 |");
        assert_eq!(lines[4], "| snippets/k-1/element.js | 24 | 8 | 7 | 10 |");
        assert_eq!(lines[5], "| total | 294 | 98 | 96 | 200 |");
        assert!(lines[6].contains("met (0.00x"), "{}", lines[6]);
    }

    #[test]
    fn the_budget_names_each_file_over_it() {
        let budget = parse_budget(
            "# comment\nkeywatch_bg.wasm 100 # inline\nkeywatch.js 1_000\nsnippets/ 10\ntotal 200\n",
        )
        .unwrap();
        assert_eq!(budget.len(), 4);
        let sizes = |wasm: u64, snippet: u64| {
            vec![
                ("keywatch_bg.wasm".to_owned(), wasm),
                ("keywatch.js".to_owned(), 50),
                ("snippets/k-1/src/embed/element.js".to_owned(), snippet),
                ("snippets/k-1/inline0.js".to_owned(), snippet),
            ]
        };
        assert!(over_budget(&budget, &sizes(100, 5)).is_empty());
        let over = over_budget(&budget, &sizes(101, 6));
        assert_eq!(
            over,
            [
                "keywatch_bg.wasm is 101 B, 1 B over its budget of 100 B",
                "snippets/ is 12 B, 2 B over its budget of 10 B",
            ]
        );
        assert_eq!(
            over_budget(&budget, &sizes(100, 30)).len(),
            2,
            "snippets and total"
        );
    }

    #[test]
    fn a_malformed_line_is_refused() {
        assert!(parse_budget("keywatch.js").is_err());
        assert!(parse_budget("keywatch.js lots").is_err());
        assert!(parse_budget("keywatch.js 1 2").is_err());
    }
}
