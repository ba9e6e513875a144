//! The rules of the store, apart from where it keeps its records: the states a refresh token's
//! record goes through, what presenting a token does in each state, and until when each kind of
//! record still matters.
//!
//! The file backend applies these functions to its records directly. The Redis backend applies
//! the same rules inside its Lua scripts (each one atomic step on the server), so a change here
//! is a change to `redis/lua/*.lua` too; the conformance suite run against both backends holds
//! them to the same answers.

use super::{AccessOutcome, LookupOutcome, MIN_CUTOFF_RETENTION, Timestamp};

/// Where a recorded refresh token is in its life. `S` names the successor, as the backend stores it.
///
/// ```text
/// Active --rotate--> Rotated --rotate again (reuse)--> Revoked (with its whole family)
///    \------------------ revoke ------------------------^
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum State<S> {
    Active,
    /// Traded for `successor` at `at`; presenting it again is reuse.
    Rotated {
        at: Timestamp,
        successor: S,
    },
    Revoked {
        at: Timestamp,
    },
}

impl<S> State<S> {
    pub(crate) fn is_revoked(&self) -> bool {
        matches!(self, State::Revoked { .. })
    }

    /// What `lookup` reports for a record in this state.
    pub(crate) fn lookup(&self) -> LookupOutcome {
        match self {
            State::Active => LookupOutcome::Active,
            State::Rotated { .. } => LookupOutcome::Rotated,
            State::Revoked { .. } => LookupOutcome::Revoked,
        }
    }

    /// What presenting the token for rotation does.
    pub(crate) fn rotation(&self) -> Rotation {
        match self {
            State::Active => Rotation::Rotate,
            State::Rotated { .. } => Rotation::Reuse,
            State::Revoked { .. } => Rotation::Refuse,
        }
    }
}

/// What `rotate` does with a token whose record it found (a token without a record, or of another
/// subject or family, is `Unknown` and changes nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rotation {
    /// Active: it becomes rotated and its successor is recorded active.
    Rotate,
    /// Already rotated, so presented a second time: the whole family is revoked.
    Reuse,
    /// Already revoked: nothing changes.
    Refuse,
}

/// Until when a token record matters: a rotated token must be recognised as reuse until it
/// expires, and a family revocation must outlive the access token issued with it.
pub(crate) fn keep_until(expires_at: Timestamp, access_expires_at: Timestamp) -> Timestamp {
    expires_at.max(access_expires_at)
}

/// Whether something kept until `keep_until` still matters at `now`. Every backend treats what no
/// longer matters as absent, pruned or not.
pub(crate) fn matters(keep_until: Timestamp, now: Timestamp) -> bool {
    keep_until > now
}

/// Whether a record makes its family live: an active token that has not expired.
pub(crate) fn is_live_active<S>(state: &State<S>, expires_at: Timestamp, now: Timestamp) -> bool {
    matches!(state, State::Active) && expires_at > now
}

/// When a family started, from one of its records: the `start` carried forward by rotations, or
/// the record's own `iat`, whichever is earlier.
pub(crate) fn family_start(start: Option<Timestamp>, issued_at: Timestamp) -> Timestamp {
    start.unwrap_or(issued_at).min(issued_at)
}

/// A `revoke --user` cut-off: the subject's access tokens issued at or before `at` are refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cutoff {
    pub(crate) at: Timestamp,
    /// When the cut-off can be forgotten.
    pub(crate) until: Timestamp,
}

impl Cutoff {
    /// The cut-off `revoke --user` leaves at `now`, given the one already recorded and the
    /// keep-until times of the subject's records. It is kept at least [`MIN_CUTOFF_RETENTION`],
    /// for access tokens issued without a refresh token, whose expiry the store never saw, and
    /// never moves back in time.
    pub(crate) fn renewed(
        old: Option<Cutoff>,
        now: Timestamp,
        records_keep_until: impl IntoIterator<Item = Timestamp>,
    ) -> Cutoff {
        let until = records_keep_until
            .into_iter()
            .fold(now.saturating_add(MIN_CUTOFF_RETENTION), Timestamp::max);
        match old {
            Some(old) => Cutoff {
                at: old.at.max(now),
                until: old.until.max(until),
            },
            None => Cutoff { at: now, until },
        }
    }

    /// Whether an access token issued at `issued_at` is cut off.
    pub(crate) fn cuts(&self, issued_at: Timestamp) -> bool {
        issued_at <= self.at
    }
}

/// What the store knows about an access token's family, for [`access_outcome`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FamilyRecord {
    /// Remembered as revoked.
    Revoked,
    /// Has a record that is not revoked: a session started after a cut-off, even in the same
    /// second, stays valid.
    Unrevoked,
    /// Nothing that still matters.
    Unknown,
}

