//! dist/ as an npm package: `npm install path/to/dist` (or a copy of it)
//! gives a console team `import init from "keywatch"`, its types and its
//! Custom Elements Manifest. The entry, the types and the manifest are
//! written by hand in src/embed/package/; package.json is written here,
//! with the crate's version.

use std::fs;
use std::path::{Path, PathBuf};

use crate::sh::Fail;

/// The package's name on npm and in a host's `import`.
pub const NAME: &str = "keywatch";

/// The package's files at its root (npm adds package.json itself), besides
/// the snippets' `.js` files; package.json's `files` names the same.
const ROOT_FILES: [&str; 5] = [
    "index.js",
    "index.d.ts",
    "keywatch.js",
    "keywatch_bg.wasm",
    "custom-elements.json",
];

/// Whether a path under the package's folder is one of its files.
pub fn is_packaged(relative: &Path) -> bool {
    let name = relative.to_string_lossy();
    ROOT_FILES.contains(&name.as_ref())
        || name == "package.json"
        || (name.starts_with("snippets/") && name.ends_with(".js"))
}

/// Copied as they are from src/embed/package/.
const HAND_WRITTEN: [&str; 3] = ["index.js", "index.d.ts", "custom-elements.json"];

/// Writes the package's own files into `dist`; answers the paths written.
pub fn write(dist: &Path) -> Result<Vec<PathBuf>, Fail> {
    let from = Path::new("src/embed/package");
    let mut written = Vec::new();
    for name in HAND_WRITTEN {
        let to = dist.join(name);
        crate::bundle::copy_if_changed(&from.join(name), &to)?;
        written.push(to);
    }
    let manifest = dist.join("package.json");
    let text = package_json(&crate_version()?);
    if fs::read_to_string(&manifest).ok().as_deref() != Some(text.as_str()) {
        fs::write(&manifest, text)
            .map_err(|e| Fail(format!("cannot write {}: {e}", manifest.display())))?;
    }
    written.push(manifest);
    Ok(written)
}

/// The widget's version, from the root Cargo.toml's `[package]`.
fn crate_version() -> Result<String, Fail> {
    let text = fs::read_to_string("Cargo.toml")
        .map_err(|e| Fail(format!("cannot read Cargo.toml: {e}")))?;
    version_in(&text).ok_or_else(|| Fail("Cargo.toml's [package] has no version".into()))
}

fn version_in(cargo_toml: &str) -> Option<String> {
    let package = cargo_toml.split("[package]").nth(1)?;
    let section = package.split("\n[").next()?;
    section.lines().find_map(|line| {
        let value = line
            .trim()
            .strip_prefix("version")?
            .trim()
            .strip_prefix('=')?;
        Some(value.trim().trim_matches('"').to_owned())
    })
}

fn package_json(version: &str) -> String {
    format!(
        r#"{{
  "name": "{NAME}",
  "version": "{version}",
  "description": "Status panel for IBM GKLM and Thales CipherTrust Manager operators: the <keywatch-panel> element and mount(), in WebAssembly",
  "license": "Apache-2.0",
  "type": "module",
  "main": "./index.js",
  "module": "./index.js",
  "types": "./index.d.ts",
  "exports": {{
    ".": {{
      "types": "./index.d.ts",
      "default": "./index.js"
    }},
    "./keywatch.js": "./keywatch.js",
    "./keywatch_bg.wasm": "./keywatch_bg.wasm",
    "./custom-elements.json": "./custom-elements.json",
    "./package.json": "./package.json"
  }},
  "files": [
    "index.js",
    "index.d.ts",
    "keywatch.js",
    "keywatch_bg.wasm",
    "snippets/**/*.js",
    "custom-elements.json"
  ],
  "sideEffects": [
    "./index.js",
    "./keywatch.js",
    "./snippets/**/*.js"
  ],
  "customElements": "custom-elements.json"
}}
"#
    )
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{is_packaged, package_json, version_in, ROOT_FILES};

    #[test]
    fn the_version_is_the_widget_crates() {
        let toml = "[package]\nname = \"keywatch\"\nversion = \"1.2.3\"\n\n[dependencies]\nversion = \"9\"\n";
        assert_eq!(version_in(toml).as_deref(), Some("1.2.3"));
        assert_eq!(version_in("[workspace]\nversion = \"1\"\n"), None);
    }

    #[test]
    fn the_manifest_names_the_entry_its_types_and_the_wasm() {
        let json = package_json("0.1.0");
        for part in [
            r#""type": "module""#,
            r#""types": "./index.d.ts""#,
            r#""./keywatch_bg.wasm": "./keywatch_bg.wasm""#,
            r#""customElements": "custom-elements.json""#,
            r#""version": "0.1.0""#,
        ] {
            assert!(json.contains(part), "{part} missing from {json}");
        }
        for file in ROOT_FILES.iter().chain(&["snippets/**/*.js"]) {
            assert!(
                json.contains(&format!("    \"{file}\"")),
                "files lacks {file}"
            );
        }
    }

    #[test]
    fn the_packaged_files_leave_out_the_page_and_the_compressed_copies() {
        for yes in [
            "index.js",
            "keywatch_bg.wasm",
            "package.json",
            "snippets/k.1/src/embed/element.js",
        ] {
            assert!(is_packaged(Path::new(yes)), "{yes}");
        }
        for no in [
            "index.html",
            "keywatch.js.br",
            "snippets/k.1/src/embed/element.js.gz",
            "start.js",
        ] {
            assert!(!is_packaged(Path::new(no)), "{no}");
        }
    }
}
