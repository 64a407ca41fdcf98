//! JSON as the readers need it: a small strict parser into a [`Value`] tree,
//! string quoting, and [`JsonObject`] for the few objects written (request
//! bodies, what the widget tells its host).
//!
//! Why not serde_json: the readers only walk a tree. serde_json's generic
//! deserializer, its error texts, its float tables and its map (an
//! `IndexMap` hashed with SipHash at every field looked up) cost the bundle
//! about 10 KB gzip and a long page most of its reading time. Here an
//! object is its fields in the order sent, looked up by comparing names
//! (a job has about twenty), and a number is kept as written, so that a
//! code or a region's number is shown exactly as the server sent it and no
//! float formatting is needed.
//!
//! What it accepts is RFC 8259 JSON: one value, whitespace around it, no
//! trailing commas, no comments, no control characters inside strings, no
//! lone surrogates in `\u` escapes, nesting at most [`MAX_DEPTH`] deep. A
//! name sent twice in one object is kept twice; [`Map::get`] gives the last
//! one, as serde_json did.

use std::fmt;

/// How deep arrays and objects may nest: deeper is refused, not a stack
/// overflow (serde_json's limit too).
pub const MAX_DEPTH: usize = 128;

/// A JSON value.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Value>),
    Object(Map),
}

/// A number, kept as the text the server wrote (already checked to be a
/// JSON number). Two numbers are equal when they are the same number,
/// however written (`7`, `7.0`, `0.7e1`), within [`Number::as_f64`]'s
/// rounding for fractions (two ulps).
#[derive(Clone, Debug)]
pub struct Number(Box<str>);

/// An object's fields in the order sent. Two objects are equal when they
/// have the same names with equal values, in any order (a name sent twice
/// counting as its last value).
#[derive(Clone, Debug, Default)]
pub struct Map(Vec<(String, Value)>);

impl PartialEq for Number {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
            || match (self.as_i64(), other.as_i64()) {
                (Some(a), Some(b)) => a == b,
                _ => match (self.as_f64(), other.as_f64()) {
                    // Each reads within an ulp of the value it was written for.
                    (Some(a), Some(b)) => a == b || ordered(a).abs_diff(ordered(b)) <= 2,
                    _ => false,
                },
            }
    }
}

/// An `f64`'s place in the order of all of them: neighbours differ by one,
/// across zero and into the subnormals alike.
fn ordered(value: f64) -> i64 {
    let bits = value.to_bits() as i64;
    if bits < 0 {
        i64::MIN - bits
    } else {
        bits
    }
}

impl PartialEq for Map {
    fn eq(&self, other: &Self) -> bool {
        // As a reader sees them: a name sent twice counts once, as its last.
        self.keys().all(|key| other.get(key) == self.get(key))
            && other.keys().all(|key| self.get(key) == other.get(key))
    }
}

/// Why a text is not JSON, and where (1-based line and column, in bytes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub line: usize,
    pub column: usize,
    pub reason: &'static str,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at line {} column {}",
            self.reason, self.line, self.column
        )
    }
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(map) => Some(map),
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => n.as_f64(),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// A field of an object; `None` for a value that is not one.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.as_object()?.get(name)
    }
}

impl Number {
    /// The number as the server wrote it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A whole number written without fraction or exponent, that fits.
    pub fn as_u64(&self) -> Option<u64> {
        self.0.parse().ok()
    }

    /// A whole number written without fraction or exponent, that fits.
    pub fn as_i64(&self) -> Option<i64> {
        self.0.parse().ok()
    }

