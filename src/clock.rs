//! The time of day, from the browser's clock (the system clock natively).

/// `HH:MM:SS` in the browser's local time zone, for "checked at".
pub fn clock_time(at_ms: f64) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at_ms));
        format!(
            "{:02}:{:02}:{:02}",
            d.get_hours(),
            d.get_minutes(),
            d.get_seconds()
        )
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let secs = (at_ms / 1000.0).max(0.0) as u64 % 86_400;
        format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
    }
}

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or(0.0)
    }
}

/// The unit and count a relative time is said in: seconds under a minute,
/// minutes under an hour, hours under a day, then days. Pure, so tested natively.
pub fn age_parts(age_ms: f64) -> (f64, &'static str) {
    let secs = (age_ms / 1000.0).max(0.0).floor();
    if secs < 60.0 {
        (secs, "second")
    } else if secs < 3600.0 {
        ((secs / 60.0).floor(), "minute")
    } else if secs < 86_400.0 {
        ((secs / 3600.0).floor(), "hour")
    } else {
        ((secs / 86_400.0).floor(), "day")
    }
}

/// "12 sec. ago", "vor 3 Min.": how long ago `at_ms` was, said by the
/// browser's `Intl.RelativeTimeFormat` in `lang`.
pub fn time_ago(at_ms: f64, now_ms: f64, lang: crate::lang::Language) -> String {
    let (count, unit) = age_parts(now_ms - at_ms);
    relative(count, unit, lang)
}

/// An age counted in hours up to three days ("26 hr. ago"), in minutes
/// under an hour and in days beyond: a backup's age against a limit in hours.
pub fn hours_ago(at_ms: f64, now_ms: f64, lang: crate::lang::Language) -> String {
    let age_ms = (now_ms - at_ms).max(0.0);
    let hours = (age_ms / 3_600_000.0).floor();
    let (count, unit) = if hours < 1.0 {
        ((age_ms / 60_000.0).floor(), "minute")
    } else if hours < 72.0 {
        (hours, "hour")
    } else {
        ((hours / 24.0).floor(), "day")
    };
    relative(count, unit, lang)
}

fn relative(count: f64, unit: &str, lang: crate::lang::Language) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let format = formatter(lang, Style::Relative);
        let format =
            wasm_bindgen::JsCast::unchecked_into::<js_sys::Intl::RelativeTimeFormat>(format);
        String::from(format.format(-count, unit))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = lang;
        format!("{count} {unit}s ago")
    }
}

/// The browser's formatters the panel uses.
#[cfg(target_arch = "wasm32")]
#[derive(Clone, Copy, PartialEq)]
enum Style {
    /// A short date and the time with seconds, for a table cell.
    Short,
    /// A medium date and the time with seconds, for a tooltip.
    Full,
    /// "3 hr. ago".
    Relative,
}

/// The formatter for `lang` in `style`: a date format's bound `format`
/// function, or a `RelativeTimeFormat`. Making one costs 0.2 to 2 ms (the
/// page's first, 20 to 60 ms); a card's clock ticks every second, so each
/// is made once and kept.
#[cfg(target_arch = "wasm32")]
fn formatter(lang: crate::lang::Language, style: Style) -> wasm_bindgen::JsValue {
    use wasm_bindgen::JsValue;
    thread_local! {
        static MADE: std::cell::RefCell<Vec<(crate::lang::Language, Style, JsValue)>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }
    MADE.with(|made| {
        let mut made = made.borrow_mut();
        if let Some((_, _, f)) = made.iter().find(|(l, s, _)| *l == lang && *s == style) {
            return f.clone();
        }
        let locales = js_sys::Array::of1(&JsValue::from_str(lang.tag()));
        let options = js_sys::Object::new();
        let set = |key: &str, value: &str| {
            let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
        };
        let f: JsValue = match style {
            Style::Relative => {
                set("style", "short");
                set("numeric", "always");
                js_sys::Intl::RelativeTimeFormat::new(&locales, &options).into()
            }
            Style::Short | Style::Full => {
                let date = if style == Style::Short {
                    "short"
                } else {
                    "medium"
                };
                set("dateStyle", date);
                set("timeStyle", "medium");
                js_sys::Intl::DateTimeFormat::new(&locales, &options)
                    .format()
                    .into()
            }
        };
        made.push((lang, style, f.clone()));
        f
    })
}