/// The order of the access check (`verify --check-revocation`): a revoked family refuses, a known
/// unrevoked family allows, and only then is the subject's cut-off compared with `issued_at`.
pub(crate) fn access_outcome(
    sub: Option<&str>,
    family: Option<(&str, FamilyRecord)>,
    cutoff: Option<Cutoff>,
    issued_at: Timestamp,
) -> AccessOutcome {
    match family {
        Some((family, FamilyRecord::Revoked)) => {
            return AccessOutcome::FamilyRevoked {
                family: family.to_owned(),
            };
        }
        Some((_, FamilyRecord::Unrevoked)) => return AccessOutcome::Allowed,
        Some((_, FamilyRecord::Unknown)) | None => {}
    }
    match (sub, cutoff) {
        (Some(sub), Some(cutoff)) if cutoff.cuts(issued_at) => AccessOutcome::UserCutOff {
            sub: sub.to_owned(),
            at: cutoff.at,
        },
        _ => AccessOutcome::Allowed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_state_has_one_rotation_and_one_lookup() {
        let rotated: State<&str> = State::Rotated {
            at: 5,
            successor: "n",
        };
        assert_eq!(State::<&str>::Active.rotation(), Rotation::Rotate);
        assert_eq!(rotated.rotation(), Rotation::Reuse);
        assert_eq!(
            State::<&str>::Revoked { at: 6 }.rotation(),
            Rotation::Refuse
        );
        assert_eq!(State::<&str>::Active.lookup(), LookupOutcome::Active);
        assert_eq!(rotated.lookup(), LookupOutcome::Rotated);
        assert_eq!(
            State::<&str>::Revoked { at: 6 }.lookup(),
            LookupOutcome::Revoked
        );
    }

    #[test]
    fn a_record_matters_until_both_its_tokens_expired() {
        assert_eq!(keep_until(100, 40), 100);
        assert_eq!(keep_until(100, 400), 400);
        assert!(matters(100, 99));
        assert!(!matters(100, 100), "at its keep-until time it is gone");
    }

    #[test]
    fn only_an_unexpired_active_record_is_live() {
        assert!(is_live_active(&State::<()>::Active, 10, 9));
        assert!(!is_live_active(&State::<()>::Active, 10, 10));
        assert!(!is_live_active(
            &State::Rotated {
                at: 1,
                successor: ()
            },
            10,
            9
        ));
    }

    #[test]
    fn a_family_starts_at_the_earliest_time_known() {
        assert_eq!(family_start(None, 50), 50);
        assert_eq!(family_start(Some(20), 50), 20);
        assert_eq!(family_start(Some(70), 50), 50);
    }

    #[test]
    fn a_cutoff_is_kept_a_day_at_least_and_never_moves_back() {
        let fresh = Cutoff::renewed(None, 1000, [500]);
        assert_eq!(
            fresh,
            Cutoff {
                at: 1000,
                until: 1000 + MIN_CUTOFF_RETENTION
            }
        );
        let long = Cutoff::renewed(None, 1000, [i64::MAX - 1]);
        assert_eq!(long.until, i64::MAX - 1);
        let old = Cutoff {
            at: 2000,
            until: i64::MAX,
        };
        assert_eq!(Cutoff::renewed(Some(old), 1000, []), old);
        let saturated = Cutoff::renewed(None, i64::MAX, []);
        assert_eq!(saturated.until, i64::MAX);
        assert!(fresh.cuts(1000));
        assert!(!fresh.cuts(1001));
    }

    #[test]
    fn the_access_check_asks_the_family_before_the_cutoff() {
        let cutoff = Some(Cutoff { at: 10, until: 99 });
        assert_eq!(
            access_outcome(Some("u"), Some(("f", FamilyRecord::Revoked)), None, 5),
            AccessOutcome::FamilyRevoked { family: "f".into() }
        );
        assert_eq!(
            access_outcome(Some("u"), Some(("f", FamilyRecord::Unrevoked)), cutoff, 5),
            AccessOutcome::Allowed
        );
        assert_eq!(
            access_outcome(Some("u"), Some(("f", FamilyRecord::Unknown)), cutoff, 10),
            AccessOutcome::UserCutOff {
                sub: "u".into(),
                at: 10
            }
        );
        assert_eq!(
            access_outcome(Some("u"), None, cutoff, 11),
            AccessOutcome::Allowed
        );
        assert_eq!(
            access_outcome(None, None, cutoff, 1),
            AccessOutcome::Allowed
        );
    }
}