    /// The number's value, near enough for a claim or a setting (the
    /// nearest `f64` or one next to it; whole numbers up to 2^53 exactly).
    /// Read by hand: Rust's exact float parsing would cost the bundle its
    /// tables for what is, here, a token's expiry.
    pub fn as_f64(&self) -> Option<f64> {
        let text = &*self.0;
        let (negative, text) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (mantissa, mut scale) = match text.split_once(['e', 'E']) {
            Some((mantissa, exponent)) => {
                let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
                let far = if exponent.starts_with('-') {
                    -10_000
                } else {
                    10_000
                };
                (
                    mantissa,
                    exponent
                        .parse::<i64>()
                        .unwrap_or(far)
                        .clamp(-10_000, 10_000),
                )
            }
            None => (text, 0),
        };
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        // The first 19 significant digits fit a u64; the rest only move the point.
        let (mut digits, mut significant) = (0u64, 0);
        for (i, c) in whole.bytes().chain(fraction.bytes()).enumerate() {
            let in_fraction = i >= whole.len();
            if significant < 19 {
                digits = digits * 10 + u64::from(c.wrapping_sub(b'0') % 10);
                if digits != 0 {
                    significant += 1;
                }
                scale -= i64::from(in_fraction);
            } else {
                scale += i64::from(!in_fraction);
            }
        }
        let value = if digits == 0 {
            0.0
        } else {
            scaled(digits, scale)
        };
        Some(if negative { -value } else { value })
    }
}

/// `digits × 10^scale` as the nearest `f64`, or one next to it.
///
/// The value is carried as a 64-bit mantissa with its top bit set and a
/// power of two; each step by ten truncates below the 63rd bit, so even
/// the 400 steps of the extreme exponents stay within half an ulp before
/// the one rounding to 53 bits (and a second for a subnormal result).
fn scaled(digits: u64, scale: i64) -> f64 {
    let shift = digits.leading_zeros();
    let (mut mantissa, mut power) = (digits << shift, -i64::from(shift));
    for _ in 0..scale.clamp(0, 400) {
        let product = u128::from(mantissa) * 10;
        let over = 64 - product.leading_zeros();
        mantissa = (product >> over) as u64;
        power += i64::from(over);
    }
    for _ in 0..(-scale).clamp(0, 400) {
        // A tenth is four fifths of an eighth: 0xCCCC…CD / 2^64 is 0.8.
        let product = u128::from(mantissa) * 0xCCCC_CCCC_CCCC_CCCD;
        let under = product.leading_zeros();
        mantissa = ((product << under) >> 64) as u64;
        power -= 3 + i64::from(under);
    }
    let mut value = mantissa as f64;
    while power != 0 {
        let step = power.clamp(-1000, 1000);
        // 2^step, exactly: a biased exponent with an empty fraction.
        value *= f64::from_bits(((step + 1023) as u64) << 52);
        power -= step;
    }
    value
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Map {
    pub fn new() -> Self {
        Map(Vec::new())
    }

    /// The value of the last field named `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value)
    }

    /// Sets a field: replaces the value of one already there, else adds it
    /// at the end.
    pub fn insert(&mut self, name: String, value: Value) {
        match self.0.iter_mut().rev().find(|(key, _)| *key == name) {
            Some((_, old)) => *old = value,
            None => self.0.push((name, value)),
        }
    }

    pub fn iter(&self) -> <&Map as IntoIterator>::IntoIter {
        self.into_iter()
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(key, _)| key)
    }

    pub fn values(&self) -> impl Iterator<Item = &Value> {
        self.0.iter().map(|(_, value)| value)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl IntoIterator for Map {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a String, &'a Value);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, Value)>,
        fn(&'a (String, Value)) -> (&'a String, &'a Value),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(key, value)| (key, value))
    }
}

/// Parses `text` as exactly one JSON value.
pub fn from_str(text: &str) -> Result<Value, Error> {
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        at: 0,
        depth: 0,
    };
    parser.skip_space();
    let value = parser.value()?;
    parser.skip_space();
    if parser.at < parser.bytes.len() {
        return Err(parser.error("trailing characters"));
    }
    Ok(value)
}

struct Parser<'t> {
    text: &'t str,
    bytes: &'t [u8],
    at: usize,
    depth: usize,
}

