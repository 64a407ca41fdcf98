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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_time_is_hours_minutes_seconds() {
        assert_eq!(clock_time(0.0), "00:00:00");
        assert_eq!(clock_time(3_723_000.0), "01:02:03");
    }
}
