//! RFC 3339 dates and times, read by hand to keep date crates out of the
//! WebAssembly bundle.

use std::fmt;
use std::time::Duration;

/// A moment in time, as milliseconds since 1970-01-01T00:00:00Z.
/// Fractions of a millisecond are dropped (truncated towards the past).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    unix_millis: i64,
}

/// Go's zero `time.Time`, which Go servers write for "not yet".
const GO_ZERO_TIME_MILLIS: i64 = -62_135_596_800_000;

impl Timestamp {
    pub fn from_unix_millis(unix_millis: i64) -> Self {
        Timestamp { unix_millis }
    }

    pub fn unix_millis(self) -> i64 {
        self.unix_millis
    }

    /// Reads `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`. Also accepts a
    /// lowercase `t`/`z` or a space between date and time, as RFC 3339 allows.
    /// A leap second (`:60`) reads as the last millisecond before the next
    /// minute. Anything else is `None`.
    pub fn parse(text: &str) -> Option<Timestamp> {
        let b = text.trim().as_bytes();
        if b.len() < 20 {
            return None;
        }
        let year = digits(b, 0, 4)?;
        let month = digits(b, 5, 2)?;
        let day = digits(b, 8, 2)?;
        let hour = digits(b, 11, 2)?;
        let minute = digits(b, 14, 2)?;
        let second = digits(b, 17, 2)?;
        let separators_ok = b.get(4) == Some(&b'-')
            && b.get(7) == Some(&b'-')
            && matches!(b.get(10), Some(b'T' | b't' | b' '))
            && b.get(13) == Some(&b':')
            && b.get(16) == Some(&b':');
        if !separators_ok
            || !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 60
        {
            return None;
        }

        let mut pos = 19;
        let mut millis = 0i64;
        if b.get(pos) == Some(&b'.') {
            pos += 1;
            let start = pos;
            while let Some(digit) = b.get(pos).filter(|d| d.is_ascii_digit()) {
                if pos - start < 3 {
                    millis = millis * 10 + i64::from(digit - b'0');
                }
                pos += 1;
            }
            let count = pos - start;
            if count == 0 {
                return None;
            }
            for _ in count..3 {
                millis *= 10;
            }
        }

        let offset_minutes = match b.get(pos..)? {
            [b'Z' | b'z'] => 0,
            [sign @ (b'+' | b'-'), rest @ ..] if rest.len() == 5 && rest.get(2) == Some(&b':') => {
                let h = digits(rest, 0, 2)?;
                let m = digits(rest, 3, 2)?;
                if h > 23 || m > 59 {
                    return None;
                }
                let total = h * 60 + m;
                if *sign == b'-' {
                    -total
                } else {
                    total
                }
            }
            _ => return None,
        };

        let (second, millis) = if second == 60 {
            (59, 999)
        } else {
            (second, millis)
        };
        let days = days_from_civil(year, month, day);
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset_minutes * 60;
        Some(Timestamp {
            unix_millis: seconds * 1_000 + millis,
        })
    }

    /// True for Go's zero time, `0001-01-01T00:00:00Z`.
    pub fn is_go_zero_time(self) -> bool {
        self.unix_millis == GO_ZERO_TIME_MILLIS
    }

    /// How long after `earlier` this is; `None` when it is before `earlier`.
    pub fn since(self, earlier: Timestamp) -> Option<Duration> {
        let millis = self.unix_millis.checked_sub(earlier.unix_millis)?;
        u64::try_from(millis).ok().map(Duration::from_millis)
    }
}

/// `2020-11-05 06:39:45 UTC`: what the panel shows.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.unix_millis.div_euclid(1_000);
        let days = seconds.div_euclid(86_400);
        let of_day = seconds.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        write!(
            f,
            "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
            of_day / 3_600,
            of_day % 3_600 / 60,
            of_day % 60
        )
    }
}

fn digits(b: &[u8], start: usize, count: usize) -> Option<i64> {
    let slice = b.get(start..start + count)?;
    slice.iter().try_fold(0i64, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
    })
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::Timestamp;
    use std::time::Duration;

    fn millis(text: &str) -> Option<i64> {
        Timestamp::parse(text).map(Timestamp::unix_millis)
    }

    #[test]
    fn seed_timestamps_parse_to_the_millisecond() {
        assert_eq!(
            millis("2020-11-05T06:39:45.726289Z"),
            Some(1_604_558_385_726)
        );
        assert_eq!(
            millis("2020-11-05T06:39:57.973157Z"),
            Some(1_604_558_397_973)
        );
        assert_eq!(
            millis("2020-11-05T06:38:25.308834Z"),
            Some(1_604_558_305_308)
        );
        assert_eq!(
            millis("2020-11-05T06:38:29.248173Z"),
            Some(1_604_558_309_248)
        );
    }

    #[test]
    fn offsets_fractions_and_edges() {
        assert_eq!(millis("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(millis("2024-02-29T12:00:00+02:00"), Some(1_709_200_800_000));
        assert_eq!(millis("2024-02-29T08:30:00-01:30"), Some(1_709_200_800_000));
        assert_eq!(millis("1969-12-31T23:59:59.5Z"), Some(-500));
        assert_eq!(
            millis("9999-12-31T23:59:59.999Z"),
            Some(253_402_300_799_999)
        );
        // Google's sync jobs carry nanoseconds (Thales' own test data).
        assert_eq!(
            millis("2020-11-05T06:38:29.676642246Z"),
            Some(1_604_558_309_676)
        );
        assert_eq!(millis("2020-11-05t06:39:45z"), Some(1_604_558_385_000));
        assert_eq!(millis("2020-11-05 06:39:45Z"), Some(1_604_558_385_000));
        assert_eq!(millis("2016-12-31T23:59:60Z"), Some(1_483_228_799_999));
        assert!(Timestamp::parse("0001-01-01T00:00:00Z").is_some_and(Timestamp::is_go_zero_time));
    }

    #[test]
    fn malformed_text_is_rejected() {
        for text in [
            "",
            "2020-11-05",
            "2020-11-05T06:39:45",
            "2020-11-05T06:39:45.Z",
            "2020-13-05T06:39:45Z",
            "2021-02-29T06:39:45Z",
            "2020-11-31T06:39:45Z",
            "2020-11-05T24:00:00Z",
            "2020-11-05T06:60:00Z",
            "2020-11-05T06:39:45+0100",
            "2020-11-05T06:39:45+24:00",
            "2020-11-05T06:39:45Zjunk",
            "2020/11/05T06:39:45Z",
            "２020-11-05T06:39:45Z",
            "+020-11-05T06:39:45Z",
        ] {
            assert_eq!(Timestamp::parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn display_is_utc_to_the_second() {
        let ts = Timestamp::parse("2020-11-05T07:39:45.726+01:00");
        assert_eq!(
            ts.map(|t| t.to_string()).as_deref(),
            Some("2020-11-05 06:39:45 UTC")
        );
        assert_eq!(
            Timestamp::from_unix_millis(-500).to_string(),
            "1969-12-31 23:59:59 UTC"
        );
    }

    #[test]
    fn since_is_never_negative() {
        let a = Timestamp::from_unix_millis(1_000);
        let b = Timestamp::from_unix_millis(3_500);
        assert_eq!(b.since(a), Some(Duration::from_millis(2_500)));
        assert_eq!(a.since(b), None);
    }
}