impl Parser<'_> {
    fn error(&self, reason: &'static str) -> Error {
        let before = self.bytes.get(..self.at).unwrap_or(self.bytes);
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let column = 1 + before.iter().rev().take_while(|&&b| b != b'\n').count();
        Error {
            line,
            column,
            reason,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn value(&mut self) -> Result<Value, Error> {
        match self.peek() {
            None => Err(self.error("EOF while parsing a value")),
            Some(b'"') => self.string().map(Value::String),
            Some(b'{') => self.nested(Self::object),
            Some(b'[') => self.nested(Self::array),
            Some(b't') => self.word("true", Value::Bool(true)),
            Some(b'f') => self.word("false", Value::Bool(false)),
            Some(b'n') => self.word("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("expected value")),
        }
    }

    fn nested(&mut self, read: fn(&mut Self) -> Result<Value, Error>) -> Result<Value, Error> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error("recursion limit exceeded"));
        }
        self.depth += 1;
        self.at += 1;
        let value = read(self);
        self.depth -= 1;
        value
    }

    fn word(&mut self, word: &str, value: Value) -> Result<Value, Error> {
        if self
            .bytes
            .get(self.at..)
            .is_some_and(|rest| rest.starts_with(word.as_bytes()))
        {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.error("expected value"))
        }
    }

    fn digits(&mut self) -> usize {
        let from = self.at;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
        self.at - from
    }

    fn number(&mut self) -> Result<Value, Error> {
        let from = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.error("invalid number")),
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if self.digits() == 0 {
                return Err(self.error("invalid number"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if self.digits() == 0 {
                return Err(self.error("invalid number"));
            }
        }
        let text = self.text.get(from..self.at).unwrap_or_default();
        Ok(Value::Number(Number(text.into())))
    }

    fn array(&mut self) -> Result<Value, Error> {
        let mut items = Vec::new();
        self.skip_space();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_space();
            items.push(self.value()?);
            self.skip_space();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(Value::Array(items));
                }
                None => return Err(self.error("EOF while parsing a list")),
                Some(_) => return Err(self.error("expected `,` or `]`")),
            }
        }
    }

    fn object(&mut self) -> Result<Value, Error> {
        let mut fields = Vec::new();
        self.skip_space();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(Value::Object(Map(fields)));
        }
        loop {
            self.skip_space();
            if self.peek() != Some(b'"') {
                return Err(self.error("key must be a string"));
            }
            let key = self.string()?;
            self.skip_space();
            if self.peek() != Some(b':') {
                return Err(self.error("expected `:`"));
            }
            self.at += 1;
            self.skip_space();
            let value = self.value()?;
            fields.push((key, value));
            self.skip_space();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Value::Object(Map(fields)));
                }
                None => return Err(self.error("EOF while parsing an object")),
                Some(_) => return Err(self.error("expected `,` or `}`")),
            }
        }
    }

    /// The string whose opening quote is at `at`.
    fn string(&mut self) -> Result<String, Error> {
        self.at += 1;
        let mut out = String::new();
        loop {
            let from = self.at;
            while matches!(self.peek(), Some(b) if b != b'"' && b != b'\\' && b >= 0x20) {
                self.at += 1;
            }
            // Quotes, backslashes and control characters are ASCII: the run
            // ends on a character boundary.
            out.push_str(self.text.get(from..self.at).unwrap_or_default());
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    self.escape(&mut out)?;
                }
                None => return Err(self.error("EOF while parsing a string")),
                Some(_) => return Err(self.error("control character in a string")),
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), Error> {
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.at += 1;
                let first = self.hex4()?;
                let code = match first {
                    0xD800..=0xDBFF => {
                        if self.bytes.get(self.at..self.at + 2) != Some(b"\\u") {
                            return Err(self.error("lone leading surrogate"));
                        }
                        self.at += 2;
                        let second = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&second) {
                            return Err(self.error("lone leading surrogate"));
                        }
                        0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                    }
                    0xDC00..=0xDFFF => return Err(self.error("lone trailing surrogate")),
                    _ => first,
                };
                out.push(char::from_u32(code).ok_or_else(|| self.error("invalid escape"))?);
                return Ok(());
            }
            _ => return Err(self.error("invalid escape")),
        };
        self.at += 1;
        out.push(c);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, Error> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = self
                .peek()
                .and_then(|b| char::from(b).to_digit(16))
                .ok_or_else(|| self.error("invalid escape"))?;
            code = code * 16 + digit;
            self.at += 1;
        }
        Ok(code)
    }
}

