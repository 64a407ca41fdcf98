//! Where cargo puts what it builds. `target/` unless `CARGO_TARGET_DIR` or
//! a cargo configuration (`build.target-dir`) says otherwise, and many set
//! one for a shared build cache: so cargo is asked, never assumed.

use std::path::{Path, PathBuf};

use crate::setup::WASM_TARGET;
use crate::sh::{self, Fail};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    dir: PathBuf,
}

impl Target {
    /// `cargo metadata`'s `target_directory`, which takes every setting
    /// into account.
    pub fn ask_cargo() -> Result<Target, Fail> {
        let json = sh::output(&mut sh::cargo_command(&[
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
        ]))
        .ok_or_else(|| Fail("`cargo metadata` failed: is this the project folder?".into()))?;
        Ok(Target {
            dir: target_directory(&json)?,
        })
    }

    #[cfg(test)]
    pub fn at(dir: impl Into<PathBuf>) -> Target {
        Target { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the bundle's own build goes: another toolchain and other flags
    /// than the tests' builds, so the two never invalidate each other.
    pub fn bundle_dir(&self) -> PathBuf {
        self.dir.join("bundle")
    }

    /// The widget's release wasm, as the bundle's build leaves it.
    pub fn widget_wasm(&self) -> PathBuf {
        self.bundle_dir()
            .join(WASM_TARGET)
            .join("release")
            .join("keywatch.wasm")
    }

    /// The gateway binary of a profile (`debug` or `release`).
    pub fn gateway(&self, profile: &str) -> PathBuf {
        self.dir
            .join(profile)
            .join(format!("keywatch-gateway{}", std::env::consts::EXE_SUFFIX))
    }

    /// A log file of the tasks' own.
    pub fn log(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

/// The `target_directory` string of `cargo metadata --format-version 1`.
fn target_directory(json: &str) -> Result<PathBuf, Fail> {
    let missing = || Fail("`cargo metadata` did not name a target directory".into());
    let key = "\"target_directory\"";
    let after_key = &json[json.find(key).ok_or_else(missing)? + key.len()..];
    let value = after_key
        .trim_start()
        .strip_prefix(':')
        .ok_or_else(missing)?
        .trim_start()
        .strip_prefix('"')
        .ok_or_else(missing)?;
    json_string(value).map(PathBuf::from).ok_or_else(missing)
}

/// The body of a JSON string up to its closing quote, unescaped.
fn json_string(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                '"' => out.push('"'),
                '\\' => out.push('\\'),
                '/' => out.push('/'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                'u' => {
                    let unit = |chars: &mut std::str::Chars| {
                        let hex: String = chars.by_ref().take(4).collect();
                        u32::from_str_radix(&hex, 16).ok()
                    };
                    let first = unit(&mut chars)?;
                    let code = if (0xD800..0xDC00).contains(&first) {
                        if chars.next()? != '\\' || chars.next()? != 'u' {
                            return None;
                        }
                        let second = unit(&mut chars)?;
                        0x10000 + ((first - 0xD800) << 10) + (second.checked_sub(0xDC00)?)
                    } else {
                        first
                    };
                    out.push(char::from_u32(code)?);
                }
                _ => return None,
            },
            c => out.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_target_directory_from_cargo_metadata() {
        let json = r#"{"packages":[],"target_directory": "/srv/cache/cargo target","version":1}"#;
        assert_eq!(
            target_directory(json).unwrap(),
            PathBuf::from("/srv/cache/cargo target")
        );
        let escaped = r#"{"target_directory":"C:\\build\\t\u00e9st \"x\" \ud83d\ude00","workspace_root":"/w"}"#;
        assert_eq!(
            target_directory(escaped).unwrap(),
            PathBuf::from("C:\\build\\tést \"x\" 😀")
        );
        assert!(target_directory(r#"{"workspace_root":"/w"}"#).is_err());
        assert!(target_directory(r#"{"target_directory":"/unterminated"#).is_err());
    }

    #[test]
    fn every_build_output_is_under_the_target_directory() {
        let target = Target::at("/srv/shared-target");
        assert_eq!(
            target.widget_wasm(),
            PathBuf::from("/srv/shared-target/bundle/wasm32-unknown-unknown/release/keywatch.wasm")
        );
        assert!(target
            .gateway("release")
            .starts_with("/srv/shared-target/release"));
        assert!(target
            .gateway("debug")
            .starts_with("/srv/shared-target/debug"));
        assert!(target.log("x.log").starts_with("/srv/shared-target"));
    }
}
