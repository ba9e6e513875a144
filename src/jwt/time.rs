//! Turning NumericDates into words.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The current time in unix seconds. Only command entry points call this; the core takes `now`.
pub fn now() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(elapsed) => i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

/// `2026-11-27T02:15:00Z`, or the raw number when it is outside what a calendar date can show.
pub fn format_timestamp(seconds: i64) -> String {
    // humantime formats years up to 9999.
    const MAX: i64 = 253_402_300_799;
    if (0..=MAX).contains(&seconds) {
        let instant = UNIX_EPOCH + Duration::from_secs(seconds.unsigned_abs());
        humantime::format_rfc3339_seconds(instant).to_string()
    } else {
        format!("{seconds} (out of calendar range)")
    }
}

/// `3m 12s`, `6h`, `2d 4h`: the largest unit and the one below it are enough for a person.
pub fn format_duration(seconds: i64) -> String {
    let seconds = seconds.unsigned_abs();
    let units = [
        (365 * 86_400, "y"),
        (86_400, "d"),
        (3_600, "h"),
        (60, "m"),
        (1, "s"),
    ];
    // The largest unit, then the next one down only: "1y 7m" would read as months.
    let Some(first) = units.iter().position(|&(size, _)| seconds >= size) else {
        return "0s".to_owned();
    };
    let (size, name) = units[first];
    let mut shown = format!("{}{name}", seconds / size);
    if let Some(&(next, next_name)) = units.get(first + 1) {
        let rest = seconds % size / next;
        if rest > 0 {
            shown.push_str(&format!(" {rest}{next_name}"));
        }
    }
    shown
}

/// "in 4m 59s" or "3h ago".
pub fn relative(seconds: i64, now: i64) -> String {
    if seconds == now {
        "now".to_owned()
    } else if seconds > now {
        format!("in {}", format_duration(seconds.saturating_sub(now)))
    } else {
        format!("{} ago", format_duration(now.saturating_sub(seconds)))
    }
}

/// Parses `90s`, `5m`, `6h`, `7d` (and anything humantime reads, such as `1h 30m`) into seconds.
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let duration = humantime::parse_duration(text.trim()).map_err(|error| {
        format!("invalid duration {text:?}: {error} (examples: 90s, 5m, 6h, 7d)")
    })?;
    i64::try_from(duration.as_secs()).map_err(|_| format!("duration {text:?} is too long"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_and_print() {
        assert_eq!(parse_duration("90s"), Ok(90));
        assert_eq!(parse_duration("5m"), Ok(300));
        assert_eq!(parse_duration("6h"), Ok(21_600));
        assert_eq!(parse_duration("7d"), Ok(604_800));
        assert!(parse_duration("five").is_err());
        assert!(parse_duration("").is_err());
        assert_eq!(format_duration(192), "3m 12s");
        assert_eq!(format_duration(21_600), "6h");
        assert_eq!(format_duration(0), "0s");
        assert_eq!(format_duration(2 * 86_400 + 4 * 3_600 + 59), "2d 4h");
        // A year and seven minutes is a year: "1y 7m" would read as seven months.
        assert_eq!(format_duration(365 * 86_400 + 7 * 60), "1y");
        assert_eq!(format_duration(365 * 86_400 + 3 * 86_400), "1y 3d");
    }

    #[test]
    fn timestamps_are_utc_and_total() {
        assert_eq!(format_timestamp(1_300_819_380), "2011-03-22T18:43:00Z");
        assert!(format_timestamp(i64::MAX).contains("out of calendar range"));
        assert!(format_timestamp(-5).contains("out of calendar range"));
        assert_eq!(relative(100, 40), "in 1m");
        assert_eq!(relative(40, 100), "1m ago");
        // Found by tests/properties.rs: `seconds - now` overflowed for a clock before 1970
        // and an exp far in the future.
        assert!(relative(i64::MAX, -1).starts_with("in 292471208677y"));
        assert!(relative(i64::MIN, i64::MAX).ends_with(" ago"));
    }
}