/// Appends `text` as a JSON string, quoted and escaped.
pub fn push_quoted(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let n = u32::from(c) as usize;
                out.push_str("\\u00");
                out.push(char::from(HEX.get(n >> 4).copied().unwrap_or(b'0')));
                out.push(char::from(HEX.get(n & 15).copied().unwrap_or(b'0')));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A JSON object written field by field: request bodies, and what the
/// widget tells its host.
#[derive(Default)]
pub struct JsonObject(String);

impl JsonObject {
    pub fn text(self, name: &str, value: &str) -> Self {
        self.raw(name, &quoted(value))
    }

    pub fn flag(self, name: &str, value: bool) -> Self {
        self.raw(name, if value { "true" } else { "false" })
    }

    pub fn number(self, name: &str, value: u64) -> Self {
        self.raw(name, &value.to_string())
    }

    /// Text, or `null`.
    pub fn opt_text(self, name: &str, value: Option<&str>) -> Self {
        match value {
            Some(value) => self.text(name, value),
            None => self.raw(name, "null"),
        }
    }

    /// true/false, or `null`.
    pub fn opt_flag(self, name: &str, value: Option<bool>) -> Self {
        match value {
            Some(value) => self.flag(name, value),
            None => self.raw(name, "null"),
        }
    }

    /// A whole number, or `null`.
    pub fn opt_number(self, name: &str, value: Option<u64>) -> Self {
        match value {
            Some(value) => self.number(name, value),
            None => self.raw(name, "null"),
        }
    }

    /// A field whose value is JSON text already.
    pub fn raw(mut self, name: &str, json: &str) -> Self {
        self.0.push(if self.0.is_empty() { '{' } else { ',' });
        push_quoted(&mut self.0, name);
        self.0.push(':');
        self.0.push_str(json);
        self
    }

    pub fn end(mut self) -> String {
        if self.0.is_empty() {
            self.0.push('{');
        }
        self.0.push('}');
        self.0
    }
}

/// `text` as a JSON string.
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    push_quoted(&mut out, text);
    out
}

impl fmt::Display for Value {
    /// Compact JSON text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => f.write_str(if *b { "true" } else { "false" }),
            Value::Number(n) => f.write_str(n.as_str()),
            Value::String(s) => f.write_str(&quoted(s)),
            Value::Array(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    item.fmt(f)?;
                }
                f.write_str("]")
            }
            Value::Object(map) => {
                f.write_str("{")?;
                for (i, (key, value)) in map.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    f.write_str(&quoted(key))?;
                    f.write_str(":")?;
                    value.fmt(f)?;
                }
                f.write_str("}")
            }
        }
    }
}

/// The tests' values, written with serde_json's `json!` and turned into
/// this crate's tree.
#[cfg(test)]
impl From<serde_json::Value> for Value {
    fn from(value: serde_json::Value) -> Self {
        match value {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => Value::Number(Number(n.to_string().into())),
            serde_json::Value::String(s) => Value::String(s),
            serde_json::Value::Array(items) => {
                Value::Array(items.into_iter().map(Value::from).collect())
            }
            serde_json::Value::Object(map) => Value::Object(Map(map
                .into_iter()
                .map(|(key, value)| (key, Value::from(value)))
                .collect())),
        }
    }
}

/// So that a test's `json!` may hold values of this crate's.
#[cfg(test)]
impl serde::Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = self.to_string();
        serde_json::from_str::<serde_json::Value>(&text)
            .map_err(serde::ser::Error::custom)?
            .serialize(serializer)
    }
}

/// `json!` as serde_json writes it, giving this crate's [`Value`].
#[cfg(test)]
macro_rules! json {
    ($($tt:tt)+) => {
        $crate::json::Value::from(::serde_json::json!($($tt)+))
    };
}
#[cfg(test)]
pub(crate) use json;

#[cfg(test)]
mod tests {
    use super::{from_str, quoted, Number, Value, MAX_DEPTH};

