//! Percent-encoding for URL path segments and query values, by hand to keep
//! URL crates out of the WebAssembly bundle.

/// Percent-encodes `text` for one URL path segment or query value: everything
/// but RFC 3986 unreserved characters (`A–Z a–z 0–9 - . _ ~`) is encoded as
/// UTF-8 bytes.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(hex_digit(byte >> 4));
            out.push(hex_digit(byte & 0x0f));
        }
    }
    out
}

/// The upper-case hex digit of a value below 16.
fn hex_digit(nibble: u8) -> char {
    char::from_digit(u32::from(nibble), 16)
        .map(|c| c.to_ascii_uppercase())
        .unwrap_or('0')
}
