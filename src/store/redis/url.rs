//! Redis URLs in messages: the password of a URL is never shown, as typed or as decoded.

/// The parts of a URL that must never be shown: the password of `user:password@` and the value
/// of a `pass=` or `password=` query parameter, as typed.
pub(in crate::store) fn url_secrets(url: &str) -> Vec<String> {
    let mut secrets = Vec::new();
    if let Some((_, rest)) = url.split_once("://")
        && let Some(at) = rest.rfind('@')
        && let Some((_, password)) = rest[..at].split_once(':')
        && !password.is_empty()
    {
        secrets.push(password.to_owned());
    }
    for (start, end) in query_secret_spans(url) {
        if end > start {
            secrets.push(url[start..end].to_owned());
        }
    }
    secrets
}

/// Replaces every secret in `message` with `***`.
pub(in crate::store) fn scrub(message: &str, secrets: &[String]) -> String {
    let mut message = message.to_owned();
    for secret in secrets.iter().filter(|secret| !secret.is_empty()) {
        message = message.replace(secret.as_str(), "***");
    }
    message
}

/// Query parameters that carry a password (`redis+unix:///path?pass=…`).
const SECRET_PARAMS: [&str; 2] = ["pass=", "password="];
/// Query parameters the Redis URL parser knows; a secret value ends where one of them starts.
const KNOWN_PARAMS: [&str; 5] = ["db=", "user=", "protocol=", "pass=", "password="];

/// Byte ranges of the values of password query parameters. A value runs to the next `&` that
/// starts a known parameter, or to the end, so a password holding `&` or `#` is hidden whole.
fn query_secret_spans(url: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let bytes = url.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if matches!(bytes[i], b'?' | b'&')
            && let Some(param) = SECRET_PARAMS
                .iter()
                .find(|param| url[i + 1..].starts_with(*param))
        {
            let start = i + 1 + param.len();
            let mut end = url.len();
            let mut j = start;
            while let Some(offset) = url[j..].find('&') {
                let amp = j + offset;
                if KNOWN_PARAMS
                    .iter()
                    .any(|known| url[amp + 1..].starts_with(known))
                {
                    end = amp;
                    break;
                }
                j = amp + 1;
            }
            spans.push((start, end));
            i = end;
        } else {
            i += 1;
        }
    }
    spans
}

/// `url` with its password replaced by `***`, for messages. Conservative: in a malformed URL it
/// may hide more than the password, never less.
pub(in crate::store) fn redact_url(url: &str) -> String {
    const MASK: &str = "***";
    let Some((scheme, rest)) = url.split_once("://") else {
        // Not a URL: it may be anything, a password included.
        return "(unparsable URL)".to_owned();
    };
    let mut redacted = format!("{scheme}://");
    // The credentials end at the last `@`: a password may hold an unescaped `@`, `/` or `?`.
    let rest = match rest.rfind('@') {
        Some(at) => {
            let userinfo = &rest[..at];
            match userinfo.split_once(':') {
                Some((user, _)) => {
                    redacted.push_str(user);
                    redacted.push(':');
                    redacted.push_str(MASK);
                }
                None => redacted.push_str(userinfo),
            }
            redacted.push('@');
            &rest[at + 1..]
        }
        None => rest,
    };
    redacted.push_str(rest);
    let spans = query_secret_spans(&redacted);
    for (start, end) in spans.into_iter().rev() {
        redacted.replace_range(start..end, MASK);
    }
    redacted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_url_hides_the_password_of_the_userinfo() {
        assert_eq!(
            redact_url("redis://alice:s3cret@db.example:6380/2"),
            "redis://alice:***@db.example:6380/2"
        );
        assert_eq!(
            redact_url("redis://:s3cret@127.0.0.1"),
            "redis://:***@127.0.0.1"
        );
        assert_eq!(
            redact_url("rediss://u:p%40ss@h:6379/0#insecure"),
            "rediss://u:***@h:6379/0#insecure"
        );
    }

    #[test]
    fn redact_url_keeps_urls_without_a_password() {
        for url in [
            "redis://127.0.0.1:6379/0",
            "redis://alice@127.0.0.1:6379",
            "redis+unix:///run/redis@1/redis.sock?db=3",
            "unix:///tmp/r.sock",
        ] {
            assert_eq!(redact_url(url), url);
        }
    }

    #[test]
    fn redact_url_hides_unescaped_special_characters_in_the_password() {
        let redacted = redact_url("redis://bob:pa@ss/wo?rd#x@10.0.0.1:6379/1");
        assert_eq!(redacted, "redis://bob:***@10.0.0.1:6379/1");
        let redacted = redact_url("redis://:a:b:c@h");
        assert_eq!(redacted, "redis://:***@h");
    }

    #[test]
    fn redact_url_hides_query_passwords() {
        assert_eq!(
            redact_url("redis+unix:///tmp/r.sock?db=1&pass=s3cret&user=bob"),
            "redis+unix:///tmp/r.sock?db=1&pass=***&user=bob"
        );
        assert_eq!(
            redact_url("unix:///tmp/r.sock?pass=a&b#c"),
            "unix:///tmp/r.sock?pass=***"
        );
        assert_eq!(
            redact_url("redis+unix:///tmp/r.sock?password=x&db=2"),
            "redis+unix:///tmp/r.sock?password=***&db=2"
        );
        // An `@` in the query does not make the password visible.
        let redacted = redact_url("redis+unix:///tmp/r.sock?user=a@b&pass=s3cret");
        assert!(!redacted.contains("s3cret"), "{redacted}");
    }

    #[test]
    fn redact_url_refuses_what_is_not_a_url() {
        assert_eq!(redact_url("s3cret"), "(unparsable URL)");
        assert_eq!(redact_url(""), "(unparsable URL)");
    }

    #[test]
    fn url_secrets_finds_both_places() {
        assert_eq!(url_secrets("redis://u:pw@h"), vec!["pw".to_owned()]);
        assert_eq!(url_secrets("unix:///s?pass=pw&db=1"), vec!["pw".to_owned()]);
        assert!(url_secrets("redis://h:6379").is_empty());
    }

    #[test]
    fn scrub_removes_secrets_from_messages() {
        let secrets = vec!["hunter2".to_owned(), String::new()];
        assert_eq!(scrub("AUTH hunter2 failed", &secrets), "AUTH *** failed");
    }
}
