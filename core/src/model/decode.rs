//! Lenient reading of JSON documents into model types, naming the field that
//! did not fit.
//!
//! Real servers add fields the documentation omits and send numbers as text
//! or text as numbers; the readers here ignore the former and accept both.

use crate::json::{Map, Value};

use super::code::code_text;
use super::text::plain_text;
use super::timestamp::Timestamp;

/// What a field should have held.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    /// A string (a number is accepted and written out).
    Text,
    /// A code: a string or a number.
    Code,
    /// A whole number, written as a number or as text.
    WholeNumber,
    /// `true` or `false`.
    Flag,
    /// A JSON array.
    List,
    /// A JSON object.
    Object,
    /// A JSON array of rows, or a single row.
    ListOrObject,
    /// An RFC 3339 date and time.
    Timestamp,
}

/// Why a field could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeProblem {
    /// The field is absent (or `null`).
    Missing,
    /// The field holds something else.
    NotA(Expected),
}

/// A field that did not fit, named by its path in the document
/// (`resources[1].createdAt`; the empty path is the whole body).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    pub field: String,
    pub problem: DecodeProblem,
}

impl DecodeError {
    pub fn missing(field: impl Into<String>) -> Self {
        DecodeError {
            field: field.into(),
            problem: DecodeProblem::Missing,
        }
    }

    pub fn not_a(field: impl Into<String>, expected: Expected) -> Self {
        DecodeError {
            field: field.into(),
            problem: DecodeProblem::NotA(expected),
        }
    }
}

/// Joins a parent path and a field name: `resources[0]` + `id`.
pub(crate) fn child_path(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_owned()
    } else {
        format!("{parent}.{name}")
    }
}

/// Joins a parent path and a list position: `resources` + 3.
pub(crate) fn index_path(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}

/// The answer's array; an object holding exactly one array under any name
/// is read as that array (IBM's pages say array; servers wrap lists at times).
pub(crate) fn one_list(value: &Value) -> Result<&Vec<Value>, DecodeError> {
    match value {
        Value::Array(list) => Ok(list),
        Value::Object(map) => {
            let mut arrays = map.values().filter_map(Value::as_array);
            match (arrays.next(), arrays.next()) {
                (Some(list), None) => Ok(list),
                _ => Err(DecodeError::not_a("", Expected::List)),
            }
        }
        _ => Err(DecodeError::not_a("", Expected::List)),
    }
}

/// A value a person can read as text: a string (trimmed), a number or a
/// flag; `None` for `null`, lists and objects.
pub(crate) fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Every field of `map` not in `known` whose value reads as text, in the
/// map's order (no promise), for a panel to show what the pages do not name.
pub(crate) fn other_text_fields(map: &Map, known: &[&str]) -> Vec<(String, String)> {
    map.iter()
        .filter(|(name, _)| !known.contains(&name.as_str()))
        .filter_map(|(name, value)| scalar_text(value).map(|text| (name.clone(), text)))
        .collect()
}

/// A flag sent as a JSON boolean or as text (`true`, `yes`, `1` and their
/// opposites, any case); `None` for anything else.
pub(crate) fn lenient_flag(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_i64() {
            Some(0) => Some(false),
            Some(1) => Some(true),
            _ => None,
        },
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" | "y" => Some(true),
            "false" | "no" | "0" | "n" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// A JSON object being read, with its path for error messages.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fields<'a> {
    map: &'a Map,
    path: &'a str,
}

impl<'a> Fields<'a> {
    /// Reads `value` as an object found at `path`.
    pub fn of(value: &'a Value, path: &'a str) -> Result<Self, DecodeError> {
        match value {
            Value::Object(map) => Ok(Fields { map, path }),
            _ => Err(DecodeError::not_a(path, Expected::Object)),
        }
    }

