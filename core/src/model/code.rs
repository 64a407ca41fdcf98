//! Codes that servers send as text (`"code":"0"`) or as numbers (`"code":0`).

use crate::json::Value;

/// The text of a code given as a string or a number; `None` for anything else.
///
/// Surrounding whitespace is dropped, and a number with no fractional part is
/// written without one (`7.0` reads as `"7"`), so that `"7"`, `7` and `7.0`
/// mean the same code.
pub fn code_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Some(i.to_string())
            } else if let Some(u) = n.as_u64() {
                Some(u.to_string())
            } else {
                match n.as_f64() {
                    Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                        Some(format!("{}", f as i64))
                    }
                    _ => Some(n.to_string()),
                }
            }
        }
        _ => None,
    }
}

/// The code as a whole number, when it is one (`"-1"`, `"+2"`, `"07"`).
pub fn code_number(code: &str) -> Option<i64> {
    code.trim().parse::<i64>().ok()
}

#[cfg(test)]
mod tests {
    use super::{code_number, code_text};
    use crate::json::json;

    #[test]
    fn strings_and_numbers_give_the_same_code() {
        assert_eq!(code_text(&json!("0")), Some("0".to_owned()));
        assert_eq!(code_text(&json!(0)), Some("0".to_owned()));
        assert_eq!(code_text(&json!(-1)), Some("-1".to_owned()));
        assert_eq!(code_text(&json!(7.0)), Some("7".to_owned()));
        assert_eq!(code_text(&json!(" 2 ")), Some("2".to_owned()));
        assert_eq!(code_text(&json!(u64::MAX)), Some(u64::MAX.to_string()));
        assert_eq!(code_text(&json!(1.5)), Some("1.5".to_owned()));
        assert_eq!(
            code_text(&json!("CTGKM6004E")),
            Some("CTGKM6004E".to_owned())
        );
    }

    #[test]
    fn other_json_is_not_a_code() {
        for value in [json!(null), json!(true), json!([]), json!({})] {
            assert_eq!(code_text(&value), None, "{value}");
        }
    }

    #[test]
    fn numeric_codes_parse() {
        assert_eq!(code_number("-1"), Some(-1));
        assert_eq!(code_number("+2"), Some(2));
        assert_eq!(code_number("07"), Some(7));
        assert_eq!(code_number("CTGKM6004E"), None);
        assert_eq!(code_number(""), None);
    }
}
