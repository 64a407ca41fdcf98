//! wasm-bindgen puts the element's class in `snippets/keywatch-<hash>/`,
//! but that hash is of the crate's name and version, not of the files: the
//! name stays when `element.js` changes. The dist step renames each snippet
//! folder to `<crate>.<hash of its files>` and points the glue at it, so the
//! gateway may let browsers keep it for good (see its `static_files`).

use std::fs;
use std::path::{Path, PathBuf};

use crate::sh::Fail;

/// Renames every folder under `dist/snippets/` by its content and rewrites
/// the imports in `glue` (`keywatch.js`) to match. Running it again changes
/// nothing.
pub fn name_by_content(snippets: &Path, glue: &Path) -> Result<(), Fail> {
    let Ok(entries) = fs::read_dir(snippets) else {
        return Ok(());
    };
    let mut js = fs::read_to_string(glue)
        .map_err(|e| Fail(format!("cannot read {}: {e}", glue.display())))?;
    let mut changed = false;
    let folders: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    for folder in folders {
        let Some(old) = folder
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_owned)
        else {
            continue;
        };
        let new = format!("{}.{:016x}", crate_part(&old), content_hash(&folder)?);
        if new == old {
            continue;
        }
        let target = snippets.join(&new);
        let _ = fs::remove_dir_all(&target);
        fs::rename(&folder, &target).map_err(|e| {
            Fail(format!(
                "cannot rename {} to {}: {e}",
                folder.display(),
                target.display()
            ))
        })?;
        js = rename_in_imports(
            &js,
            &format!("./snippets/{old}/"),
            &format!("./snippets/{new}/"),
        );
        changed = true;
    }
    if changed {
        fs::write(glue, js).map_err(|e| Fail(format!("cannot write {}: {e}", glue.display())))?;
    }
    Ok(())
}

/// Points the glue's `import` statements at the new folder. Nothing else
/// changes: a snippet the wasm imports directly is found in the glue's
/// imports object under the name the wasm itself carries (the old one).
fn rename_in_imports(js: &str, old: &str, new: &str) -> String {
    js.split_inclusive('\n')
        .map(|line| {
            if line.trim_start().starts_with("import ") {
                line.replace(old, new)
            } else {
                line.to_owned()
            }
        })
        .collect()
}

/// `keywatch-a3edde3d5549e49a` or `keywatch.0123456789abcdef` → `keywatch`.
fn crate_part(name: &str) -> &str {
    match name.rfind(['-', '.']) {
        Some(at) if is_hash(&name[at + 1..]) => &name[..at],
        _ => name,
    }
}

fn is_hash(text: &str) -> bool {
    text.len() == 16
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// FNV-1a (64 bits) over each file's path below `folder` and its bytes, in
/// path order, leaving out the `.br` and `.gz` copies (written after the
/// name, from the same bytes). Not a defence against anyone: it tells one
/// build's files from the next one's.
fn content_hash(folder: &Path) -> Result<u64, Fail> {
    let mut files = Vec::new();
    let mut dirs = vec![folder.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let entries =
            fs::read_dir(&dir).map_err(|e| Fail(format!("cannot read {}: {e}", dir.display())))?;
        for path in entries.flatten().map(|e| e.path()) {
            if path.is_dir() {
                dirs.push(path);
            } else if !matches!(path.extension().and_then(|e| e.to_str()), Some("br" | "gz")) {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut hash = Fnv::default();
    for file in files {
        let relative = file.strip_prefix(folder).unwrap_or(&file);
        hash.write(relative.to_string_lossy().as_bytes());
        hash.write(&[0]);
        let bytes =
            fs::read(&file).map_err(|e| Fail(format!("cannot read {}: {e}", file.display())))?;
        hash.write(&(bytes.len() as u64).to_le_bytes());
        hash.write(&bytes);
    }
    Ok(hash.0)
}

struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dist(name: &str, element: &str) -> PathBuf {
        let dist = std::env::temp_dir().join(format!("xtask-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dist);
        let folder = dist.join("snippets/keywatch-a3edde3d5549e49a/src/embed");
        fs::create_dir_all(&folder).unwrap();
        fs::write(folder.join("element.js"), element).unwrap();
        fs::write(
            dist.join("keywatch.js"),
            "import { defineElement } from './snippets/keywatch-a3edde3d5549e49a/src/embed/element.js';\n\
             import * as import1 from \"./snippets/keywatch-a3edde3d5549e49a/src/embed/element.js\"\n\
             const imports = {\n    \"./snippets/keywatch-a3edde3d5549e49a/src/embed/element.js\": import1,\n};\n",
        )
        .unwrap();
        dist
    }

    fn only_folder(dist: &Path) -> String {
        let names: Vec<String> = fs::read_dir(dist.join("snippets"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        names[0].clone()
    }

    #[test]
    fn the_folder_is_named_by_its_files_and_the_glue_follows() {
        let one = dist("snippets-one", "export class A {}");
        name_by_content(&one.join("snippets"), &one.join("keywatch.js")).unwrap();
        let first = only_folder(&one);
        assert!(
            first.starts_with("keywatch.") && is_hash(&first[9..]),
            "{first}"
        );
        let glue = fs::read_to_string(one.join("keywatch.js")).unwrap();
        assert!(
            glue.contains(&format!("'./snippets/{first}/src/embed/element.js'")),
            "{glue}"
        );
        assert!(
            glue.contains(&format!("from \"./snippets/{first}/src/embed/element.js\"")),
            "{glue}"
        );
        // The wasm imports the module directly under the name it was built with.
        assert!(
            glue.contains("\"./snippets/keywatch-a3edde3d5549e49a/src/embed/element.js\": import1"),
            "{glue}"
        );
        assert!(one
            .join("snippets")
            .join(&first)
            .join("src/embed/element.js")
            .is_file());

        // The dist step compresses after naming: the copies change nothing.
        let element = one
            .join("snippets")
            .join(&first)
            .join("src/embed/element.js");
        fs::write(element.with_extension("js.br"), b"compressed").unwrap();
        fs::write(element.with_extension("js.gz"), b"compressed").unwrap();
        name_by_content(&one.join("snippets"), &one.join("keywatch.js")).unwrap();
        assert_eq!(only_folder(&one), first, "a second run changes nothing");
        assert_eq!(fs::read_to_string(one.join("keywatch.js")).unwrap(), glue);

        let other = dist("snippets-other", "export class B {}");
        name_by_content(&other.join("snippets"), &other.join("keywatch.js")).unwrap();
        assert_ne!(only_folder(&other), first, "other content, other name");
        let _ = fs::remove_dir_all(one);
        let _ = fs::remove_dir_all(other);
    }

    #[test]
    fn the_crate_part_keeps_dashes_of_its_own() {
        assert_eq!(crate_part("keywatch-a3edde3d5549e49a"), "keywatch");
        assert_eq!(crate_part("key-watch.0123456789abcdef"), "key-watch");
        assert_eq!(crate_part("key-watch"), "key-watch");
        assert_eq!(crate_part("keywatch-0123"), "keywatch-0123");
    }
}