/// `at_ms` through the date format `style` for `lang`.
#[cfg(target_arch = "wasm32")]
fn format_date(at_ms: f64, lang: crate::lang::Language, style: Style) -> String {
    use wasm_bindgen::{JsCast, JsValue};
    let date = js_sys::Date::new(&JsValue::from_f64(at_ms));
    formatter(lang, style)
        .unchecked_into::<js_sys::Function>()
        .call1(&JsValue::NULL, &date)
        .ok()
        .and_then(|v| v.dyn_into::<js_sys::JsString>().ok())
        .map(String::from)
        .unwrap_or_default()
}

/// The date and time in full, in `lang`, for a tooltip.
pub fn exact_time(at_ms: f64, lang: crate::lang::Language) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        format_date(at_ms, lang, Style::Full)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = lang;
        clock_time(at_ms)
    }
}

/// A date and time for a table cell, in `lang`: short date, seconds.
pub fn short_time(at_ms: f64, lang: crate::lang::Language) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        format_date(at_ms, lang, Style::Short)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = lang;
        clock_time(at_ms)
    }
}

/// `42 s`, `3 min 05 s`, `2 h 07 min`, `3 d 04 h`: a duration in its two
/// largest units; the same in English and German.
pub fn duration_text(secs: u64) -> String {
    let (d, h, m, s) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    if d > 0 {
        format!("{d} d {h:02} h")
    } else if h > 0 {
        format!("{h} h {m:02} min")
    } else if m > 0 {
        format!("{m} min {s:02} s")
    } else {
        format!("{s} s")
    }
}

/// `2026-11-22T17:58:18.000Z`, for a `<time datetime>`.
pub fn iso_time(at_ms: f64) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        String::from(js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at_ms)).to_iso_string())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        format!("{at_ms}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_use_their_two_largest_units() {
        assert_eq!(duration_text(0), "0 s");
        assert_eq!(duration_text(42), "42 s");
        assert_eq!(duration_text(185), "3 min 05 s");
        assert_eq!(duration_text(7_620), "2 h 07 min");
        assert_eq!(duration_text(273_600), "3 d 04 h");
    }

    #[test]
    fn ages_are_said_in_the_largest_whole_unit() {
        assert_eq!(age_parts(0.0), (0.0, "second"));
        assert_eq!(age_parts(-5_000.0), (0.0, "second"));
        assert_eq!(age_parts(12_900.0), (12.0, "second"));
        assert_eq!(age_parts(59_999.0), (59.0, "second"));
        assert_eq!(age_parts(60_000.0), (1.0, "minute"));
        assert_eq!(age_parts(3.0 * 60_000.0 + 59_000.0), (3.0, "minute"));
        assert_eq!(age_parts(2.5 * 3_600_000.0), (2.0, "hour"));
        assert_eq!(age_parts(49.0 * 3_600_000.0), (2.0, "day"));
    }

    #[test]
    fn clock_time_is_hours_minutes_seconds() {
        assert_eq!(clock_time(0.0), "00:00:00");
        assert_eq!(clock_time(3_723_000.0), "01:02:03");
    }

    #[test]
    fn a_backup_age_is_counted_in_hours_up_to_three_days() {
        let now = 1_000_000_000_000.0;
        let ago = |hours: f64| hours_ago(now - hours * 3_600_000.0, now, crate::lang::Language::En);
        assert_eq!(ago(0.5), "30 minutes ago");
        assert_eq!(ago(26.9), "26 hours ago");
        assert_eq!(ago(71.9), "71 hours ago");
        assert_eq!(ago(80.0), "3 days ago");
        assert_eq!(ago(-1.0), "0 minutes ago", "a date ahead of the clock");
    }
}