    #[test]
    fn reads_what_serde_json_reads_and_refuses_what_it_refuses() {
        let texts = [
            r#"{"a":1,"b":[true,false,null],"c":{"d":"e"},"f":-0.5e+3}"#,
            r#" [ 1 , 2 ] "#,
            r#""\u00e9\ud83d\ude00\n\"\\\/""#,
            "0",
            "-0",
            r#"{"a":1,"a":2}"#,
            "",
            " ",
            "[1,]",
            "{\"a\":1,}",
            "01",
            "1.",
            ".5",
            "-",
            "+1",
            "1e",
            "[1 2]",
            "{\"a\" 1}",
            "{1:2}",
            "\"a\u{1}b\"",
            r#""\ud800""#,
            r#""\udc00""#,
            r#""\ud800\u0041""#,
            r#""\x""#,
            r#""\u12""#,
            "tru",
            "nul",
            "[]]",
            "{} x",
            "\u{feff}{}",
            "[\"é\",\"日本\"]",
        ];
        for text in texts {
            let ours = from_str(text);
            let theirs = serde_json::from_str::<serde_json::Value>(text);
            assert_eq!(ours.is_ok(), theirs.is_ok(), "{text:?}: {ours:?}");
            if let (Ok(ours), Ok(theirs)) = (ours, theirs) {
                assert_eq!(ours, Value::from(theirs.clone()), "{text:?}");
            }
        }
    }

    #[test]
    fn numbers_keep_their_text_and_read_as_numbers() {
        let value = from_str(r#"[7, 7.0, -12, 18446744073709551615, 1.5e3, 2.5, 1e-3]"#).unwrap();
        let items = value.as_array().unwrap();
        assert_eq!(items.len(), 7);
        let texts: Vec<String> = items.iter().map(|v| v.to_string()).collect();
        assert_eq!(
            texts,
            [
                "7",
                "7.0",
                "-12",
                "18446744073709551615",
                "1.5e3",
                "2.5",
                "1e-3"
            ]
        );
        assert_eq!(items[0].as_u64(), Some(7));
        assert_eq!(items[1].as_u64(), None);
        assert_eq!(items[2].as_i64(), Some(-12));
        assert_eq!(items[3].as_u64(), Some(u64::MAX));
        assert_eq!(items[4].as_f64(), Some(1500.0));
        assert_eq!(items[5].as_f64(), Some(2.5));
        assert!((items[6].as_f64().unwrap() - 0.001).abs() < 1e-18);
        assert_eq!(from_str("1700000000").unwrap().as_f64(), Some(1.7e9));
        assert_eq!(
            from_str("9007199254740993").unwrap().as_f64(),
            Some(9007199254740992.0)
        );
        assert_eq!(from_str("-0.0").unwrap().as_f64(), Some(-0.0));
        assert_eq!(from_str("1e999").unwrap().as_f64(), Some(f64::INFINITY));
        assert_eq!(from_str("1e-999").unwrap().as_f64(), Some(0.0));
        let long = from_str("123456789012345678901234")
            .unwrap()
            .as_f64()
            .unwrap();
        assert!((long / 1.2345678901234568e23 - 1.0).abs() < 1e-15, "{long}");
        assert_eq!(from_str("0.000123").unwrap().as_f64(), Some(0.000123));
    }

    /// Exact values, against Rust's own correctly rounded parse.
    fn ulps_apart(text: &str) -> u64 {
        let ours = Number(text.into()).as_f64().unwrap();
        let exact: f64 = text.parse().unwrap();
        super::ordered(ours).abs_diff(super::ordered(exact))
    }

    #[test]
    fn fractions_read_within_an_ulp_even_at_the_ends_of_the_range() {
        for text in [
            "1.59905581205546e-309",
            "-1.599055812055462e-309",
            "2.2386230828628255e-74",
            "1.884041104588576e-308",
            "7.409483554687279e-299",
            "1.9282393849127514e-208",
            "5e-324",
            "2.2250738585072014e-308",
            "1.7976931348623157e308",
            "0.1",
            "123456789.987654321e-7",
        ] {
            assert!(ulps_apart(text) <= 1, "{text}: {} ulps", ulps_apart(text));
        }
        assert_eq!(
            Number("1.59905581205546e-309".into()),
            Number("1.599055812055462e-309".into())
        );
        assert_ne!(Number("5e-324".into()), Number("2e-323".into()));
        assert_ne!(Number("0.1".into()), Number("0.10000000000000006".into()));
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]

        /// Any `f64`, as Rust and serde_json write it, reads back within an ulp.
        #[test]
        fn any_f64_as_written_reads_back_within_an_ulp(bits in proptest::prelude::any::<u64>()) {
            let value = f64::from_bits(bits);
            proptest::prop_assume!(value.is_finite());
            for text in [format!("{value:?}"), format!("{value:e}"), serde_json::to_string(&value).unwrap()] {
                proptest::prop_assert!(ulps_apart(&text) <= 1, "{}: {} ulps", text, ulps_apart(&text));
            }
        }

        /// Any decimal text, of any length and exponent, likewise.
        #[test]
        fn any_decimal_text_reads_within_an_ulp(text in "-?(0|[1-9][0-9]{0,25})(\\.[0-9]{1,25})?([eE][+-]?[0-9]{1,3})?") {
            proptest::prop_assert!(ulps_apart(&text) <= 1, "{}: {} ulps", text, ulps_apart(&text));
        }
    }

