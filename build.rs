//! The panel's stylesheet travels inside the wasm: it is written there
//! without comments and without the whitespace the browser does not need
//! (about 700 B gzip less). Quoted text is kept as written.

use std::path::Path;

fn main() {
    let source = "src/embed/keywatch.css";
    println!("cargo:rerun-if-changed={source}");
    println!("cargo:rerun-if-changed=src/embed/minify_css.rs");
    let css = std::fs::read_to_string(source).expect("src/embed/keywatch.css is readable");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(
        Path::new(&out).join("keywatch.min.css"),
        minify_css::minify(&css),
    )
    .expect("OUT_DIR is writable");
}

#[path = "src/embed/minify_css.rs"]
mod minify_css;
