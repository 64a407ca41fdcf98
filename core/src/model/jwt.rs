//! When a JSON Web Token expires, read from its `exp` claim without
//! checking its signature: only to know when to ask for a fresh one.

/// The `exp` claim (seconds since the epoch), if the token is a JWT that has one.
pub fn expires_at_s(token: &str) -> Option<f64> {
    let payload = token.split('.').nth(1)?;
    // Read as a `Value`, which the API layer decodes with already: a claims
    // struct of its own would add a second JSON decoder to the bundle...
    // From text, as the API layer reads: from bytes would be a third.
    let bytes = base64url(payload)?;
    let claims = crate::json::from_str(std::str::from_utf8(&bytes).ok()?).ok()?;
    claims
        .get("exp")?
        .as_f64()
        .filter(|e| e.is_finite() && *e > 0.0)
}

/// Seconds left before the token expires, at `now_s`; `None` for a token
/// that does not say.
pub fn lifetime_s(token: &str, now_s: f64) -> Option<u64> {
    let left = expires_at_s(token)? - now_s;
    // Saturating: a token already expired has no time left.
    Some(if left > 0.0 { left as u64 } else { 0 })
}

fn base64url(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes().take_while(|&c| c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    // {"alg":"HS256","typ":"JWT"} . {"sub":"kw","exp":1700000300} . signature
    const TOKEN: &str =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJrdyIsImV4cCI6MTcwMDAwMDMwMH0.c2ln";

    #[test]
    fn reads_the_expiry_of_a_jwt() {
        assert_eq!(expires_at_s(TOKEN), Some(1_700_000_300.0));
        assert_eq!(lifetime_s(TOKEN, 1_700_000_000.0), Some(300));
        assert_eq!(lifetime_s(TOKEN, 1_800_000_000.0), Some(0));
    }

    #[test]
    fn anything_else_says_nothing() {
        for token in [
            "",
            "opaque-session-id",
            "a.b.c",
            "a.!!!.c",
            "eyJhbGciOiJub25lIn0.eyJzdWIiOiJrdyJ9.", // no exp
            "x.eyJleHAiOiJzb29uIn0.y",               // {"exp":"soon"}
        ] {
            assert_eq!(expires_at_s(token), None, "{token}");
        }
    }

    #[test]
    fn decodes_base64url_with_and_without_padding() {
        assert_eq!(base64url("aGk").unwrap(), b"hi");
        assert_eq!(base64url("aGk=").unwrap(), b"hi");
        assert_eq!(base64url("-_8").unwrap(), [0xfb, 0xff]);
    }
}