    /// The object itself, for fields read by pattern rather than by name.
    pub fn map(&self) -> &'a Map {
        self.map
    }

    pub fn path_of(&self, name: &str) -> String {
        child_path(self.path, name)
    }

    /// The value under the first of `names` that is present and not `null`.
    fn get_any<'n>(&self, names: &[&'n str]) -> Option<(&'a Value, &'n str)> {
        names.iter().find_map(|name| match self.map.get(name) {
            None | Some(Value::Null) => None,
            Some(value) => Some((value, *name)),
        })
    }

    pub fn get(&self, name: &str) -> Option<&'a Value> {
        self.get_any(&[name]).map(|(value, _)| value)
    }

    pub fn opt_text_any(&self, names: &[&str]) -> Result<Option<String>, DecodeError> {
        match self.get_any(names) {
            None => Ok(None),
            Some((Value::String(s), _)) => Ok(Some(s.clone())),
            Some((Value::Number(n), _)) => Ok(Some(n.to_string())),
            Some((_, name)) => Err(DecodeError::not_a(self.path_of(name), Expected::Text)),
        }
    }

    pub fn opt_text(&self, name: &str) -> Result<Option<String>, DecodeError> {
        self.opt_text_any(&[name])
    }

    pub fn text(&self, name: &str) -> Result<String, DecodeError> {
        self.opt_text(name)?
            .ok_or_else(|| DecodeError::missing(self.path_of(name)))
    }

    /// Free text meant for a person: whitespace collapsed, control characters
    /// removed, length capped. Absent reads as empty.
    pub fn message(&self, name: &str) -> Result<String, DecodeError> {
        Ok(self
            .opt_text(name)?
            .map(|s| plain_text(&s))
            .unwrap_or_default())
    }

    pub fn opt_code(&self, name: &str) -> Result<Option<String>, DecodeError> {
        match self.get(name) {
            None => Ok(None),
            Some(value) => code_text(value)
                .map(Some)
                .ok_or_else(|| DecodeError::not_a(self.path_of(name), Expected::Code)),
        }
    }

    pub fn code(&self, name: &str) -> Result<String, DecodeError> {
        self.opt_code(name)?
            .ok_or_else(|| DecodeError::missing(self.path_of(name)))
    }

    pub fn opt_flag(&self, name: &str) -> Result<Option<bool>, DecodeError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::String(s)) if s.trim().eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(Value::String(s)) if s.trim().eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(_) => Err(DecodeError::not_a(self.path_of(name), Expected::Flag)),
        }
    }

    pub fn opt_whole_number(&self, name: &str) -> Result<Option<u64>, DecodeError> {
        match self.get(name) {
            None => Ok(None),
            Some(value) => code_text(value)
                .and_then(|text| text.parse::<u64>().ok())
                .map(Some)
                .ok_or_else(|| DecodeError::not_a(self.path_of(name), Expected::WholeNumber)),
        }
    }

    /// A list of texts; absent reads as `None`.
    pub fn opt_text_list(&self, name: &str) -> Result<Option<Vec<String>>, DecodeError> {
        let Some(value) = self.get(name) else {
            return Ok(None);
        };
        let Value::Array(items) = value else {
            return Err(DecodeError::not_a(self.path_of(name), Expected::List));
        };
        items
            .iter()
            .enumerate()
            .map(|(index, item)| match item {
                Value::String(s) => Ok(s.clone()),
                Value::Number(n) => Ok(n.to_string()),
                _ => Err(DecodeError::not_a(
                    index_path(&self.path_of(name), index),
                    Expected::Text,
                )),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// A timestamp; absent, `null` and Go's zero time (`0001-01-01T00:00:00Z`)
    /// read as `None`.
    pub fn opt_timestamp(&self, name: &str) -> Result<Option<Timestamp>, DecodeError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => match Timestamp::parse(s) {
                Some(ts) if ts.is_go_zero_time() => Ok(None),
                Some(ts) => Ok(Some(ts)),
                None => Err(DecodeError::not_a(self.path_of(name), Expected::Timestamp)),
            },
            Some(_) => Err(DecodeError::not_a(self.path_of(name), Expected::Timestamp)),
        }
    }

    pub fn timestamp(&self, name: &str) -> Result<Timestamp, DecodeError> {
        self.opt_timestamp(name)?
            .ok_or_else(|| DecodeError::missing(self.path_of(name)))
    }

    /// A nested object; absent reads as `None`.
    pub fn opt_object(&self, name: &str) -> Result<Option<&'a Map>, DecodeError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(map)),
            Some(_) => Err(DecodeError::not_a(self.path_of(name), Expected::Object)),
        }
    }

    /// A nested array; absent reads as `None`.
    pub fn opt_list(&self, name: &str) -> Result<Option<&'a Vec<Value>>, DecodeError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Array(items)) => Ok(Some(items)),
            Some(_) => Err(DecodeError::not_a(self.path_of(name), Expected::List)),
        }
    }
}
