//! Precompressed copies of what dist/ ships: `NAME.br` (brotli at its best
//! quality) and `NAME.gz` (gzip at level 9) beside `NAME`, which the gateway
//! sends to browsers that accept them. A copy is written again only when its
//! file is newer than it, and none is kept where compressing would not make
//! the file smaller.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::sh::Fail;

type Compress = fn(&[u8], Kind) -> Vec<u8>;

/// The two encodings, by the suffix the gateway looks for.
const VARIANTS: [(&str, Compress); 2] = [("br", brotli), ("gz", gzip)];

/// What the bytes are, for brotli's choice of model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Binary,
}

impl Kind {
    fn of(path: &Path) -> Kind {
        match path.extension().and_then(|e| e.to_str()) {
            Some("wasm") => Kind::Binary,
            _ => Kind::Text,
        }
    }
}

/// Writes the `.br` and `.gz` copies of each file that lack a fresh one.
pub fn precompress(files: &[PathBuf]) -> Result<(), Fail> {
    for file in files {
        for (suffix, compress) in VARIANTS {
            write_variant(file, suffix, compress)?;
        }
    }
    Ok(())
}

/// The path of `file`'s copy in an encoding: `keywatch.js` → `keywatch.js.br`.
pub fn variant(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

fn write_variant(file: &Path, suffix: &str, compress: Compress) -> Result<(), Fail> {
    let copy = variant(file, suffix);
    if is_fresh(&copy, file) {
        return Ok(());
    }
    let raw = fs::read(file).map_err(|e| Fail(format!("cannot read {}: {e}", file.display())))?;
    let packed = compress(&raw, Kind::of(file));
    if packed.len() >= raw.len() {
        // A stale copy would be served in place of the new file.
        return match fs::remove_file(&copy) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Fail(format!(
                "cannot remove the stale {}: {e}",
                copy.display()
            ))),
            _ => Ok(()),
        };
    }
    fs::write(&copy, packed).map_err(|e| Fail(format!("cannot write {}: {e}", copy.display())))
}

/// Whether `copy` exists and was written after `file` last changed.
fn is_fresh(copy: &Path, file: &Path) -> bool {
    let time = |p: &Path| p.metadata().and_then(|m| m.modified()).ok();
    matches!((time(copy), time(file)), (Some(c), Some(f)) if c > f)
}

pub fn brotli(raw: &[u8], kind: Kind) -> Vec<u8> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        mode: match kind {
            Kind::Text => brotli::enc::backward_references::BrotliEncoderMode::BROTLI_MODE_TEXT,
            Kind::Binary => {
                brotli::enc::backward_references::BrotliEncoderMode::BROTLI_MODE_GENERIC
            }
        },
        size_hint: raw.len(),
        ..Default::default()
    };
    let mut out = Vec::new();
    let mut input = raw;
    // Reading a slice and writing a Vec cannot fail.
    let _ = brotli::BrotliCompress(&mut input, &mut out, &params);
    out
}

pub fn gzip(raw: &[u8], _: Kind) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(raw);
    encoder.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::time::{Duration, SystemTime};

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn unbrotli(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        brotli::Decompressor::new(bytes, 4096)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    fn ungzip(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    fn set_modified(path: &Path, time: SystemTime) {
        fs::File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(time)
            .unwrap();
    }

    #[test]
    fn copies_decode_to_the_file_and_are_smaller() {
        let dir = scratch("precompress");
        let js = dir.join("keywatch.js");
        let text = "export function f() { return 'keywatch'; }\n".repeat(200);
        fs::write(&js, &text).unwrap();
        let wasm = dir.join("keywatch_bg.wasm");
        let binary: Vec<u8> = (0..20_000u32).map(|i| (i % 7 * 31 % 256) as u8).collect();
        fs::write(&wasm, &binary).unwrap();

        precompress(&[js.clone(), wasm.clone()]).unwrap();

        let br = fs::read(variant(&js, "br")).unwrap();
        let gz = fs::read(variant(&js, "gz")).unwrap();
        assert!(br.len() < text.len() && gz.len() < text.len());
        assert_eq!(unbrotli(&br), text.as_bytes());
        assert_eq!(ungzip(&gz), text.as_bytes());
        assert_eq!(unbrotli(&fs::read(variant(&wasm, "br")).unwrap()), binary);
        assert_eq!(ungzip(&fs::read(variant(&wasm, "gz")).unwrap()), binary);
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn a_changed_file_gets_new_copies_and_an_incompressible_one_none() {
        let dir = scratch("precompress-stale");
        let file = dir.join("start.js");
        fs::write(&file, "a".repeat(1000)).unwrap();
        precompress(std::slice::from_ref(&file)).unwrap();
        let past = SystemTime::now() - Duration::from_secs(60);
        for suffix in ["br", "gz"] {
            set_modified(&variant(&file, suffix), past);
        }

        fs::write(&file, "b".repeat(1000)).unwrap();
        precompress(std::slice::from_ref(&file)).unwrap();
        let br = fs::read(variant(&file, "br")).unwrap();
        assert_eq!(unbrotli(&br), "b".repeat(1000).as_bytes());

        for suffix in ["br", "gz"] {
            set_modified(&variant(&file, suffix), past);
        }
        fs::write(&file, "x").unwrap();
        precompress(std::slice::from_ref(&file)).unwrap();
        assert!(
            !variant(&file, "br").exists(),
            "a stale .br would be served"
        );
        assert!(
            !variant(&file, "gz").exists(),
            "a stale .gz would be served"
        );
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn a_fresh_copy_is_left_alone() {
        let dir = scratch("precompress-fresh");
        let file = dir.join("index.html");
        fs::write(&file, "<p>keywatch</p>".repeat(100)).unwrap();
        set_modified(&file, SystemTime::now() - Duration::from_secs(60));
        fs::write(variant(&file, "gz"), b"kept").unwrap();
        precompress(std::slice::from_ref(&file)).unwrap();
        assert_eq!(fs::read(variant(&file, "gz")).unwrap(), b"kept");
        let _ = fs::remove_dir_all(dir);
    }
}