    #[test]
    fn a_number_beyond_f64_is_kept_as_written() {
        // serde_json refuses it ("number out of range"); as text it is harmless.
        let value = from_str("[1E400]").unwrap();
        assert_eq!(value.to_string(), "[1E400]");
        assert_eq!(value.as_array().unwrap()[0].as_f64(), Some(f64::INFINITY));
    }

    #[test]
    fn a_name_sent_twice_reads_as_its_last_value() {
        let value = from_str(r#"{"a":1,"b":2,"a":3}"#).unwrap();
        assert_eq!(value.get("a").and_then(Value::as_u64), Some(3));
        assert_eq!(value.get("b").and_then(Value::as_u64), Some(2));
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(from_str(&ok).is_ok());
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert_eq!(
            from_str(&deep).unwrap_err().reason,
            "recursion limit exceeded"
        );
        assert!(from_str(&"[".repeat(100_000)).is_err());
    }

    #[test]
    fn errors_say_where() {
        let err = from_str("{\n  \"a\": tru\n}").unwrap_err();
        assert_eq!((err.line, err.column), (2, 8));
        assert_eq!(err.to_string(), "expected value at line 2 column 8");
    }

    #[test]
    fn quoting_reads_back_as_the_same_text() {
        for text in [
            "",
            "plain",
            "a\"b\\c",
            "line\nbreak\ttab\r",
            "\u{1}\u{1f}",
            "é 日本 😀",
        ] {
            let json = quoted(text);
            assert_eq!(serde_json::from_str::<String>(&json).unwrap(), text);
            assert_eq!(from_str(&json).unwrap(), Value::String(text.to_owned()));
        }
    }

    #[test]
    fn a_body_is_a_json_object_with_each_text_escaped() {
        let body = super::JsonObject::default()
            .text("userid", "kw\"demo")
            .text("password", "pa\\ss\nword ü")
            .flag("renew_refresh_token", true)
            .flag("off", false)
            .end();
        let read: serde_json::Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(
            read,
            serde_json::json!({
                "userid": "kw\"demo",
                "password": "pa\\ss\nword ü",
                "renew_refresh_token": true,
                "off": false
            })
        );
        assert_eq!(super::JsonObject::default().end(), "{}");
    }

    #[test]
    fn an_object_written_field_by_field_reads_back() {
        let text = super::JsonObject::default()
            .text("a\"b", "x\ny")
            .flag("on", true)
            .number("n", u64::MAX)
            .opt_text("t", None)
            .opt_flag("f", Some(false))
            .opt_number("m", None)
            .raw("o", &super::JsonObject::default().end())
            .end();
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            serde_json::json!({"a\"b": "x\ny", "on": true, "n": u64::MAX,
                "t": null, "f": false, "m": null, "o": {}})
        );
    }

    #[test]
    fn written_values_read_back_the_same() {
        let text = r#"{"a":[1,"x",{"b":null}],"c":true,"d":-2.5e-3}"#;
        let value = from_str(text).unwrap();
        assert_eq!(value.to_string(), text);
    }
}
