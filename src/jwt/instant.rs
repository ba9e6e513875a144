//! Instants given on the command line for `exp`, `nbf` and `iat`: unix seconds, an RFC 3339
//! date, or an offset from now with an explicit sign (`+90s`, `-5m`, `+1h`), so fixtures for
//! expired and not-yet-valid tokens are one option away.

/// Reads `text` as an instant, offsets counted from `now`. `what` names the option in messages.
pub fn parse_time(text: &str, now: i64, what: &str) -> Result<i64, String> {
    let trimmed = text.trim();
    let offset = match trimmed.as_bytes().first() {
        Some(b'+') => Some(1),
        Some(b'-') => Some(-1),
        _ => None,
    };
    if let Some(sign) = offset {
        let rest = trimmed.get(1..).unwrap_or_default();
        // A bare signed number is more likely a typo for unix seconds than an offset in seconds.
        if rest.is_empty() || rest.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err(format!(
                "{what} {text:?}: an offset needs a unit (+90s, -5m, +1h); unix seconds have no sign"
            ));
        }
        let seconds = humantime::parse_duration(rest)
            .ok()
            .and_then(|duration| i64::try_from(duration.as_secs()).ok())
            .ok_or_else(|| format!("{what} {text:?} is not an offset such as +90s, -5m or +1h"))?;
        return now
            .checked_add(sign * seconds)
            .ok_or_else(|| format!("{what} {text:?} is out of range"));
    }
    if !trimmed.is_empty() && trimmed.bytes().all(|byte| byte.is_ascii_digit()) {
        return trimmed
            .parse::<i64>()
            .map_err(|_| format!("{what} {text:?} is out of range"));
    }
    if let Ok(instant) = trimmed.parse::<jiff::Timestamp>() {
        return Ok(instant.as_second());
    }
    Err(format!(
        "{what} {text:?} is neither unix seconds, an RFC 3339 date (2026-11-27T02:15:00Z) nor an \
         offset from now (+90s, -5m, +1h)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    #[test]
    fn absolute_and_relative_instants() {
        let parse = |text: &str| parse_time(text, NOW, "--exp");
        assert_eq!(parse("1700000000"), Ok(1_700_000_000));
        assert_eq!(parse(" 0 "), Ok(0));
        assert_eq!(parse("2027-01-15T08:00:00Z"), Ok(1_800_000_000));
        assert_eq!(parse("2027-01-15T08:00:00+01:00"), Ok(1_799_996_400));
        assert_eq!(parse("+90s"), Ok(NOW + 90));
        assert_eq!(parse("-5m"), Ok(NOW - 300));
        assert_eq!(parse("+1h"), Ok(NOW + 3600));
        assert_eq!(parse("+1h30m"), Ok(NOW + 5400));
        assert_eq!(parse("-7d"), Ok(NOW - 604_800));
    }

    #[test]
    fn mistakes_are_named() {
        let parse = |text: &str| parse_time(text, NOW, "--nbf").unwrap_err();
        assert!(parse("-5").contains("needs a unit"));
        assert!(parse("+").contains("needs a unit"));
        assert!(parse("5m").contains("neither unix seconds"));
        assert!(parse("+5 parsecs").contains("not an offset"));
        assert!(parse("").contains("neither"));
        assert!(parse("99999999999999999999").contains("out of range"));
        assert!(
            parse_time("+1s", i64::MAX, "--iat")
                .unwrap_err()
                .contains("out of range")
        );
        assert!(parse("tomorrow").starts_with("--nbf \"tomorrow\""));
    }
}
